// A PXE client's DHCP exchange (DISCOVER → OFFER → REQUEST → ACK, RFC 2131 §3.1) with firmware-like retries:
// the PXE 2.1 spec (§2.2.1) resends DISCOVER four times with timeouts of 4, 8, 16 and 32 s; iPXE's own DHCP
// is faster but the storm matters most at the ROM stage. `timeScale` shrinks the schedule for benches.
import { clientBytes, type ClientRequest } from '../boot/dhcp/dhcp-request-builder.ts';
import { BROADCAST_FLAG, type DhcpPacket } from '../codec/dhcp/index.ts';
import type { DhcpClientPort } from './dhcp-client-port.ts';

/** PXE 2.1 §2.2.1: DISCOVER timeouts in seconds. */
export const PXE_DHCP_TIMEOUTS_S = [4, 8, 16, 32] as const;

export interface DhcpClientOptions {
  mac: string;
  /** Distinct per client and per exchange; the REQUEST uses xid + 1. */
  xid: number;
  /** Option 60 / 93 / 77 as the firmware stage sends them. */
  vendorClass?: string;
  arch?: number;
  userClass?: string;
  /** Multiplies PXE_DHCP_TIMEOUTS_S (1 = real firmware). */
  timeScale: number;
  /** Randomise each timeout by ±1 s (scaled), RFC 2131 §4.1; default on. */
  jitter?: boolean;
  /** Relay mode: giaddr the server answers to (the port must then be bound to that address, port 67). */
  giaddr?: string;
}

export interface DhcpLease {
  ip: string;
  serverId: string;
  /** siaddr or option 66, and the boot file (file field or option 67). */
  nextServer: string;
  bootFile: string;
  /** Packets sent beyond the first DISCOVER and REQUEST. */
  retries: number;
}

export class DhcpClientError extends Error {
  constructor(readonly stage: 'discover' | 'request' | 'nak', message: string, readonly retries: number) {
    super(message);
    this.name = 'DhcpClientError';
  }
}

/** Runs DORA; throws DhcpClientError after the last timeout or on a NAK. */
export async function runDora(port: DhcpClientPort, o: DhcpClientOptions): Promise<DhcpLease> {
  const base: Omit<ClientRequest, 'type'> = {
    mac: o.mac, flags: BROADCAST_FLAG, vendorClass: o.vendorClass, arch: o.arch, userClass: o.userClass, giaddr: o.giaddr,
  };
  // RFC 2131 §4.1: each wait is randomised by ±1 s, so machines powered on together do not retry in lock-step.
  const jitter = () => (o.jitter === false ? 0 : (Math.random() * 2 - 1) * 1000 * o.timeScale);
  const timeouts = PXE_DHCP_TIMEOUTS_S.map((s) => Math.max(1, s * 1000 * o.timeScale + jitter()));
  let retries = 0;
  let offer: DhcpPacket | undefined;
  for (const [i, t] of timeouts.entries()) {
    if (i > 0) retries++;
    offer = await port.exchange(clientBytes({ ...base, type: 'DISCOVER', xid: o.xid }), o.xid, t, (p) => p.options.messageType === 'OFFER');
    if (offer) break;
  }
  if (!offer) throw new DhcpClientError('discover', `no OFFER after ${timeouts.length} DISCOVERs`, retries);
  const serverId = offer.options.serverId ?? offer.siaddr;
  const xid = (o.xid + 1) >>> 0;
  let ack: DhcpPacket | undefined;
  for (const [i, t] of timeouts.entries()) {
    if (i > 0) retries++;
    ack = await port.exchange(
      clientBytes({ ...base, type: 'REQUEST', xid, serverId, requestedIp: offer.yiaddr }),
      xid, t, (p) => p.options.messageType === 'ACK' || p.options.messageType === 'NAK',
    );
    if (ack) break;
  }
  if (!ack) throw new DhcpClientError('request', `no ACK after ${timeouts.length} REQUESTs`, retries);
  if (ack.options.messageType === 'NAK') throw new DhcpClientError('nak', `NAK: ${ack.options.message ?? ''}`, retries);
  const nextServer = ack.options.tftpServerName ?? (ack.siaddr !== '0.0.0.0' ? ack.siaddr : serverId);
  return { ip: ack.yiaddr, serverId, nextServer, bootFile: ack.options.bootfileName ?? ack.file, retries };
}
