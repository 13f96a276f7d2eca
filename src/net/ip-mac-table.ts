// Which MAC an IPv4 address belongs to, for attributing TFTP and HTTP requests to nodes: learned from our own DHCP
// ACKs, else read from the kernel's neighbour table (proxy mode: another server gave the address).
import { readFileSync } from 'node:fs';
import type { EventSink } from '../domain/events/event-sink.ts';
import type { NewEvent } from '../domain/inventory/types.ts';

const MAX_ENTRIES = 100_000;

export class IpMacTable {
  private readonly byIp = new Map<string, string>();

  constructor(private readonly neighbours: () => string = () => readFileSync('/proc/net/arp', 'utf8')) {}

  learn(ip: string, mac: string): void {
    this.byIp.delete(ip);
    this.byIp.set(ip, mac);
    if (this.byIp.size > MAX_ENTRIES) this.byIp.delete(this.byIp.keys().next().value!);
  }

  macOf(ip: string): string | undefined {
    const known = this.byIp.get(ip);
    if (known) return known;
    try {
      // /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device"
      for (const line of this.neighbours().split('\n').slice(1)) {
        const [addr, , flags, mac] = line.trim().split(/\s+/);
        if (addr === ip && mac && flags !== '0x0' && mac !== '00:00:00:00:00:00') return mac.toLowerCase();
      }
    } catch {
      /* no neighbour table here */
    }
    return undefined;
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
