// Which MAC an IPv4 address belongs to, for attributing TFTP and HTTP requests to nodes: learned from our own DHCP
// ACKs, else read from the kernel's neighbour table (proxy mode: another server gave the address).
import { readFileSync } from 'node:fs';
import type { EventSink } from '../domain/events/event-sink.ts';
import type { NewEvent } from '../domain/inventory/types.ts';

const MAX_ENTRIES = 100_000;

export interface IpMacTableOptions {
  /**
   * How long one read of the neighbour table answers lookups, ms (default 1000; 0: read on every lookup). Reading
   * /proc/net/arp per boot-script request was 7 % of that path's CPU; the kernel's own entries are minutes old anyway.
   */
  neighbourTtlMs?: number;
  now?: () => number;
}

export class IpMacTable {
  private readonly byIp = new Map<string, string>();
  private snapshot: { at: number; byIp: Map<string, string> } | undefined;

  constructor(
    private readonly neighbours: () => string = () => readFileSync('/proc/net/arp', 'utf8'),
    private readonly opts: IpMacTableOptions = {},
  ) {}

  learn(ip: string, mac: string): void {
    this.byIp.delete(ip);
    this.byIp.set(ip, mac);
    if (this.byIp.size > MAX_ENTRIES) this.byIp.delete(this.byIp.keys().next().value!);
  }

  macOf(ip: string): string | undefined {
    const known = this.byIp.get(ip);
    if (known) return known;
    const now = (this.opts.now ?? Date.now)();
    if (!this.snapshot || now - this.snapshot.at >= (this.opts.neighbourTtlMs ?? 1000)) this.snapshot = { at: now, byIp: this.readNeighbours() };
    return this.snapshot.byIp.get(ip);
  }

  private readNeighbours(): Map<string, string> {
    const byIp = new Map<string, string>();
    try {
      // /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device"
      for (const line of this.neighbours().split('\n').slice(1)) {
        const [addr, , flags, mac] = line.trim().split(/\s+/);
        if (addr && mac && flags !== '0x0' && mac !== '00:00:00:00:00:00') byIp.set(addr, mac.toLowerCase());
      }
    } catch {
      /* no neighbour table here */
    }
    return byIp;
  }

  /** An EventSink that learns from dhcp.ack events and passes every event on. */
  tap(next: EventSink): EventSink {
    return {
      emit: (e: NewEvent) => {
        const { ip, mac } = e.details as { ip?: unknown; mac?: unknown };
        if (e.kind === 'dhcp.ack' && typeof ip === 'string' && typeof mac === 'string') this.learn(ip, mac);
        next.emit(e);
      },
    };
  }
}
