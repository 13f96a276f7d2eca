// The option registry: which codec turns which option code into which typed field, in one explicit table.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import type { DhcpOptions, DhcpRawOption } from './dhcp-types.ts';
import type { OptionCodec } from './option-codec.ts';
import { messageType, overload } from './option-dhcp-control.ts';
import * as o from './options-rfc2132.ts';
import { classlessRoutes } from './option-classless-routes.ts';
import { clientArch, clientGuid, clientNdi } from './option-client-system.ts';
import { domainSearch } from './option-domain-search.ts';
import { ipxeOptions } from './option-ipxe.ts';
import { pxeVendor } from './option-pxe-vendor.ts';
import { relayAgentInfo } from './option-relay-agent.ts';
import { userClass } from './option-user-class.ts';

type Codecs = { [K in keyof DhcpOptions]: OptionCodec<NonNullable<DhcpOptions[K]>> };

/** Field -> codec. Two fields may share a code (43: raw bytes, and the lenient PXE view of them). */
const CODECS: Codecs = {
  messageType,
  serverId: o.serverId,
  requestedIp: o.requestedIp,
  leaseTime: o.leaseTime,
  renewalTime: o.renewalTime,
  rebindingTime: o.rebindingTime,
  overload,
  subnetMask: o.subnetMask,
  routers: o.routers,
  dnsServers: o.dnsServers,
  hostname: o.hostname,
  domainName: o.domainName,
  broadcastAddress: o.broadcastAddress,
  parameterRequestList: o.parameterRequestList,
  message: o.message,
  maxMessageSize: o.maxMessageSize,
  vendorClass: o.vendorClass,
  clientId: o.clientId,
  tftpServerName: o.tftpServerName,
  bootfileName: o.bootfileName,
  vendorSpecific: o.vendorSpecific,
  pxe: pxeVendor,
  userClass,
  clientArch,
  clientNdi,
  clientGuid,
  domainSearch,
  classlessRoutes,
  ipxe: ipxeOptions,
  relayAgentInfo,
};

/** Fields that are a second, best-effort view of an option already decoded strictly (43 as PXE). */
const LENIENT = new Set<keyof DhcpOptions>(['pxe']);

const FIELDS = Object.keys(CODECS) as (keyof DhcpOptions)[];
const BY_CODE = new Map<number, (keyof DhcpOptions)[]>();
for (const f of FIELDS) {
  const code = CODECS[f]!.code;
  BY_CODE.set(code, [...(BY_CODE.get(code) ?? []), f]);
}

/** Typed view of raw options. Unknown codes are left to rawOptions; a malformed known one throws. */
export function decodeOptions(raw: readonly DhcpRawOption[]): DhcpOptions {
  const out: Record<string, unknown> = {};
  for (const { code, data } of raw) decodeInto(out, code, data);
  return out as DhcpOptions;
}

/**
 * decodeOptions(raw), given the typed view of a list that differed from `raw` only in the options of `codes`: the
 * other fields are taken as they were, only those codes are decoded again. A reply is built in four or five steps,
 * and decoding every option again at each step was 5 % of a DORA's CPU.
 */
export function redecodeOptions(before: DhcpOptions, raw: readonly DhcpRawOption[], codes: readonly number[]): DhcpOptions {
  const out: Record<string, unknown> = {};
  for (const f in before) {
    if (!codes.includes(CODECS[f as keyof DhcpOptions]!.code)) out[f] = before[f as keyof DhcpOptions];
  }
  for (const { code, data } of raw) if (codes.includes(code)) decodeInto(out, code, data);
  return out as DhcpOptions;
}

function decodeInto(out: Record<string, unknown>, code: number, data: Uint8Array): void {
  for (const f of BY_CODE.get(code) ?? []) {
    const codec = CODECS[f] as OptionCodec<unknown>;
    if (!LENIENT.has(f)) {
      out[f] = codec.decode(data);
      continue;
    }
    try {
      out[f] = codec.decode(data);
    } catch (e) {
      if (!(e instanceof DhcpDecodeError)) throw e;
    }
  }
}

/** Codes the typed view knows, so callers can tell typed from opaque raw options. */
export const knownOptionCode = (code: number): boolean => BY_CODE.has(code);

/** The code a typed field is carried in. */
export const optionCodeOf = (field: keyof DhcpOptions): number => CODECS[field]!.code;

/**
 * Replaces (or with `undefined` removes) options in a raw list: a replaced option keeps its place,
 * a new one goes before option 82, which a relay appended and expects to stay last (RFC 3046 §2.1).
 */
export function setRawOption(raw: readonly DhcpRawOption[], code: number, data: Uint8Array | undefined): DhcpRawOption[] {
  const out = [...raw];
  putRawOption(out, code, data);
  return out;
}

/** setRawOption in place, on a list of one's own. */
function putRawOption(list: DhcpRawOption[], code: number, data: Uint8Array | undefined): void {
  if (data === undefined) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.code === code) list.splice(i, 1);
    return;
  }
  const at = list.findIndex((r) => r.code === code);
  if (at >= 0) {
    list[at] = { code, data };
    return;
  }
  const relay = list.findIndex((r) => r.code === 82);
  list.splice(relay < 0 ? list.length : relay, 0, { code, data });
}

export type OptionChanges = { [K in keyof DhcpOptions]?: DhcpOptions[K] | undefined };

/** Applies typed changes to a raw list (undefined removes the option). */
export function applyOptionChanges(raw: readonly DhcpRawOption[], changes: OptionChanges): DhcpRawOption[] {
  // One copy changed in place, not a new list per change: a reply's subnet options are eight changes in one call.
  const out = [...raw];
  for (const f of Object.keys(changes) as (keyof DhcpOptions)[]) {
    const codec = CODECS[f] as OptionCodec<unknown> | undefined;
    if (codec === undefined) throw new RangeError(`unknown DHCP option field ${f}`);
    const v = changes[f];
    putRawOption(out, codec.code, v === undefined ? undefined : codec.encode(v));
  }
  return out;
}

/** The option codes a set of typed changes touches. */
export function changedCodes(changes: OptionChanges): number[] {
  return Object.keys(changes).map((f) => CODECS[f as keyof DhcpOptions]!.code);
}
