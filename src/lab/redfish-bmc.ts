// Lab BMC: a small Redfish BMC emulator over HTTPS (self-signed cert made by openssl) with one ComputerSystem.
// The host behind it is pluggable: a state file (VM-less) or a QEMU VM through QMP (redfish-bmc-qemu-host.ts).
// Fault switches (slow answers, stop answering) and an in-flight gauge let tests prove timeouts and concurrency bounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RfPower = 'On' | 'Off';
export const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'PowerCycle', 'ForceOn'] as const;
export type RfReset = (typeof RESET_TYPES)[number];

/** What the emulator drives. */
export interface RedfishHost {
  power(): Promise<RfPower>;
  reset(type: RfReset): Promise<void>;
  close(): Promise<void>;
}

export interface RfBoot {
  BootSourceOverrideTarget: string;
  BootSourceOverrideEnabled: string;
  BootSourceOverrideMode: string;
}

/** VM-less host: power and an action log in a JSON file. */
export function stateFileHost(file: string): RedfishHost & { state(): { power: RfPower; actions: string[] } } {
  const read = (): { power: RfPower; actions: string[] } => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { power: 'Off', actions: [] });
  const write = (s: { power: RfPower; actions: string[] }) => writeFileSync(file, JSON.stringify(s));
  return {
    state: read,
    power: async () => read().power,
    async reset(type) {
      const s = read();
      s.actions.push(type);
      if (type === 'On' || type === 'ForceOn') s.power = 'On';
      else if (type === 'ForceOff' || type === 'GracefulShutdown') s.power = 'Off';
      else if (type === 'PowerCycle') s.power = 'On';
      write(s);
    },
    close: async () => {},
  };
}

