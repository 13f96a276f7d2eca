// Runs the LeaseStore contract against the in-memory store.
import { runLeaseStoreContract } from './lease-store-contract.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';

runLeaseStoreContract('memory', async () => {
  const store = new MemoryLeaseStore();
  return { store, reopen: async () => new MemoryLeaseStore(await store.list()) };
});
