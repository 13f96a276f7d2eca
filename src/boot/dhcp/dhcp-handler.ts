// The handler chain's types: each handler turns (request, reply so far, context) into a new reply or a stop.
import type { DhcpMessageType, DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';
import type { BootAnswer } from './boot-file-chooser.ts';
import type { Subnet } from './dhcp-subnets.ts';
import type { Lease } from './lease-store.ts';

/** A decoded request with the facts every handler needs. */
export interface DhcpRequest {
  packet: DhcpPacket;
  type: DhcpMessageType;
  mac: string;
  clientId: string | undefined;
  arch: number | undefined;
  userClass: string | undefined;
  vendorClass: string | undefined;
  isIpxe: boolean;
  /** Interface the request came in on, and our address there (option 54). */
  interface: string;
  serverAddress: string;
  /** giaddr when a relay agent forwarded the request (RFC 2131 §4.1), else undefined. */
  relay: string | undefined;
  /** 'proxy': arrived on port 4011 (PXE boot server / proxyDHCP REQUEST). */
  via: 'dhcp' | 'proxy';
  source: { address: string; port: number };
}

/** What handlers learn on the way; later handlers and the event reporter read it. */
export interface DhcpContext {
  readonly now: number;
  subnet?: Subnet;
  node?: string;
  reservedIp?: string;
  hostname?: string;
  lease?: Lease;
  boot?: BootAnswer;
  /** Why a NAK was sent, for the event. */
  nakReason?: string;
}

/** 'send': reply now with `res`; 'drop': nothing to send, counted as dropped; 'done': handled, nothing to send. */
export type Stop =
  | { readonly stop: 'send'; readonly res: DhcpPacket }
  | { readonly stop: 'drop'; readonly reason: string }
  | { readonly stop: 'done'; readonly what: string };

export interface DhcpHandler {
  readonly name: string;
  handle(req: DhcpRequest, res: DhcpPacket, ctx: DhcpContext): Promise<DhcpPacket | Stop>;
}

export const drop = (reason: string): Stop => ({ stop: 'drop', reason });
export const done = (what: string): Stop => ({ stop: 'done', what });
export const isStop = (r: DhcpPacket | Stop): r is Stop => 'stop' in r;
