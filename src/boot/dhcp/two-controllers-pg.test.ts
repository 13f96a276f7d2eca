// Two controllers on one PostgreSQL database, both answering every client (a relay forwarding to both, or one
// broadcast domain): OFFERs written in group commits outside each controller's allocation lock must still never give
// one address to two machines, and every machine must end up bound. Real PostgreSQL 15, two separate connection pools.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { decodeDhcp, type DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';
import { MemoryEventSink } from '../../domain/events/event-sink.ts';
import { openPostgresDatabase } from '../../store/postgres/postgres-store.ts';
import { SqlLeaseStore } from '../../store/kysely/lease-store-sql.ts';
import type { InventorySchema } from '../../store/kysely/schema.ts';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.ts';
import { clientBytes } from './dhcp-request-builder.ts';
import { DhcpService } from './dhcp-service.ts';
import { FakeInventory } from './dhcp-service-fixture.ts';

const mac = (i: number) => `02:77:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

describe('two controllers on one PostgreSQL', { timeout: 120_000 }, () => {
  let pg: PostgresServer;
  const dbs: Kysely<InventorySchema>[] = [];
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    for (const db of dbs) await db.destroy();
    await pg?.stop();
  });

  const controller = async (serverAddress: string) => {
    const db = await openPostgresDatabase(pg.url);
    dbs.push(db);
    return new DhcpService({
      config: {
        mode: 'authoritative',
        interfaces: [{ name: 'eth0', serverAddress }],
        subnets: [{ cidr: '10.77.0.0/24', pools: [{ start: '10.77.0.10', end: '10.77.0.69' }] }],
        boot: { tftpServer: serverAddress, httpBase: `http://${serverAddress}:8080` },
        rateLimit: { totalBurst: 100_000, totalPerSecond: 100_000, burst: 1000, perSecond: 1000 },
        unknownOffers: { maxPerSubnet: 60 },
      },
      leases: new SqlLeaseStore(db), reservations: new FakeInventory(), events: new MemoryEventSink(),
    });
  };

  it('50 machines at once, every packet to both: each bound once, no address twice, the losers\' offers freed', async () => {
    const a = await controller('10.77.0.1');
    const b = await controller('10.77.0.2');
    const from = { interface: 'eth0', via: 'dhcp' as const, source: { address: '0.0.0.0', port: 68 } };
    const both = async (bytes: Buffer): Promise<DhcpPacket[]> =>
      (await Promise.all([a.handle(bytes, from), b.handle(bytes, from)])).flatMap((o) => (o ? [decodeDhcp(o.bytes)] : []));

    /** A client as firmware does it: DISCOVER (up to 4 times), take the first OFFER, REQUEST it (up to 4 times). */
    const client = async (i: number): Promise<string> => {
      for (let attempt = 0; attempt < 4; attempt++) {
        const offers = (await both(clientBytes({ type: 'DISCOVER', mac: mac(i), xid: i * 16 + attempt }))).filter((p) => p.options.messageType === 'OFFER');
        const offer = offers[i % offers.length]; // some clients take controller A's offer, some B's
        if (!offer) continue;
        const replies = await both(clientBytes({ type: 'REQUEST', mac: mac(i), xid: i * 16 + 8 + attempt, requestedIp: offer.yiaddr, serverId: offer.options.serverId! }));
        const ack = replies.find((p) => p.options.messageType === 'ACK');
        if (ack) return ack.yiaddr;
      }
      throw new Error(`${mac(i)}: no lease after 4 tries`);
    };

    const got = await Promise.all(Array.from({ length: 50 }, (_, i) => client(i)));
    assert.equal(new Set(got).size, 50, 'no address ACKed to two machines');
    const rows = await new SqlLeaseStore(dbs[0]!).list({ subnet: '10.77.0.0/24' });
    const bound = rows.filter((l) => l.state === 'bound');
    assert.equal(bound.length, 50);
    for (const [i, ip] of got.entries()) assert.equal(bound.find((l) => l.ip === ip)?.mac, mac(i), `${ip} is stored for ${mac(i)}`);
    assert.deepEqual(rows.filter((l) => l.state === 'offered'), [], 'every offer a client did not take was freed');
    const counters = { a: a.counters.snapshot(), b: b.counters.snapshot() };
    console.log(`# two controllers: ${JSON.stringify(counters)}`);
  });
});
