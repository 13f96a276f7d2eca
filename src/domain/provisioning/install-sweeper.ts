// The install sweeper's one pass: expired states fall back to `boot`, installs past their deadline fail ("timeout").
import type { ProvisioningStore } from './provisioning-store.ts';

/** One pass at `now`; returns the nodes it changed. All changes and their events in one transaction. */
export async function sweepDue(store: ProvisioningStore, now: number): Promise<{ expired: string[]; timedOut: string[] }> {
  const due = await store.bootStates.due(now);
  const expired: string[] = [];
  const timedOut: string[] = [];
  if (due.length === 0) return { expired, timedOut };
  await store.transaction(async (tx) => {
    const at = new Date(now).toISOString();
    for (const s of due) {
      if (s.expiresAt !== null && s.expiresAt <= now) {
        expired.push(s.node);
        await tx.bootStates.putMany([{ ...s, target: 'boot', oneshot: false, expiresAt: null, actor: 'system', cause: 'boot-state.expired', updatedAt: at }]);
        await tx.events.append([{ actor: 'system', node: s.node, kind: 'boot-state.expired', details: { target: s.target, expiresAt: new Date(s.expiresAt).toISOString() } }]);
      } else {
        timedOut.push(s.node);
        await tx.tokens.revoke([s.node], 'install', now, 'timeout');
        await tx.bootStates.putMany([{ ...s, installStatus: 'failed', statusReason: 'timeout', installDeadline: null, actor: 'system', cause: 'install.timeout', updatedAt: at }]);
        await tx.events.append([{ actor: 'system', node: s.node, kind: 'install.failed', details: { reason: 'timeout', deadline: new Date(s.installDeadline!).toISOString() } }]);
      }
    }
  });
  return { expired, timedOut };
}
