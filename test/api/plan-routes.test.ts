// The CPU baseline over the real API and CLI: machines report their CPU flags at discovery, a rule enrolls them,
// and `stage0 plan cpu-baseline` answers for a noderange from those facts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleReport } from '../../src/domain/discovery/sample-facts.ts';
import { EPYC, EPYC_GUEST } from '../../src/domain/planning/cpu-flag-fixtures.ts';
import { runCli } from '../support/run-cli.ts';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';

describe('plan cpu-baseline (API and CLI)', () => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, `/api/v1${path}`, body);

  before(async () => {
    s = await startTestServer('sqlite');
    const rule = await api('POST', '/discovery-rules', { name: 'hypervisors', priority: 10, match: {}, namePattern: 'hv{##}', groups: ['hv'] });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    for (const [i, flags] of [EPYC, EPYC, EPYC_GUEST].entries()) {
      const report = { ...sampleReport({ mac: `52:54:00:00:0c:0${i + 1}`, serial: `HV-${i + 1}`, uuid: `11111111-2222-3333-4444-00000000000${i + 1}`, cpu: 'AMD EPYC' }) } as { cpu: Record<string, unknown> };
      report.cpu = { ...report.cpu, flags };
      const r = await call(s.url, 'POST', '/api/v1/discovery', report, { anonymous: 'true' });
      assert.match(String(r.body), /STATUS=enrolled NODE=hv0\d/);
    }
    assert.equal((await api('POST', '/nodes', { name: 'hv04', groups: ['hv'] })).status, 201); // typed in, never discovered
  });
  after(async () => {
    await s?.stop();
  });

  it('answers from the newest facts: level, the host that holds it down, the nodes without facts', async () => {
    const r = await api('GET', '/plan/cpu-baseline?range=hv');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.hosts.map((h: { node: string; level: string }) => [h.node, h.level]), [['hv01', 'x86-64-v4'], ['hv02', 'x86-64-v4'], ['hv03', 'x86-64-v2']]);
    assert.equal(r.body.common.level, 'x86-64-v2');
    assert.deepEqual(r.body.next, { level: 'x86-64-v3', missing: ['abm'], lackedBy: ['hv03'] });
    assert.deepEqual(r.body.limiting, [{ node: 'hv03', onlyMissing: ['abm'], levelWithout: 'x86-64-v4' }]);
    assert.deepEqual(r.body.withoutFacts, ['hv04']);
    // hv03 boots discovery again with LZCNT exposed (a hypervisor setting changed): its newest facts count.
    const report = sampleReport({ mac: '52:54:00:00:0c:03', serial: 'HV-3', uuid: '11111111-2222-3333-4444-000000000003', cpu: 'AMD EPYC' }) as { cpu: Record<string, unknown> };
    report.cpu = { ...report.cpu, flags: EPYC };
    await call(s.url, 'POST', '/api/v1/discovery', report, { anonymous: 'true' });
    const after = (await api('GET', '/plan/cpu-baseline?range=hv01-hv03')).body; // hv01-hv03: the range picks the hosts
    assert.deepEqual([after.common.level, after.limiting, after.next, after.withoutFacts], ['x86-64-v4', [], undefined, []]);
  });

  it('the CLI prints the verdict and the hosts; --json is the API answer', async () => {
    const env = { STAGE0_URL: s.url };
    const text = await runCli(['plan', 'cpu-baseline', 'hv'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^baseline of hv: x86-64-v4 \(\d+ common CPU features over 3 hosts\)$/m);
    assert.match(text.stdout, /^no discovery facts \(not counted\): hv04$/m);
    assert.match(text.stdout, /^hv03\s+x86-64-v4\s+AMD EPYC$/m);
    const json = await runCli(['plan', 'cpu-baseline', 'hv01,hv04', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).withoutFacts, ['hv04']);
  });

  it('bad input: no range, an unknown node', async () => {
    const none = await api('GET', '/plan/cpu-baseline');
    assert.equal(none.status, 400);
    assert.match(JSON.stringify(none.body), /range/);
    const unknown = await api('GET', '/plan/cpu-baseline?range=hv01,nosuch');
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body)); // as every noderange: the unknown names are listed
    assert.deepEqual(unknown.body.unknown, ['nosuch']);
    const cli = await runCli(['plan', 'cpu-baseline', 'nosuch'], { STAGE0_URL: s.url });
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /nosuch/);
  });
});
