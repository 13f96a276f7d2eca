// A UDP relay between TFTP test clients and a server that loses, duplicates and delays chosen packets:
// each transfer gets its own upstream socket (the client's TID as the server sees it) and one downstream
// socket per server TID (so the client sees a TID of its own, RFC 1350 §4). What happens to a packet is a
// pure function of (flow, direction, opcode, block, nth time seen), so a run is reproducible whatever
// the interleaving of the flows.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export type RelayFate = 'pass' | 'drop' | 'duplicate' | 'late';

export interface RelayPacket {
  /** 0, 1, 2…: the order in which the transfers' requests reached the relay. */
  flow: number;
  toServer: boolean;
  opcode: number;
  /** Block number of DATA/ACK, 0 for other packets. */
  block: number;
  /** How many times this (direction, opcode, block) was seen before in this flow. */
  nth: number;
}

export interface LossyRelay {
  port: number;
  counts: Record<RelayFate, number>;
  close(): Promise<void>;
}

export async function startLossyRelay(o: {
  server: number;
  fate: (p: RelayPacket) => RelayFate;
  /** Delay of a 'late' packet and of the second copy of a 'duplicate' (default 150 ms). */
  lateMs?: number;
}): Promise<LossyRelay> {
  const lateMs = o.lateMs ?? 150;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const counts: Record<RelayFate, number> = { pass: 0, drop: 0, duplicate: 0, late: 0 };
  const bound = (): Promise<Socket> =>
    new Promise((resolve) => {
      const s = createSocket('udp4');
      sockets.add(s);
      s.bind(0, '127.0.0.1', () => resolve(s));
    });

  const forward = (flow: number, seen: Map<string, number>, toServer: boolean, from: Promise<Socket>, msg: Buffer, port: number) => {
    const opcode = msg.length >= 2 ? msg.readUInt16BE(0) : 0;
    const block = (opcode === 3 || opcode === 4) && msg.length >= 4 ? msg.readUInt16BE(2) : 0;
    const key = `${toServer}/${opcode}/${block}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const fate = o.fate({ flow, toServer, opcode, block, nth });
    counts[fate]++;
    const send = () => void from.then((s) => s.send(msg, port, '127.0.0.1'));
    if (fate === 'drop') return;
    if (fate !== 'late') send();
    if (fate === 'late' || fate === 'duplicate') {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, lateMs);
      timers.add(t);
    }
  };

  const main = await bound();
  const flows = new Map<string, { up: Promise<Socket> }>();
  main.on('message', (msg: Buffer, client: RemoteInfo) => {
    const key = `${client.port}`;
    let f = flows.get(key);
    if (!f) {
      const flow = flows.size;
      const seen = new Map<string, number>();
      const up = bound();
      const down = new Map<number, Promise<Socket>>(); // server TID → the socket the client talks to
      f = { up };
      flows.set(key, f);
      void up.then((u) =>
        u.on('message', (reply: Buffer, server: RemoteInfo) => {
          let d = down.get(server.port);
          if (!d) {
            d = bound();
            down.set(server.port, d);
            void d.then((s) => s.on('message', (ack: Buffer) => forward(flow, seen, true, up, ack, server.port)));
          }
          forward(flow, seen, false, d, reply, client.port);
        }),
      );
      forward(flow, seen, true, up, msg, o.server);
      return;
    }
    void f.up.then((u) => u.send(msg, o.server, '127.0.0.1')); // a repeated RRQ: always passed
  });

  return {
    port: main.address().port,
    counts,
    async close() {
      for (const t of timers) clearTimeout(t);
      await Promise.all([...sockets].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
