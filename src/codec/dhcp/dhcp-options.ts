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
  const at = raw.findIndex((r) => r.code === code);
  if (data === undefined) return raw.filter((r) => r.code !== code);
  if (at >= 0) return raw.map((r, i) => (i === at ? { code, data } : r));
  const relay = raw.findIndex((r) => r.code === 82);
  return relay < 0 ? [...raw, { code, data }] : [...raw.slice(0, relay), { code, data }, ...raw.slice(relay)];
}

export type OptionChanges = { [K in keyof DhcpOptions]?: DhcpOptions[K] | undefined };

/** Applies typed changes to a raw list (undefined removes the option). */
export function applyOptionChanges(raw: readonly DhcpRawOption[], changes: OptionChanges): DhcpRawOption[] {
  // One copy changed in place (what setRawOption does per change, without a new list for each of them).
  const out = [...raw];
  for (const f of Object.keys(changes) as (keyof DhcpOptions)[]) {
    const codec = CODECS[f] as OptionCodec<unknown> | undefined;
    if (codec === undefined) throw new RangeError(`unknown DHCP option field ${f}`);
    const v = changes[f];
    const at = out.findIndex((r) => r.code === codec.code);
    if (v === undefined) {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const option = { code: codec.code, data: codec.encode(v) };
    if (at >= 0) out[at] = option;
    else {
      const relay = out.findIndex((r) => r.code === 82);
      out.splice(relay < 0 ? out.length : relay, 0, option);
    }
  }
  return out;
}

/** The option codes a set of typed changes touches. */
export function changedCodes(changes: OptionChanges): number[] {
  return Object.keys(changes).map((f) => CODECS[f as keyof DhcpOptions]!.code);
}
