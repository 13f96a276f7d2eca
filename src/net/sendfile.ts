// Sends a file region over a Node TCP socket with sendfile(2) (native/stage0-sendfile.c): no copies through JS.
import { addonPath, loadAddon, tryLoadAddon } from './native-addon.ts';
import type { Socket } from 'node:net';

export const SENDFILE_ADDON_PATH = addonPath('stage0_sendfile');

export interface NativeSendfile {
  sendfileStart(sockFd: number, fileFd: number, offset: number, length: number, done: (err: string | null, sent: number) => void): unknown;
  sendfileCancel(handle: unknown): void;
  /** TCP_CORK on a TCP socket: partial segments wait until it is turned off (or 200 ms). */
  tcpCork(sockFd: number, on: boolean): void;
}

/** Loads the addon, or throws an Error that says how to build it. */
export const loadNativeSendfile = (path: string = SENDFILE_ADDON_PATH): NativeSendfile => loadAddon(path, 'sendfile');

/** The addon, or undefined when it is not built (callers then fall back to streams). */
export const tryLoadNativeSendfile = (path: string = SENDFILE_ADDON_PATH): NativeSendfile | undefined => tryLoadAddon(path, 'sendfile');

/** The kernel fd of a plain TCP socket, or undefined (TLS, pipes, not connected). */
export function tcpSocketFd(socket: Socket): number | undefined {
  if ((socket as { encrypted?: boolean }).encrypted) return undefined; // TLS: bytes must go through OpenSSL
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

export type SendfileOutcome = { ok: true; sent: number } | { ok: false; code: string; sent: number; clientGone: boolean };

/** EPIPE/ECONNRESET: the client went away; nothing to report beyond a count. */
const CLIENT_GONE = new Set(['EPIPE', 'ECONNRESET', 'ESHUTDOWN', 'ECANCELED']);

/**
 * Sends `length` bytes of `fileFd` from `offset` on `socket`. The caller must have flushed everything Node had
 * queued (socket.writableLength === 0) and must not write to the socket until the promise settles: the kernel
 * writes on Node's fd behind its back. If the socket closes meanwhile, the transfer is cancelled (ECANCELED).
 */
export function sendFileRegion(native: NativeSendfile, socket: Socket, fileFd: number, offset: number, length: number): Promise<SendfileOutcome> {
  return new Promise((resolve) => {
    const fd = tcpSocketFd(socket);
    if (fd === undefined || socket.destroyed) return resolve({ ok: false, code: 'ECANCELED', sent: 0, clientGone: true });
    if (length === 0) return resolve({ ok: true, sent: 0 });
    let handle: unknown;
    const onClose = () => {
      native.sendfileCancel(handle);
      resolve({ ok: false, code: 'ECANCELED', sent: 0, clientGone: true });
    };
    handle = native.sendfileStart(fd, fileFd, offset, length, (err, sent) => {
      socket.off('close', onClose);
      if (err === null) resolve({ ok: true, sent });
      else resolve({ ok: false, code: err, sent, clientGone: CLIENT_GONE.has(err) });
    });
    socket.once('close', onClose);
  });
}
