// What the DHCP listener needs from a UDP socket, and the portable one: node:dgram. The fast one, reading and writing
// in batches through the native addon, is src/net/udp-batch-socket.ts; the listener tests run against both.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { bindSocketToDevice, loadNativeNet } from './bind-to-device.ts';

export interface DatagramSocketOptions {
  /** Local IPv4 address to bind (0.0.0.0 for DHCP: clients without an address send to 255.255.255.255). */
  address: string;
  port: number;
  /** SO_BINDTODEVICE to this interface (needs CAP_NET_RAW and the native addon); undefined: not bound. */
  device?: string;
  /** SO_RCVBUF asked for, bytes; the kernel caps it at net.core.rmem_max. */
  receiveBufferBytes: number;
  onMessage(msg: Buffer, address: string, port: number): void;
  onError?(err: Error): void;
}

export interface DatagramSocket {
  /** Sends one datagram (broadcast allowed); `done` is called once it has left, or with the reason it did not. */
  send(bytes: Uint8Array, port: number, address: string, done: (err?: Error) => void): void;
  /** The port bound (for tests that bind port 0). */
  readonly port: number;
  /** The receive buffer the kernel granted, bytes (Linux reports twice the size it uses for data; this is half). */
  readonly receiveBufferBytes: number;
  close(): Promise<void>;
}

/** node:dgram, one callback per datagram: the way when the native addon is not built. */
export async function openDgramSocket(o: DatagramSocketOptions): Promise<DatagramSocket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('error', (err) => o.onError?.(err));
  socket.bind({ port: o.port, address: o.address });
  await once(socket, 'listening');
  try {
    if (o.device !== undefined) bindSocketToDevice(socket, o.device, loadNativeNet());
    socket.setBroadcast(true);
    try {
      socket.setRecvBufferSize(o.receiveBufferBytes);
    } catch (err) {
      o.onError?.(err as Error);
    }
  } catch (err) {
    socket.close();
    throw err;
  }
  socket.on('message', (msg, rinfo) => o.onMessage(msg, rinfo.address, rinfo.port));
  return {
    send: (bytes, port, address, done) => socket.send(bytes, port, address, (err) => done(err ?? undefined)),
    get port() {
      return socket.address().port;
    },
    get receiveBufferBytes() {
      return socket.getRecvBufferSize() / 2;
    },
    close: () => new Promise<void>((r) => {
      try {
        socket.close(() => r());
      } catch {
        r();
      }
    }),
  };
}
