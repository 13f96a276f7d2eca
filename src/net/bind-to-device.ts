// Loads the native SO_BINDTODEVICE helper (native/stage0-net.c): Node's dgram cannot bind a socket to an interface.
import type { Socket } from 'node:dgram';
import { addonPath, loadAddon } from './native-addon.ts';

export const NATIVE_ADDON_PATH = addonPath('stage0_net');

interface NativeNet {
  bindToDevice(fd: number, ifname: string): void;
}

/** Loads the addon, or throws an Error that says how to build it. */
export const loadNativeNet = (path: string = NATIVE_ADDON_PATH): NativeNet => loadAddon(path, 'SO_BINDTODEVICE');

/**
 * Binds an already bound dgram socket to one interface (SO_BINDTODEVICE, needs CAP_NET_RAW).
 * With one socket per interface on 0.0.0.0:67 (reuseAddr), each receives only its own interface's
 * broadcasts, and its replies to 255.255.255.255 leave through that interface.
 */
export function bindSocketToDevice(socket: Socket, ifname: string, native: NativeNet = loadNativeNet()): void {
  const fd = socketFd(socket);
  if (fd === undefined) throw new Error(`cannot bind to ${ifname}: socket has no file descriptor (bind it first)`);
  try {
    native.bindToDevice(fd, ifname);
  } catch (err) {
    throw new Error(`cannot bind UDP socket to interface ${ifname}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The kernel fd of a bound dgram socket. Node keeps its UDPWrap under an internal symbol
 * ('state symbol'); reading it there avoids the DEP0112 warning that `socket._handle` prints.
 */
function socketFd(socket: Socket): number | undefined {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const holder = state ? (socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[state] : undefined;
  const fd = holder?.handle?.fd ?? (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}
