// An IPMI v2.0 RMCP+ session (cipher suite 3 or 17) over one UDP socket: open (auth caps, Open Session, RAKP 1-4), commands, close.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Cmd, closeSessionRequest, decodeChannelAuthCapabilities, getChannelAuthCapabilitiesRequest, NETFN_APP, setSessionPrivilegeRequest } from '../../../codec/ipmi/app-commands.ts';
import { completionCodeText, decodeIpmiResponse, encodeIpmiRequest } from '../../../codec/ipmi/ipmi-message.ts';
import { CIPHER_SUITE_17, CIPHER_SUITE_3, decodeOpenSessionResponse, encodeOpenSessionRequest } from '../../../codec/ipmi/open-session.ts';
import { deriveKey, rakp2AuthCode, rakp3AuthCode, rakp4Icv, sessionIntegrityKey, type RakpContext } from '../../../codec/ipmi/rakp-hmac.ts';
import { decodeRakp2, decodeRakp4, encodeRakp1, encodeRakp3, NAME_ONLY_LOOKUP } from '../../../codec/ipmi/rakp-messages.ts';
import { isAuthStatus, RAKP_STATUS_INVALID_INTEGRITY_CHECK, rmcpPlusStatusText } from '../../../codec/ipmi/rmcp-plus-status.ts';
import { decodeV15, encodeV15Unauthenticated } from '../../../codec/ipmi/session-v15.ts';
import { decodeV20, encodeV20, PayloadType, type SessionKeys } from '../../../codec/ipmi/session-v20.ts';
import type { BmcTarget } from '../../capabilities.ts';
import { PowerError } from '../../power-error.ts';
import { UdpExchange, type RetryPolicy } from './udp-exchange.ts';

export const IPMI_DEFAULT_PORT = 623;
const PRIV_ADMIN = 4;

/** 3 = SHA1 (what OpenIPMI's ipmi_sim and most BMCs speak), 17 = SHA256. */
export type CipherSuite = 3 | 17;

export interface IpmiSessionOptions extends Partial<RetryPolicy> {
  signal: AbortSignal;
  /** Default 3. */
  cipherSuite?: CipherSuite;
}

/** An IPMI command failed with a completion code. */
export class IpmiCompletionError extends PowerError {
  constructor(readonly completionCode: number, what: string) {
    super('bmc-error', `${what}: ${completionCodeText(completionCode)}`);
  }
}

export class IpmiSession {
  private sequence = 0; // outbound session sequence number; the first sent is 1 (§13.6)
  private rqSeq = 0;
  private closed = false;

  private constructor(
    private readonly udp: UdpExchange,
    private readonly policy: RetryPolicy,
    private readonly consoleSessionId: number,
    private readonly bmcSessionId: number,
    private readonly keys: SessionKeys,
  ) {}

  /** Opens an administrator session: Get Channel Auth Capabilities, Open Session, RAKP 1-4, Set Session Privilege. */
  static async open(target: BmcTarget, opts: IpmiSessionOptions): Promise<IpmiSession> {
    const policy = { retryMs: opts.retryMs ?? 1000, retries: opts.retries ?? 3 };
    const udp = await UdpExchange.connect(target.address, target.port ?? IPMI_DEFAULT_PORT, opts.signal);
    try {
      return await IpmiSession.handshake(udp, policy, target, opts.cipherSuite ?? 3);
    } catch (e) {
      udp.close();
      throw e;
    }
  }

