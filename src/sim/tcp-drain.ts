// Reads and discards a TCP body in the kernel (native/stage0-sendfile.c tcpDrainStart: recv with MSG_TRUNC, nothing
// copied to user space). The boot-storm simulator is one process playing a thousand machines, each of which has its
// own CPU to receive its kernel and initrd; copying 38 GiB into one process made the simulator's core the limit of a
// storm (bench/RESULTS.md, session 11), so the bench measured the client, not the server.
import type { Socket } from 'node:net';
import { tryLoadAddon } from '../net/native-addon.ts';
import { SENDFILE_ADDON_PATH, tcpSocketFd } from '../net/sendfile.ts';

interface DrainAddon {
  tcpDrainStart(sockFd: number, length: number, done: (err: string | null, received: number) => void): unknown;
  tcpDrainCancel(handle: unknown): void;
}

const ADDON = tryLoadAddon<DrainAddon>(SENDFILE_ADDON_PATH, 'sendfile');

let started = 0;
/** Drains started by this process (tests check the kernel path was taken). */
export const drainsStarted = (): number => started;

/** Whether the native drain is there (else the caller counts bytes through Node, as before). */
export const canDrain = (): boolean => ADDON !== undefined && typeof ADDON.tcpDrainStart === 'function';

/**
 * Discards the next `length` bytes of `socket`, which must be paused (Node reads nothing meanwhile). `done` gets null
 * and the count, or a code ('ESHORT': closed before the end; 'ECANCELED': cancelled). Returns a cancel function.
 */
export function drainSocket(socket: Socket, length: number, done: (err: string | null, received: number) => void): () => void {
  const fd = tcpSocketFd(socket);
  if (!ADDON || fd === undefined) {
    done('ECANCELED', 0);
    return () => {};
  }
  let settled = false;
  started++;
  const handle = ADDON.tcpDrainStart(fd, length, (err, received) => {
    if (settled) return;
    settled = true;
    done(err, received);
  });
  return () => {
    if (settled) return;
    settled = true;
    ADDON.tcpDrainCancel(handle);
    done('ECANCELED', 0);
  };
}