/** A self-signed certificate for 127.0.0.1 (and `ips`) made by openssl (Debian package openssl). */
export function makeCert(dir: string, ips: readonly string[] = []): { key: string; cert: string } {
  if (spawnSync('sh', ['-c', 'command -v openssl']).status !== 0) throw new Error('openssl is missing: apt-get install -y --no-install-recommends openssl');
  const key = join(dir, 'bmc.key');
  const cert = join(dir, 'bmc.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', `subjectAltName=${['127.0.0.1', ...ips].map((ip) => `IP:${ip}`).join(',')}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** Requests being answered right now, across every emulator sharing the gauge; max = the most seen at once. */
export interface InFlightGauge {
  now: number;
  max: number;
}
export const newGauge = (): InFlightGauge => ({ now: 0, max: 0 });

/** answer = normal; stall = accept connections, never answer; stall-after-login = answer the login, then nothing. */
export type BmcMode = 'answer' | 'stall' | 'stall-after-login';

export interface RedfishBmc {
  address: string;
  port: number;
  cert: string;
  boot: RfBoot;
  /** Every request as "METHOD path auth" (auth = session | basic | none), for assertions. */
  log: string[];
  /** Fault switch, effective for the next request. */
  setMode(mode: BmcMode): void;
  close(): Promise<void>;
}

/** What a host factory gets: the current boot override, and a way to mark a "Once" override as used. */
export interface HostContext {
  boot(): RfBoot;
  bootConsumed(): void;
}

export interface RedfishBmcOptions {
  host: RedfishHost | ((ctx: HostContext) => RedfishHost);
  username: string;
  password: string;
  /** false = an old BMC without SessionService (POST Sessions -> 405): clients must fall back to Basic. */
  sessions?: boolean;
  serial?: string;
  /** Default 127.0.0.1 and a free port. */
  listen?: { host?: string; port?: number };
  /** A certificate to serve (saves an openssl run per BMC when starting many); default: a fresh self-signed one. */
  tls?: { key: string; cert: string };
  /** Wait before each answer (a slow BMC; makes overlapping requests visible). */
  delayMs?: number;
  gauge?: InFlightGauge;
}

const SYS = '/redfish/v1/Systems/1';

export async function startRedfishBmc(o: RedfishBmcOptions): Promise<RedfishBmc> {
  let tls = o.tls;
  if (!tls) {
    const dir = mkdtempSync(join(tmpdir(), 's0-redfish-'));
    tls = makeCert(dir, o.listen?.host && o.listen.host !== '127.0.0.1' ? [o.listen.host] : []);
    rmSync(dir, { recursive: true, force: true });
  }
  const { key, cert } = tls;
  let mode: BmcMode = 'answer';
  const gauge = o.gauge ?? newGauge();
  const tokens = new Map<string, string>(); // token -> session path
  const boot: RfBoot = { BootSourceOverrideTarget: 'None', BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideMode: 'UEFI' };
  let version = 1; // ETag of the system resource
  const log: string[] = [];
  let nextSession = 1;
  const host: RedfishHost = typeof o.host === 'function'
    ? o.host({ boot: () => ({ ...boot }), bootConsumed: () => void (boot.BootSourceOverrideEnabled = 'Disabled') })
    : o.host;

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'OData-Version': '4.0', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string) =>
    send(res, status, { error: { code: 'Base.1.8.GeneralError', message, '@Message.ExtendedInfo': [{ MessageId: 'Base.1.8.GeneralError', Message: message }] } },
      status === 401 ? { 'WWW-Authenticate': 'Basic realm="redfish"' } : {});
  const authOf = (req: IncomingMessage): 'session' | 'basic' | 'none' | 'bad' => {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') return tokens.has(token) ? 'session' : 'bad';
    const basic = req.headers.authorization;
    if (basic?.startsWith('Basic ')) return Buffer.from(basic.slice(6), 'base64').toString() === `${o.username}:${o.password}` ? 'basic' : 'bad';
    return 'none';
  };
  const system = async () => ({
    '@odata.id': SYS, '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem', Id: '1', Name: 'stage0 lab system',
    Manufacturer: 'stage0-lab', Model: 'RF-Sim', SerialNumber: o.serial ?? 'RF-0001', SystemType: 'Physical',
    PowerState: await host.power(),
    Boot: { ...boot, 'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup'] },
    Actions: { '#ComputerSystem.Reset': { target: `${SYS}/Actions/ComputerSystem.Reset`, 'ResetType@Redfish.AllowableValues': [...RESET_TYPES] } },
  });

  const routes = async (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/$/, '') || '/';
    const m = req.method ?? 'GET';
    const auth = authOf(req);
    log.push(`${m} ${path} ${auth}`);
    if (m === 'GET' && (path === '/redfish' )) return send(res, 200, { v1: '/redfish/v1/' });
    if (m === 'GET' && path === '/redfish/v1') {
      return send(res, 200, {
        '@odata.id': '/redfish/v1/', '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot', Id: 'RootService', Name: 'Root Service',
        RedfishVersion: '1.11.0', UUID: '92384634-2938-2342-8820-489239905423',
        Systems: { '@odata.id': '/redfish/v1/Systems' },
        ...(o.sessions === false ? {} : { SessionService: { '@odata.id': '/redfish/v1/SessionService' }, Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } } }),
      });
    }
    if (path === '/redfish/v1/SessionService/Sessions' && m === 'POST') {
      if (o.sessions === false) return error(res, 405, 'sessions not supported');
      if (body.UserName !== o.username || body.Password !== o.password) return error(res, 401, 'invalid credentials');
      const token = randomBytes(16).toString('hex');
      const id = String(nextSession++);
      tokens.set(token, `/redfish/v1/SessionService/Sessions/${id}`);
      return send(res, 201, { '@odata.id': tokens.get(token), '@odata.type': '#Session.v1_3_0.Session', Id: id, Name: 'Session', UserName: o.username },
        { 'X-Auth-Token': token, Location: tokens.get(token)! });
    }
    if (auth !== 'session' && auth !== 'basic') return error(res, 401, 'authentication required');
    if (m === 'DELETE' && path.startsWith('/redfish/v1/SessionService/Sessions/')) {
      for (const [t, p] of tokens) if (p === path) tokens.delete(t);
      return send(res, 204);
    }
    if (m === 'GET' && path === '/redfish/v1/SessionService') {
      return send(res, 200, { '@odata.id': '/redfish/v1/SessionService', '@odata.type': '#SessionService.v1_1_8.SessionService', Id: 'SessionService', Name: 'Session Service',
        ServiceEnabled: true, SessionTimeout: 600, Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } });
    }
    if (m === 'GET' && path === '/redfish/v1/SessionService/Sessions') {
      return send(res, 200, { '@odata.id': path, '@odata.type': '#SessionCollection.SessionCollection', Name: 'Sessions', 'Members@odata.count': tokens.size, Members: [...tokens.values()].map((p) => ({ '@odata.id': p })) });
    }
    if (m === 'GET' && path === '/redfish/v1/Systems') {
      return send(res, 200, { '@odata.id': path, '@odata.type': '#ComputerSystemCollection.ComputerSystemCollection', Name: 'Systems', 'Members@odata.count': 1, Members: [{ '@odata.id': SYS }] });
    }
    if (m === 'GET' && path === SYS) return send(res, 200, await system(), { ETag: `W/"${version}"` });
    if (m === 'PATCH' && path === SYS) {
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== `W/"${version}"` && ifMatch !== '*') return error(res, 412, 'ETag does not match');
      const b = (body.Boot ?? {}) as Partial<RfBoot>;
      const allowed: Record<keyof RfBoot, string[]> = {
        BootSourceOverrideTarget: ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup'], BootSourceOverrideEnabled: ['Disabled', 'Once', 'Continuous'], BootSourceOverrideMode: ['UEFI', 'Legacy'],
      };
      for (const k of Object.keys(b) as (keyof RfBoot)[]) {
        if (!(k in allowed) || !allowed[k].includes(String(b[k]))) return error(res, 400, `bad value for Boot.${k}`);
      }
      Object.assign(boot, b);
      version++;
      return send(res, 200, await system(), { ETag: `W/"${version}"` });
    }
    if (m === 'POST' && path === `${SYS}/Actions/ComputerSystem.Reset`) {
      const type = body.ResetType as RfReset;
      if (!RESET_TYPES.includes(type)) return error(res, 400, `ResetType ${String(type)} not allowed`);
      await host.reset(type);
      version++;
      return send(res, 204);
    }
    return error(res, 404, `no resource ${path}`);
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    const isLogin = req.method === 'POST' && (req.url ?? '').startsWith('/redfish/v1/SessionService/Sessions');
    if (mode === 'stall' || (mode === 'stall-after-login' && !isLogin)) return; // the BMC hangs: no answer, socket kept open
    gauge.now++;
    gauge.max = Math.max(gauge.max, gauge.now);
    res.on('close', () => void gauge.now--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString();
        if (text) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return error(res, 400, 'malformed JSON');
      }
      const answer = () => routes(req, res, body).catch((e: Error) => error(res, 500, e.message));
      if (o.delayMs) setTimeout(answer, o.delayMs);
      else void answer();
    });
  });
  server.on('tlsClientError', () => {}); // clients refusing our self-signed cert are expected in tests
  const address = o.listen?.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listen?.port ?? 0, address, () => (server.off('error', reject), resolve()));
  });
  return {
    address,
    port: (server.address() as AddressInfo).port,
    setMode: (m) => void (mode = m),
    cert,
    boot,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await host.close();
    },
  };
}
