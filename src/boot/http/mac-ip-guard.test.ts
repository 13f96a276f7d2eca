// The MAC/IP guard: table of verdicts, lease lookup, and the real boot routes over a real socket (token never minted when refused).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NewEvent } from '../../domain/inventory/types.ts';
import { IpMacTable } from '../../net/ip-mac-table.ts';
import { MemoryLeaseStore } from '../dhcp/memory-lease-store.ts';
import { bootHttpRoutes } from './boot-http-routes.ts';
import type { BootDecider } from './boot-plan.ts';
import { leaseAddressOf, macIpGuard, macIpVerdict, type MacIpFacts } from './mac-ip-guard.ts';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';

describe('macIpVerdict', () => {
  const facts = (byIp: Record<string, string>, byMac: Record<string, string> = {}): MacIpFacts => ({ macOf: (ip) => byIp[ip], ipOf: (mac) => byMac[mac] });
  const cases: [string, MacIpFacts, string, string, string][] = [
    ['ip known as that mac', facts({ '10.0.0.5': A }), '10.0.0.5', A, 'match'],
    ['mac case and v4-mapped ip do not matter', facts({ '10.0.0.5': A }), '::ffff:10.0.0.5', A.toUpperCase(), 'match'],
    ['nothing known: allowed', facts({}), '10.0.0.5', A, 'unknown'],
    ['mac leased at that ip', facts({}, { [A]: '10.0.0.5' }), '10.0.0.5', A, 'match'],
    ['ip known as another mac', facts({ '10.0.0.5': B }), '10.0.0.5', A, 'ip-held-by-other-mac'],
    ['mac leased at another ip', facts({}, { [A]: '10.0.0.6' }), '10.0.0.5', A, 'mac-leased-elsewhere'],
    ['both known, both other', facts({ '10.0.0.5': B }, { [A]: '10.0.0.6' }), '10.0.0.5', A, 'ip-held-by-other-mac'],
  ];
  for (const [what, f, ip, mac, expected] of cases) {
    it(what, async () => {
      const v = await macIpVerdict(f, ip, mac);
      assert.equal(v.ok ? v.basis : v.reason, expected);
    });
  }

  it('leaseAddressOf: only a bound, unexpired lease counts', async () => {
    const leases = new MemoryLeaseStore();
    const now = 1_000_000;
    await leases.bind({ ip: '10.0.0.7', mac: A, subnet: '10.0.0.0/24', expiresAt: now + 60_000 }, now);
    await leases.offer({ ip: '10.0.0.8', mac: B, subnet: '10.0.0.0/24', expiresAt: now + 60_000 }, now);
    const ipOf = leaseAddressOf(leases, ['10.9.0.0/24', '10.0.0.0/24'], () => now);
    assert.equal(await ipOf(A), '10.0.0.7');
    assert.equal(await ipOf(B), undefined, 'an offer is not a lease');
    assert.equal(await leaseAddressOf(leases, ['10.0.0.0/24'], () => now + 61_000)(A), undefined, 'expired');
  });
});

describe('guard on the real /boot.ipxe route', () => {
  let app: FastifyInstance;
  let base: string;
  const decided: string[] = [];
  const events: NewEvent[] = [];
  // 127.0.0.1 is where the test's requests come from; the table says who that is.
  const table = new IpMacTable(() => 'IP address HW type Flags HW address Mask Device\n');
  const decider: BootDecider = {
    async decide(mac) {
      decided.push(mac);
      return { node: 'n', plan: { kind: 'local', reason: 'test' } };
    },
  };
  before(async () => {
    app = Fastify();
    bootHttpRoutes(app, { httpBase: 'http://x', ipxeDir: '/nonexistent', nodes: { byMac: async () => undefined }, decider, events: { emit: (e) => events.push(e) } });
    macIpGuard(app, { macOf: (ip) => table.macOf(ip) }, { emit: (e) => events.push(e) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  after(() => app.close());

  it('unknown requester: served', async () => {
    const r = await fetch(`${base}/boot.ipxe?mac=${A}`);
    assert.equal(r.status, 200);
    assert.deepEqual(decided, [A]);
  });

  it('requester known as that MAC: served', async () => {
    table.learn('127.0.0.1', A);
    assert.equal((await fetch(`${base}/boot.ipxe?mac=${A.replace(/:/g, '-')}`)).status, 200);
  });

  it("requester known as another MAC: 403, no boot decision (no token minted or revoked), event recorded", async () => {
    table.learn('127.0.0.1', B);
    decided.length = 0;
    const r = await fetch(`${base}/boot.ipxe?mac=${A}`);
    assert.equal(r.status, 403);
    assert.doesNotMatch(await r.text(), /#!ipxe|token/);
    assert.deepEqual(decided, []);
    const refused = events.find((e) => e.kind === 'http.refused');
    assert.equal((refused?.details as { reason?: string }).reason, 'ip-held-by-other-mac');
    assert.equal((await fetch(`${base}/boot.ipxe?mac=${B}`)).status, 200, 'its own script it gets');
  });

  it('a malformed MAC is still the route\'s 400', async () => {
    assert.equal((await fetch(`${base}/boot.ipxe?mac=nope`)).status, 400);
  });
});
