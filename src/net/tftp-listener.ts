// The TFTP server's sockets: requests on the well-known port, each transfer on its own ephemeral
// UDP socket (the server's TID, RFC 1350 §4), driven by the boot layer's ReadTransfer.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { encodeError } from '../codec/tftp/error-packet.ts';
import type { TftpRequest } from '../codec/tftp/request-packet.ts';
import { ErrorCode, Opcode, TftpDecodeError } from '../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../codec/tftp/tftp-packet.ts';
import { ReadTransfer, type TransferResult } from '../boot/tftp/read-transfer.ts';
import { systemClock, type TftpClock } from '../boot/tftp/tftp-clock.ts';
import type { TftpClient, TftpFile, TftpFileSource } from '../boot/tftp/tftp-file-source.ts';
import type { Negotiated } from '../boot/tftp/tftp-option-negotiation.ts';
import { silentTftpLog, type TftpLog } from '../boot/tftp/tftp-log.ts';
import { decideRequest } from '../boot/tftp/tftp-request-handler.ts';
import { loadNativeTftpPump, pumpable, startPumpedTransfer, tryLoadNativeTftpPump, type NativeTftpPump, type PumpedTransfer } from './tftp-native-pump.ts';

export interface TftpServerOptions {
  address: string;
  /** 69 in production; 0 picks a free port (tests). */
  port: number;
  /** Kernel receive buffer of the server port (default 4 MiB, capped by net.core.rmem_max): room for a burst of RRQs. */
  receiveBufferBytes?: number;
  source: TftpFileSource;
  /** blksize cap (default 1468); also kept under `mtu` (default 1500). */
  maxBlksize?: number;
  mtu?: number;
  /** RFC 7440 window cap (default 64). */
  maxWindowsize?: number;
  /** Retransmissions before a transfer is abandoned (default 5), and the back-off cap (default 8 s). */
  maxRetries?: number;
  maxTimeoutMs?: number;
  /** Maps a client address to its MAC (e.g. from DHCP leases) for per-node generated files. */
  clientMac?: (address: string) => string | undefined;
  log?: TftpLog;
  /** Called once per request that was answered: a finished transfer or a refusal. */
  onTransfer?: (e: TftpTransferEvent) => void;
  clock?: TftpClock;
  /**
   * Files in memory (boot files in the cache, generated files) are served by the native pump
   * (native/stage0-tftp-pump.c) when it is built: true requires it, false never uses it, default: when built.
   * A custom `clock` (tests with a fake clock) always means JavaScript: the pump keeps time on Node's loop.
   */
  nativePump?: boolean;
}

export interface TftpTransferEvent {
  client: TftpClient;
  path: string;
  bytes: number;
  ms: number;
  /** 'failed' with reason 'file not found' for a missing file (counted apart, as notFound). */
  outcome: 'complete' | 'aborted' | 'failed' | 'refused';
  reason?: string;
}

export interface TftpServerStats {
  requests: number;
  /** Requests repeated by a client while its transfer was being set up or running: dropped. */
  duplicateRequests: number;
  malformed: number;
  refused: number;
  notFound: number;
  complete: number;
  aborted: number;
  failed: number;
  active: number;
  /** Packets reaching a transfer socket from another address/port; answered with ERROR 5. */
  unknownTid: number;
  retransmits: number;
  bytesSent: number;
}

export interface TftpServer {
  port: number;
  /** Whether in-memory files go through the native pump (false: the addon is not built, or it was turned off). */
  nativePump: boolean;
  stats(): TftpServerStats;
  close(): Promise<void>;
}

