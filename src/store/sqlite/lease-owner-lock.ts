// One `stage0 serve` per SQLite file: that process keeps the DHCP leases in memory (JournaledLeaseStore), so a second
// one on the same file would hand out addresses from its own copy. A lock file beside the database, held with
// SQLite's exclusive locking mode for the process's lifetime, refuses the second by name; the OS drops the lock when
// the holder dies, so a crash never leaves a stale lock behind.
import Database from 'better-sqlite3';

export interface LeaseOwnerLock {
  release(): void;
}

export function takeLeaseOwnerLock(dbPath: string): LeaseOwnerLock {
  const lock = new Database(`${dbPath}-dhcp.lock`, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // A write takes the exclusive lock; in exclusive locking mode it is kept until the connection closes.
    lock.exec(`CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, since TEXT NOT NULL);
      BEGIN EXCLUSIVE; DELETE FROM owner; INSERT INTO owner VALUES (${process.pid}, '${new Date().toISOString()}'); COMMIT;`);
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(`${dbPath}: another stage0 serve is running on this database. One serve per SQLite file (it keeps `
      + 'the DHCP leases in memory); several controllers need PostgreSQL (store.kind: postgres)');
  }
  return { release: () => { if (lock.open) lock.close(); } };
}
