// Child process for lease-journal-crash.test.ts: binds leases one batch after another on a SQLite file through the
// journaled store, folding often, and prints each lease once its bind resolved (the moment a reply would go out).
// The parent kills it with SIGKILL at some point and checks that every printed lease survived.
import { JournaledLeaseStore } from '../../src/boot/dhcp/journaled-lease-store.ts';
import { SqlLeaseJournal } from '../../src/store/kysely/lease-journal-sql.ts';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-store.ts';

const [file, foldEvery] = process.argv.slice(2);
const db = await openSqliteDatabase(file!);
const store = await JournaledLeaseStore.open(new SqlLeaseJournal(db, { foldEvery: Number(foldEvery) }));
const ip = (n: number) => `10.72.${(n >> 8) & 255}.${n & 255}`;
const mac = (n: number) => `02:72:00:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
const T0 = Date.UTC(2026, 0, 1);
process.stdout.write('ready\n');
// 1,000 MACs cycling over 1,200 addresses: offers and binds, addresses changing hands once freed, MACs moving.
for (let round = 0; ; round++) {
  await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const n = (round * 20 + i) % 1000;
    const at = (n + round) % 1200;
    const claim = { ip: ip(at), mac: mac(n), subnet: '10.72.0.0/16', expiresAt: T0 + 3_600_000 + round };
    try {
      await store.offer(claim, T0);
      const l = await store.bind(claim, T0);
      process.stdout.write(`bound ${l.ip} ${l.mac} ${l.expiresAt}\n`);
    } catch {
      // conflict: the address is another MAC's this round
    }
  }));
}