export async function startTftpServer(o: TftpServerOptions): Promise<TftpServer> {
  const log = o.log ?? silentTftpLog;
  const clock = o.clock ?? systemClock;
  const family = o.address.includes(':') ? 'udp6' : 'udp4';
  const counters = {
    requests: 0, duplicateRequests: 0, malformed: 0, refused: 0, notFound: 0,
    complete: 0, aborted: 0, failed: 0, unknownTid: 0, retransmits: 0, bytesSent: 0,
  };
  const busy = new Set<string>(); // "address:port" of clients with a request in hand
  const running = new Set<{ cancel(reason: string): void }>();
  const pumped = new Set<PumpedTransfer>();
  const native: NativeTftpPump | undefined =
    o.nativePump === true ? loadNativeTftpPump() : o.nativePump === false || o.clock ? undefined : tryLoadNativeTftpPump();
  const pending = new Set<Promise<void>>();
  let closing = false;

  const bindSocket = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const s = createSocket({ type: family, reuseAddr: false, lookup: literalLookup });
      s.once('error', reject);
      s.bind({ address: o.address, port, exclusive: true }, () => {
        s.off('error', reject);
        s.on('error', (err) => log.warn({ err: err.message }, 'tftp: socket error'));
        resolve(s);
      });
    });

  const report = (e: TftpTransferEvent) => {
    const level = e.outcome === 'complete' || e.outcome === 'aborted' ? 'info' : 'warn';
    log[level]({ client: `${e.client.address}:${e.client.port}`, path: e.path, bytes: e.bytes, ms: Math.round(e.ms), outcome: e.outcome, reason: e.reason }, 'tftp: transfer');
    o.onTransfer?.(e);
  };

  async function serve(req: TftpRequest, client: TftpClient): Promise<void> {
    const started = clock.now();
    const decision = await decideRequest(req, client, o.source, {
      maxBlksize: o.maxBlksize, mtu: o.mtu, maxWindowsize: o.maxWindowsize, ipv6: family === 'udp6',
    });
    if (decision.kind === 'transfer' && native && decision.file.readSync && pumpable(client.address, decision.negotiated.windowsize)) {
      return servePumped(native, req, client, decision.file, decision.negotiated, started);
    }
    const sock = await bindSocket(0).catch(async (err: unknown) => {
      if (decision.kind === 'transfer') await decision.file.close?.();
      throw err;
    });
    try {
      if (decision.kind === 'reject') {
        await new Promise<void>((r) => sock.send(decision.reply, client.port, client.address, () => r()));
        if (decision.outcome === 'not-found') counters.notFound++;
        else counters[decision.outcome]++;
        const outcome = decision.outcome === 'not-found' ? 'failed' : decision.outcome;
        report({ client, path: req.filename, bytes: 0, ms: clock.now() - started, outcome, reason: decision.reason });
        return;
      }
      const transfer = new ReadTransfer({
        file: decision.file,
        negotiated: decision.negotiated,
        clock,
        maxRetries: o.maxRetries,
        maxTimeoutMs: o.maxTimeoutMs,
        // No callback per packet: each one costs a nextTick, and the queue is drained before close (below).
        send: (b) => {
          counters.bytesSent += b.length;
          sock.send(b, client.port, client.address);
        },
      });
      sock.on('message', (msg: Buffer, from: RemoteInfo) => {
        if (from.address !== client.address || from.port !== client.port) {
          counters.unknownTid++; // RFC 1350 §4: tell the stranger, leave the transfer alone
          sock.send(encodeError(ErrorCode.UNKNOWN_TID, 'unknown transfer ID'), from.port, from.address);
          return;
        }
        try {
          transfer.receive(decodeTftpPacket(msg));
        } catch (err) {
          if (!(err instanceof TftpDecodeError)) throw err;
          counters.malformed++;
          log.debug({ client: `${from.address}:${from.port}`, reason: err.reason }, 'tftp: malformed packet dropped');
        }
      });
      transfer.start();
      await runToEnd(transfer, req, client, decision.file, decision.negotiated, started, false);
    } finally {
      await drained(sock);
      sock.close();
    }
  }

  async function servePumped(native: NativeTftpPump, req: TftpRequest, client: TftpClient, file: TftpFile, negotiated: Negotiated, started: number): Promise<void> {
    let t: PumpedTransfer;
    try {
      t = startPumpedTransfer(native, {
        bindAddress: o.address, client, content: file.readSync!(0, file.size), negotiated,
        maxRetries: o.maxRetries, maxTimeoutMs: o.maxTimeoutMs,
        onMalformed: (reason) => log.debug({ client: `${client.address}:${client.port}`, reason }, 'tftp: malformed packet dropped'),
      });
    } catch (err) {
      await file.close?.();
      throw err;
    }
    pumped.add(t);
    await runToEnd(t, req, client, file, negotiated, started, true, (result) => {
      // Its live counts leave stats() and join the totals in one step, counted once.
      pumped.delete(t);
      counters.bytesSent += result.bytesSent;
      counters.unknownTid += result.unknownTid;
      counters.malformed += result.malformed;
    });
  }

  /**
   * A started transfer, from the log line to its report: cancelled at once when close() ran while the file was being
   * opened; `ended` runs as soon as it settles, before the totals are counted.
   */
  async function runToEnd<R extends TransferResult>(
    t: { cancel(reason: string): void; done: Promise<R> }, req: TftpRequest, client: TftpClient, file: TftpFile, n: Negotiated, started: number,
    nativePump: boolean, ended?: (result: R) => void,
  ): Promise<void> {
    log.debug({ client: `${client.address}:${client.port}`, path: req.filename, blksize: n.blksize, windowsize: n.windowsize, timeoutMs: n.timeoutMs, oack: n.oack && Object.fromEntries(n.oack), ignored: n.ignored, nativePump }, 'tftp: transfer starting');
    running.add(t);
    if (closing) t.cancel('server shutting down');
    const result = await t.done;
    running.delete(t);
    ended?.(result);
    await file.close?.();
    counters[result.outcome]++;
    counters.retransmits += result.retransmits;
    report({ client, path: req.filename, bytes: result.bytes, ms: clock.now() - started, outcome: result.outcome, reason: result.reason });
  }

  /** The counters, with what running pumped transfers have counted so far (they report the rest when they end). */
  const stats = (): TftpServerStats => {
    const s = { ...counters, active: running.size };
    for (const t of pumped) {
      const live = t.live();
      s.bytesSent += live.bytesSent;
      s.unknownTid += live.unknownTid;
      s.malformed += live.malformed;
    }
    return s;
  };

  const main = await bindSocket(o.port);
  // A rack's PXE ROMs send their RRQs in one burst; Linux's default buffer (~208 KiB) holds a few hundred. Capped by
  // net.core.rmem_max (docs/boot-storms.md); transfer sockets see one client each and keep the default.
  try {
    main.setRecvBufferSize(o.receiveBufferBytes ?? 4 * 1024 * 1024);
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'tftp: receive buffer not set');
  }
  main.on('message', (msg: Buffer, from: RemoteInfo) => {
    let packet;
    try {
      packet = decodeTftpPacket(msg);
    } catch (err) {
      counters.malformed++;
      log.debug({ client: `${from.address}:${from.port}`, reason: (err as TftpDecodeError).reason }, 'tftp: malformed request dropped');
      return;
    }
    if (packet.opcode !== Opcode.RRQ && packet.opcode !== Opcode.WRQ) {
      counters.malformed++;
      log.debug({ client: `${from.address}:${from.port}`, opcode: packet.opcode }, 'tftp: non-request on the server port dropped');
      return;
    }
    const key = `${from.address}:${from.port}`;
    if (closing) return;
    if (busy.has(key)) {
      counters.duplicateRequests++; // the client resent its RRQ before our first reply reached it
      return;
    }
    busy.add(key);
    counters.requests++;
    const mac = o.clientMac?.(from.address);
    const client: TftpClient = mac === undefined ? { address: from.address, port: from.port } : { address: from.address, port: from.port, mac };
    const p = serve(packet, client)
      .catch((err: unknown) => {
        counters.failed++;
        log.warn({ client: key, err: err instanceof Error ? err.message : String(err) }, 'tftp: request failed');
      })
      .finally(() => {
        busy.delete(key);
        pending.delete(p);
      });
    pending.add(p);
  });

  return {
    port: main.address().port,
    nativePump: native !== undefined,
    stats,
    async close() {
      closing = true;
      await new Promise<void>((r) => main.close(() => r()));
      for (const t of running) t.cancel('server shutting down');
      await Promise.all([...pending]);
    },
  };
}

/**
 * dgram's default lookup resolves even an IP literal through dns.lookup, which defers every send by a nextTick.
 * Client addresses always come from recvfrom, so they are literals: hand them straight back.
 */
function literalLookup(address: string, family: unknown, cb: (err: Error | null, address: string, family: number) => void): void {
  cb(null, address, address.includes(':') ? 6 : 4);
}

/** Sends are handed to the kernel at once unless its buffer is full; closing with some queued would lose them (the last DATA/ERROR). */
async function drained(sock: Socket): Promise<void> {
  for (let i = 0; i < 500 && sock.getSendQueueCount() > 0; i++) await new Promise((r) => setTimeout(r, 2));
}
