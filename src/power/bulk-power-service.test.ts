// BulkPowerService with an in-memory driver (the BMC boundary): one shared bound across concurrent runs, per-node
// boot firmware, nodes without a BMC, events without secrets, rinstall's nodeset first, cancellation.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DomainError } from '../domain/errors.ts';
import { MemoryEventSink } from '../domain/events/event-sink.ts';
import type { NodeView } from '../domain/services/node-view.ts';
import type { BootDevice, PowerDriver } from './capabilities.ts';
import { BulkPowerService, type BulkPowerDeps } from './bulk-power-service.ts';
import { createDriverRegistry } from './driver-registry.ts';
import { createSecretBox } from './secret-box.ts';

const box = createSecretBox(Buffer.alloc(32, 5));
const actor = { name: 'tester', from: '127.0.0.1' };

function fakeDriver(delayMs: number) {
  const calls: string[] = [];
  const gauge = { now: 0, max: 0 };
  const work = async <T>(what: string, value: T): Promise<T> => {
    calls.push(what);
    gauge.max = Math.max(gauge.max, ++gauge.now);
    await new Promise((r) => setTimeout(r, delayMs));
    gauge.now--;
    return value;
  };
  const driver: PowerDriver = {
    name: 'fake', features: ['power-state', 'power-set', 'boot-device', 'inventory'],
    powerState: (t) => work(`stat ${t.address} ${t.password}`, 'on' as const),
    setPower: (t, op) => work(`${op} ${t.address}`, undefined),
    setBootDevice: (t, b: BootDevice) => work(`boot ${t.address} ${b.device} ${b.firmware}`, undefined),
    inventory: (t) => work(`inv ${t.address}`, { vendor: 'v', model: 'm', serial: t.address }),
  };
  return { driver, calls, gauge };
}

function view(name: string, effective: Record<string, string | number | boolean>): NodeView {
  return { name, macs: [], groups: [], bmc: null, attrs: {}, version: 1, createdAt: '', updatedAt: '', effective };
}

function service(nodes: NodeView[], over: Partial<BulkPowerDeps> & { delayMs?: number } = {}) {
  const fake = fakeDriver(over.delayMs ?? 5);
  const events = new MemoryEventSink();
  const svc = new BulkPowerService({
    nodes: { listNodes: async (q) => ({ items: q.range === 'all' ? nodes : nodes.filter((n) => q.range.split(',').includes(n.name)), total: nodes.length, offset: 0, limit: q.limit }) },
    drivers: createDriverRegistry([fake.driver]), box, events, concurrency: 3, timeoutMs: 1000, ...over,
  });
  return { svc, events, ...fake };
}

const collect = async (run: { results: AsyncGenerator<{ node: string; ok: boolean }> }) => {
  const out = [];
  for await (const r of run.results) out.push(r);
  return out;
};

const bmcNodes = (n: number) => Array.from({ length: n }, (_, i) => view(`n${i}`, { 'bmc.address': `10.0.0.${i}`, 'bmc.password': box.seal(`pw${i}`), ...(i % 2 ? { firmware: 'bios' } : {}) }));

it('two bulk runs at once share one bound of power.concurrency BMCs in flight', async () => {
  const { svc, gauge } = service(bmcNodes(10), { delayMs: 20 });
  const [a, b] = await Promise.all([svc.start('all', { command: 'rpower', action: { op: 'status' } }, actor), svc.start('all', { command: 'rinv' }, actor)]);
  const [ra, rb] = await Promise.all([collect(a), collect(b)]);
  assert.equal(ra.length + rb.length, 20);
  assert.ok([...ra, ...rb].every((r) => r.ok));
  assert.equal(gauge.max, 3);
});

it('rsetboot: firmware from each node unless given; the driver sees the opened password; no BMC = clear error; events carry no secret', async () => {
  const nodes = [...bmcNodes(2), view('nobmc', {})];
  const { svc, calls, events } = service(nodes);
  const res = await collect(await svc.start('all', { command: 'rsetboot', device: 'network', persistent: false, firmware: 'auto' }, actor));
  assert.deepEqual(calls.sort(), ['boot 10.0.0.0 network uefi', 'boot 10.0.0.1 network bios']);
  const bad = res.find((r) => r.node === 'nobmc') as unknown as { ok: boolean; errorCode: string; error: string };
  assert.deepEqual([bad.ok, bad.errorCode, bad.error], [false, 'invalid', 'bmc.address is not set']);
  await collect(await svc.start('n0', { command: 'rsetboot', device: 'disk', persistent: true, firmware: 'bios' }, actor));
  assert.ok(calls.includes('boot 10.0.0.0 disk bios'));
  await collect(await svc.start('n1', { command: 'rpower', action: { op: 'status' } }, actor));
  assert.ok(calls.includes('stat 10.0.0.1 pw1'), 'the driver got the opened password');
  assert.deepEqual(events.events.map((e) => [e.node, e.kind, e.details.ok]).slice(0, 3).sort(), [['n0', 'power.rsetboot', true], ['n1', 'power.rsetboot', true], ['nobmc', 'power.rsetboot', false]]);
  assert.ok(!JSON.stringify(events.events).match(/pw\d|s0enc/));
});

it('rinstall: nodeset for the whole range first; refused -> nothing powered; absent -> unavailable', async () => {
  const seen: string[] = [];
  const nodeset = { nodeset: async (range: string, osimage: string) => void seen.push(`nodeset ${range} ${osimage}`) };
  const { svc, calls } = service(bmcNodes(2), { nodeset });
  const res = await collect(await svc.start('all', { command: 'rinstall', osimage: 'img', firmware: 'auto' }, actor));
  assert.deepEqual(seen, ['nodeset all img']);
  assert.ok(res.every((r) => r.ok));
  assert.deepEqual(calls.sort(), ['boot 10.0.0.0 network uefi', 'boot 10.0.0.1 network bios', 'cycle 10.0.0.0', 'cycle 10.0.0.1']);

  const refusing = service(bmcNodes(2), { nodeset: { nodeset: async () => { throw new DomainError('not-found', "profile 'x' not found"); } } });
  await assert.rejects(refusing.svc.start('all', { command: 'rinstall', osimage: 'x', firmware: 'auto' }, actor), /profile 'x' not found/);
  assert.deepEqual(refusing.calls, []);
  await assert.rejects(service(bmcNodes(1)).svc.start('all', { command: 'rinstall', osimage: 'x', firmware: 'auto' }, actor), (e: unknown) => e instanceof DomainError && e.kind === 'unavailable');
});

it('a reader that stops early cancels the nodes not yet started', async () => {
  const { svc, calls } = service(bmcNodes(12), { delayMs: 30 });
  const run = await svc.start('all', { command: 'rpower', action: { op: 'status' } }, actor);
  for await (const r of run.results) {
    assert.ok(r.ok);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(calls.length <= 4, `${calls.length} BMCs asked after the reader left`);
});