  private static async handshake(udp: UdpExchange, policy: RetryPolicy, target: BmcTarget, suite: CipherSuite): Promise<IpmiSession> {
    const algorithms = suite === 17 ? CIPHER_SUITE_17 : CIPHER_SUITE_3;
    const hash = suite === 17 ? 'sha256' : 'sha1';
    // §22.13, sent in an IPMI v1.5 wrapper because no session exists yet; it also tells "nobody there" early.
    const capsReq = encodeV15Unauthenticated(encodeIpmiRequest({ netFn: NETFN_APP, cmd: Cmd.getChannelAuthCapabilities, rqSeq: 0, data: getChannelAuthCapabilitiesRequest(PRIV_ADMIN) }));
    const caps = await udp.exchange(capsReq, (m) => {
      const msg = decodeV15(m);
      const r = typeof msg === 'string' ? msg : decodeIpmiResponse(msg);
      return typeof r === 'string' || r.cmd !== Cmd.getChannelAuthCapabilities ? undefined : r;
    }, policy, 'Get Channel Authentication Capabilities');
    if (caps.completionCode !== 0) throw new IpmiCompletionError(caps.completionCode, 'Get Channel Authentication Capabilities');
    const c = decodeChannelAuthCapabilities(caps.data);
    if (typeof c === 'string') throw new PowerError('protocol', c);
    if (!c.ipmi20) throw new PowerError('unsupported', 'BMC does not offer IPMI v2.0 (RMCP+) on this channel');

    const consoleSessionId = (randomBytes(4).readUInt32LE() | 1) >>> 0; // never 0 ("no session"); >>> 0 keeps it unsigned
    const preSession = (payloadType: number, payload: Buffer) => encodeV20({ payloadType, sessionId: 0, sequence: 0, payload });
    const accept = <T extends { tag: number }>(type: number, decode: (b: Buffer) => T | string, tag: number) => (m: Buffer) => {
      const p = decodeV20(m);
      if (typeof p === 'string' || p.payloadType !== type) return undefined;
      const r = decode(p.payload);
      return typeof r === 'string' || r.tag !== tag ? undefined : r;
    };

    // §13.17/§13.18: propose exactly one cipher suite.
    const open = await udp.exchange(
      preSession(PayloadType.openSessionRequest, encodeOpenSessionRequest({ tag: 1, privilege: PRIV_ADMIN, consoleSessionId, algorithms })),
      accept(PayloadType.openSessionResponse, decodeOpenSessionResponse, 1),
      policy,
      'Open Session Request',
    );
    if (open.status !== 0) throw new PowerError(isAuthStatus(open.status) ? 'auth' : 'bmc-error', `Open Session refused (cipher suite ${suite}): ${rmcpPlusStatusText(open.status)}`);
    const got = open.algorithms;
    if (!got || got.auth !== algorithms.auth || got.integrity !== algorithms.integrity || got.confidentiality !== algorithms.confidentiality) {
      throw new PowerError('protocol', `BMC answered Open Session with other algorithms than cipher suite ${suite}`);
    }

    // §13.20/§13.21: RAKP 1 -> RAKP 2, then check the BMC knows the same password.
    const username = Buffer.from(target.username, 'utf8');
    const password = Buffer.from(target.password, 'utf8');
    if (username.length > 16) throw new PowerError('invalid', 'IPMI user names are at most 16 bytes');
    if (password.length > 20) throw new PowerError('invalid', 'IPMI v2.0 passwords are at most 20 bytes');
    const role = PRIV_ADMIN | NAME_ONLY_LOOKUP;
    const consoleRandom = randomBytes(16);
    const rakp2 = await udp.exchange(
      preSession(PayloadType.rakp1, encodeRakp1({ tag: 2, bmcSessionId: open.bmcSessionId, consoleRandom, role, username })),
      accept(PayloadType.rakp2, decodeRakp2, 2),
      policy,
      'RAKP Message 1',
    );
    if (rakp2.status !== 0) throw new PowerError(isAuthStatus(rakp2.status) ? 'auth' : 'bmc-error', `authentication failed: ${rmcpPlusStatusText(rakp2.status)}`);
    const ctx: RakpContext = { hash, consoleSessionId, bmcSessionId: open.bmcSessionId, consoleRandom, bmcRandom: rakp2.bmcRandom, bmcGuid: rakp2.bmcGuid, role, username, password };
    const expected = rakp2AuthCode(ctx);
    if (rakp2.authCode.length !== expected.length || !timingSafeEqual(rakp2.authCode, expected)) {
      // Tell the BMC (RAKP 3 with an error status) so it frees the half-open session at once.
      udp.sendOnly(preSession(PayloadType.rakp3, encodeRakp3({ tag: 3, status: RAKP_STATUS_INVALID_INTEGRITY_CHECK, bmcSessionId: open.bmcSessionId, authCode: Buffer.alloc(0) })));
      throw new PowerError('auth', 'authentication failed (wrong user name or password)');
    }

    // §13.22/§13.23: RAKP 3 proves we know the password; RAKP 4 proves the BMC derived the same SIK.
    const sik = sessionIntegrityKey(ctx);
    const rakp4 = await udp.exchange(
      preSession(PayloadType.rakp3, encodeRakp3({ tag: 3, status: 0, bmcSessionId: open.bmcSessionId, authCode: rakp3AuthCode(ctx) })),
      accept(PayloadType.rakp4, decodeRakp4, 3),
      policy,
      'RAKP Message 3',
    );
    if (rakp4.status !== 0) throw new PowerError(isAuthStatus(rakp4.status) ? 'auth' : 'bmc-error', `authentication failed: ${rmcpPlusStatusText(rakp4.status)}`);
    const icv = rakp4Icv(ctx, sik);
    if (!rakp4.icv.subarray(0, icv.length).equals(icv)) throw new PowerError('auth', 'authentication failed: RAKP 4 integrity check value mismatch');

    const s = new IpmiSession(udp, policy, consoleSessionId, open.bmcSessionId, { k1: deriveKey(hash, sik, 1), k2: deriveKey(hash, sik, 2), integrity: suite === 17 ? 'sha256-128' : 'sha1-96' });
    // §22.18: sessions start at User privilege; chassis control needs Operator or more.
    await s.command(NETFN_APP, Cmd.setSessionPrivilegeLevel, setSessionPrivilegeRequest(PRIV_ADMIN), 'Set Session Privilege Level');
    return s;
  }

