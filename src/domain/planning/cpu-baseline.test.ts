// The CPU baseline planner on real /proc/cpuinfo flags: levels per the x86-64 psABI, the common set, and the hosts
// that hold it down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuBaseline } from './cpu-baseline.ts';
import { nextX86Level, x86Level } from './x86-levels.ts';
import { ARM64, AVX2_ONLY, EPYC, EPYC_GUEST } from './cpu-flag-fixtures.ts';


describe('x86-64 levels (psABI names, cpuinfo spelling)', () => {
  it('reads each host at the highest level whose features are all there', () => {
    assert.equal(x86Level(new Set(EPYC)), 'x86-64-v4');
    assert.equal(x86Level(new Set(AVX2_ONLY)), 'x86-64-v3');
    assert.equal(x86Level(new Set(EPYC_GUEST)), 'x86-64-v2', 'AVX-512 does not make v3 without LZCNT');
    assert.equal(x86Level(new Set(ARM64)), null);
    assert.equal(x86Level(new Set(EPYC.filter((f) => f !== 'pni'))), 'x86-64', 'SSE3 is spelled pni');
  });

  it('names what is missing for the next level', () => {
    assert.deepEqual(nextX86Level(new Set(EPYC_GUEST)), { level: 'x86-64-v3', missing: ['abm'] });
    assert.equal(nextX86Level(new Set(EPYC)), undefined);
    assert.equal(nextX86Level(new Set(ARM64))?.level, 'x86-64');
  });
});

describe('cpuBaseline', () => {
  const host = (node: string, flags: string[], model = 'AMD EPYC') => ({ node, model, flags });

  it('one guest without LZCNT holds a v4 cluster at v2, and is named with what only it lacks', () => {
    const b = cpuBaseline([host('n01', EPYC), host('n02', EPYC), host('n03', EPYC_GUEST)]);
    assert.deepEqual(b.hosts.map((h) => [h.node, h.level]), [['n01', 'x86-64-v4'], ['n02', 'x86-64-v4'], ['n03', 'x86-64-v2']]);
    assert.equal(b.common.level, 'x86-64-v2');
    assert.ok(b.common.flags.includes('avx512f') && !b.common.flags.includes('abm'));
    assert.deepEqual(b.next, { level: 'x86-64-v3', missing: ['abm'], lackedBy: ['n03'] });
    assert.deepEqual(b.limiting, [{ node: 'n03', onlyMissing: ['abm'], levelWithout: 'x86-64-v4' }]);
  });

  it('a feature two hosts lack is not pinned on either; most features lost first', () => {
    const b = cpuBaseline([host('a', EPYC), host('b', AVX2_ONLY), host('c', AVX2_ONLY), host('d', EPYC_GUEST)]);
    assert.equal(b.common.level, 'x86-64-v2');
    // avx512* are lacked by b and c (two hosts): nobody alone; abm only by d.
    assert.deepEqual(b.limiting, [{ node: 'd', onlyMissing: ['abm'], levelWithout: 'x86-64-v3' }]);
    assert.deepEqual(b.next?.lackedBy, ['d']);
    const two = cpuBaseline([host('a', EPYC), host('b', AVX2_ONLY)]);
    assert.equal(two.common.level, 'x86-64-v3');
    assert.deepEqual(two.limiting.map((l) => [l.node, l.levelWithout]), [['b', 'x86-64-v4']]);
    assert.ok(two.limiting[0]!.onlyMissing.length > 10 && two.limiting[0]!.onlyMissing.every((f) => f.startsWith('avx512')));
    assert.deepEqual(two.next, { level: 'x86-64-v4', missing: ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'], lackedBy: ['b'] });
  });

  it('identical hosts: their own level, nothing limiting; the top level has no next', () => {
    const b = cpuBaseline([host('a', EPYC), host('b', [...EPYC].reverse())]);
    assert.equal(b.common.level, 'x86-64-v4');
    assert.equal(b.common.flags.length, new Set(EPYC).size);
    assert.deepEqual(b.limiting, []);
    assert.equal(b.next, undefined);
  });

  it('no host: no level; one host: its own; a foreign architecture: null level', () => {
    assert.deepEqual(cpuBaseline([]), { hosts: [], common: { flags: [], level: null }, limiting: [] });
    assert.equal(cpuBaseline([host('a', AVX2_ONLY)]).common.level, 'x86-64-v3');
    const mixed = cpuBaseline([host('x', EPYC), host('arm', ARM64, 'Neoverse-N1')]);
    assert.equal(mixed.common.level, null);
    assert.equal(mixed.next?.level, 'x86-64');
    // each lacks what the other has: without the arm host the rest is v4; without the x86 one, no x86 level at all
    assert.deepEqual(mixed.limiting.map((l) => [l.node, l.levelWithout]), [['arm', 'x86-64-v4'], ['x', null]]);
  });
});
