// bootScriptAnswerer without sockets: request facts in, answer and events out, the decider and guard facts faked.
// The same function over real HTTP (both listeners, real database): boot-script-fast-path.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryEventSink } from '../../domain/events/event-sink.ts';
import type { BootDecider, BootPlan } from './boot-plan.ts';
import { bootScriptAnswerer } from './boot-script-answer.ts';

function setup(plan: BootPlan = { kind: 'kernel', spec: { kernel: 'vmlinuz', cmdline: 'quiet' }, reason: 'r' }) {
  const events = new MemoryEventSink();
  const asked: string[] = [];
  // One plan object for every MAC, as a cache hands back: the rendered script must still be each MAC's own.
  const decider: BootDecider = { decide: async (mac) => (asked.push(mac), { ...(mac.endsWith('01') && { node: 'n01' }), plan }) };
  const guard = { macOf: (ip: string) => (ip === '10.0.0.9' ? '52:54:00:00:00:99' : undefined) };
  const answer = bootScriptAnswerer({ httpBase: 'http://10.0.0.1:8080', decider, events, guard });
  return { events, asked, answer };
}

describe('bootScriptAnswerer', () => {
  test('a valid MAC: 200 text/plain no-store, the script for that MAC, one http.boot-script event', async () => {
    const { events, answer } = setup();
    const a = await answer({ mac: '52-54-00-00-00-01', ip: '::ffff:10.0.0.5' });
    assert.equal(a.status, 200);
    assert.deepEqual(a.headers, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    assert.match(a.body, /^#!ipxe\n# stage0: n01 \(52:54:00:00:00:01\)/);
    assert.match(a.body, /\/boot\/m\/52:54:00:00:00:01\/assets\/vmlinuz quiet/);
    assert.deepEqual(events.events.map((e) => [e.kind, e.node, e.details]), [['http.boot-script', 'n01', { mac: '52:54:00:00:00:01', plan: 'kernel', reason: 'r', from: '::ffff:10.0.0.5' }]]);
  });

  test('the same plan object for two MACs renders each its own script', async () => {
    const { answer } = setup();
    const one = (await answer({ mac: '52:54:00:00:00:01', ip: '10.0.0.5' })).body;
    const two = (await answer({ mac: '52:54:00:00:00:02', ip: '10.0.0.6' })).body;
    assert.match(two, /unknown machine \(52:54:00:00:00:02\)/);
    assert.doesNotMatch(two, /00:00:01/);
    assert.equal((await answer({ mac: '52:54:00:00:00:01', ip: '10.0.0.5' })).body, one);
  });

  for (const mac of [undefined, 'zz', ['52:54:00:00:00:01', '52:54:00:00:00:01'], '52:54:00:00:00:0']) {
    test(`not one MAC (${JSON.stringify(mac)}): 400, nothing decided, no event`, async () => {
      const { events, asked, answer } = setup();
      const a = await answer({ mac, ip: '10.0.0.5' });
      assert.equal(a.status, 400);
      assert.match(a.body, /valid mac is required/);
      assert.deepEqual([asked, events.events], [[], []]);
    });
  }

  test('an address known to be another MAC: 403, http.refused, and the decider (which mints tokens) never runs', async () => {
    const { events, asked, answer } = setup();
    const a = await answer({ mac: '52:54:00:00:00:01', ip: '::ffff:10.0.0.9' });
    assert.equal(a.status, 403);
    assert.deepEqual(a.headers, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    assert.equal(a.body, 'stage0: ip-held-by-other-mac: this address may not fetch the boot script of 52:54:00:00:00:01\n');
    assert.deepEqual(asked, []);
    assert.deepEqual(events.events.map((e) => [e.kind, e.node, e.details]), [
      ['http.refused', null, { path: '/boot.ipxe', mac: '52:54:00:00:00:01', from: '10.0.0.9', reason: 'ip-held-by-other-mac', detail: '10.0.0.9 is 52:54:00:00:00:99' }],
    ]);
  });
});