  /** Sends one IPMI request in the session; resolves with the response data after a zero completion code. */
  async command(netFn: number, cmd: number, data: Uint8Array = Buffer.alloc(0), what = `command ${netFn.toString(16)}/${cmd.toString(16)}`, policy?: RetryPolicy): Promise<Buffer> {
    const r = await this.commandRaw(netFn, cmd, data, what, policy);
    if (r.completionCode !== 0) throw new IpmiCompletionError(r.completionCode, what);
    return r.data;
  }

  /** Like command() but returns the completion code instead of throwing on it. */
  async commandRaw(netFn: number, cmd: number, data: Uint8Array, what: string, policy: RetryPolicy = this.policy): Promise<{ completionCode: number; data: Buffer }> {
    const rqSeq = (this.rqSeq = (this.rqSeq + 1) & 0x3f);
    this.sequence = (this.sequence + 1) >>> 0 || 1;
    const packet = encodeV20({ payloadType: PayloadType.ipmi, sessionId: this.bmcSessionId, sequence: this.sequence, payload: encodeIpmiRequest({ netFn, cmd, rqSeq, data }) }, this.keys);
    return this.udp.exchange(packet, (m) => {
      const p = decodeV20(m, this.keys);
      if (typeof p === 'string' || p.payloadType !== PayloadType.ipmi || p.sessionId !== this.consoleSessionId || !p.authenticated) return undefined;
      const r = decodeIpmiResponse(p.payload);
      if (typeof r === 'string' || r.rqSeq !== rqSeq || r.cmd !== cmd || r.netFn !== netFn + 1) return undefined;
      return { completionCode: r.completionCode, data: r.data };
    }, policy, what);
  }

  /** This session's retry policy, for callers that need a slower one for a single command. */
  get retryPolicy(): RetryPolicy {
    return this.policy;
  }

  /** Close Session (§22.19), one try, then the socket; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.commandRaw(NETFN_APP, Cmd.closeSession, closeSessionRequest(this.bmcSessionId), 'Close Session', { retryMs: Math.min(this.policy.retryMs, 500), retries: 0 }).catch(() => {});
    } finally {
      this.udp.close();
    }
  }
}
