// Orchestrator: concurrency bound, per-attempt timeout, driver fallback, result shape and order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PowerDriver, PowerState } from './capabilities.ts';
import { createDriverRegistry } from './driver-registry.ts';
import { parsePowerAction } from './power-action.ts';
import { PowerError } from './power-error.ts';
import { runPowerAction, streamPowerAction, type PowerNode } from './power-orchestrator.ts';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** A driver whose behaviour per address is scripted: 'on', 'off', 'hang', 'hang-ignore-signal', 'auth'. */
function scripted(name: string, stats = { inFlight: 0, max: 0 }): PowerDriver & { stats: typeof stats } {
  return {
    name,
    features: ['power-state', 'power-set'],
    stats,
    async powerState(t, { signal }): Promise<PowerState> {
      stats.inFlight++;
      stats.max = Math.max(stats.max, stats.inFlight);
      try {
        if (t.address === 'hang') await sleep(60_000, signal);
        if (t.address === 'hang-ignore-signal') await new Promise(() => {});
        if (t.address === 'auth') throw new PowerError('auth', 'authentication failed');
        await sleep(20, signal);
        return t.address === 'on' ? 'on' : 'off';
      } finally {
        stats.inFlight--;
      }
    },
    async setPower() {},
  };
}
const node = (name: string, address: string, driver?: string): PowerNode => ({ name, bmc: { address, username: 'u', password: 'p', ...(driver ? { driver } : {}) } });

describe('power orchestrator', () => {
  it('bounds concurrency and returns results in input order', async () => {
    const d = scripted('ipmi');
    const nodes = Array.from({ length: 40 }, (_, i) => node(`n${i}`, i % 2 ? 'on' : 'off', 'ipmi'));
    let progressCalls = 0;
    const res = await runPowerAction(nodes, { op: 'status' }, { drivers: createDriverRegistry([d]), concurrency: 7, onProgress: () => progressCalls++ });
    assert.equal(d.stats.max, 7);
    assert.equal(progressCalls, 40);
    assert.deepEqual(res.map((r) => [r.node, r.result]), nodes.map((n, i) => [n.name, i % 2 ? 'on' : 'off']));
    assert.ok(res.every((r) => r.ok && r.attempted.join() === 'ipmi' && r.ms >= 0));
  });

  it('a hanging BMC times out alone, even if the driver ignores the signal', async () => {
    const d = scripted('ipmi');
    const nodes = [node('a', 'hang', 'ipmi'), node('b', 'hang-ignore-signal', 'ipmi'), node('c', 'on', 'ipmi')];
    const t0 = Date.now();
    const seen: string[] = [];
    for await (const r of streamPowerAction(nodes, { op: 'status' }, { drivers: createDriverRegistry([d]), timeoutMs: 300 })) seen.push(r.node);
    assert.equal(seen[0], 'c', 'the healthy node finishes first');
    const res = await runPowerAction(nodes, { op: 'status' }, { drivers: createDriverRegistry([d]), timeoutMs: 300 });
    assert.ok(Date.now() - t0 < 2000);
    for (const r of res.slice(0, 2)) {
      assert.equal(r.ok, false);
      assert.equal(r.errorCode, 'timeout');
      assert.match(r.error!, /^ipmi: no answer within 300 ms/);
      assert.ok(r.ms >= 290 && r.ms < 1000, `ms ${r.ms}`);
    }
    assert.equal(res[2]!.result, 'on');
  });

  it('without bmc.driver tries every driver with the feature and reports what was attempted', async () => {
    const first: PowerDriver = { name: 'redfish', features: ['power-state'], powerState: async () => Promise.reject(new PowerError('unreachable', 'connection refused')) };
    const second = scripted('ipmi');
    const inventoryOnly: PowerDriver = { name: 'fru', features: ['inventory'], inventory: async () => ({ vendor: '', model: '', serial: '' }) };
    const reg = createDriverRegistry([first, inventoryOnly, second]);
    const [ok, bad] = await runPowerAction([node('x', 'on'), node('y', 'auth')], { op: 'status' }, { drivers: reg });
    assert.deepEqual(ok, { node: 'x', ok: true, result: 'on', attempted: ['redfish', 'ipmi'], ms: ok!.ms });
    assert.equal(bad!.ok, false);
    assert.deepEqual(bad!.attempted, ['redfish', 'ipmi']);
    assert.equal(bad!.error, 'redfish: connection refused; ipmi: authentication failed');
    assert.equal(bad!.errorCode, 'auth');
  });

  it('reports bad configuration per node without calling drivers', async () => {
    const d = scripted('ipmi');
    const reg = createDriverRegistry([d]);
    const res = await runPowerAction(
      [node('a', '', 'ipmi'), node('b', 'on', 'ilo'), node('c', 'on', 'ipmi')],
      { op: 'inventory' },
      { drivers: reg },
    );
    assert.deepEqual(res.map((r) => [r.ok, r.errorCode]), [[false, 'invalid'], [false, 'invalid'], [false, 'unsupported']]);
    assert.match(res[1]!.error!, /unknown bmc.driver "ilo"/);
    assert.equal(d.stats.max, 0);
  });

  it('an outer abort ends every running node with a timeout', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const res = await runPowerAction([node('a', 'hang', 'ipmi'), node('b', 'hang', 'ipmi')], { op: 'status' }, { drivers: createDriverRegistry([scripted('ipmi')]), signal: ac.signal });
    assert.deepEqual(res.map((r) => [r.ok, r.errorCode, r.error]), [[false, 'timeout', 'ipmi: cancelled'], [false, 'timeout', 'ipmi: cancelled']]);
  });
});

describe('parsePowerAction', () => {
  const cases: [string, unknown][] = [
    ['status', { op: 'status' }],
    ['cycle', { op: 'cycle' }],
    ['fru', { op: 'inventory' }],
    ['bootdev pxe', { op: 'bootdev', boot: { device: 'network', persistent: false, firmware: 'uefi' } }],
    ['bootdev disk,persistent,bios', { op: 'bootdev', boot: { device: 'disk', persistent: true, firmware: 'bios' } }],
  ];
  for (const [text, want] of cases) it(text, () => assert.deepEqual(parsePowerAction(text), want));
  for (const bad of ['bootdev', 'bootdev cdrom', 'bootdev pxe sometimes', 'explode']) {
    it(`rejects "${bad}"`, () => assert.throws(() => parsePowerAction(bad), (e: unknown) => e instanceof PowerError && e.code === 'invalid'));
  }
});
