// Privileged e2e: the real DHCP listener in a network namespace with two bridges, real clients (busybox udhcpc),
// a relay, and proxy mode next to dnsmasq. Needs root, busybox-static, dnsmasq-base, iproute2.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { DhcpServiceConfig } from '../../src/boot/dhcp/dhcp-config.ts';
import { NATIVE_ADDON_PATH } from '../../src/net/bind-to-device.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TAG = `${process.pid}`;
const NS = {
  srv: `s0t-dhcp-srv-${TAG}`,
  c1: `s0t-dhcp-c1-${TAG}`,
  c2: `s0t-dhcp-c2-${TAG}`,
  relay: `s0t-dhcp-rl-${TAG}`,
  dnsmasq: `s0t-dhcp-dm-${TAG}`,
  pxe: `s0t-dhcp-px-${TAG}`,
};
const MAC = { c1: '02:98:01:00:00:01', c2: '02:98:02:00:00:02', pxe: '02:98:01:00:00:07' };
const tmp = mkdtempSync(join(tmpdir(), 's0t-dhcp-e2e-'));
const children: ChildProcess[] = [];

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const inNs = (ns: string, ...args: string[]) => ip('netns', 'exec', ns, ...args);

function requireTool(cmd: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${cmd} is missing: apt-get install -y --no-install-recommends ${pkg} (or run scripts/install-test-deps.sh)`);
  }
}

/** A namespace with a veth whose peer joins `bridge` in the server namespace. */
function attach(ns: string, ifname: string, bridge: string, mac?: string): void {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  const peer = `p${ifname}`;
  ip('link', 'add', peer, 'netns', NS.srv, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns, ...(mac ? ['address', mac] : []));
  ip('-n', NS.srv, 'link', 'set', peer, 'master', bridge, 'up');
  ip('-n', ns, 'link', 'set', ifname, 'up');
}

function setupTopology(): void {
  ip('netns', 'add', NS.srv);
  ip('-n', NS.srv, 'link', 'set', 'lo', 'up');
  for (const [br, addr] of [['br1', '10.98.1.1/24'], ['br2', '10.98.2.1/24']] as const) {
    ip('-n', NS.srv, 'link', 'add', br, 'type', 'bridge');
    ip('-n', NS.srv, 'addr', 'add', addr, 'dev', br);
    ip('-n', NS.srv, 'link', 'set', br, 'up');
  }
  attach(NS.c1, 'c1', 'br1', MAC.c1);
  attach(NS.c2, 'c2', 'br2', MAC.c2);
  // The relay agent: 10.98.1.2 on br1, its client-side address 10.98.3.1 on lo (no dummy module needed);
  // the server routes 10.98.3.0/24 to it.
  attach(NS.relay, 'r1', 'br1');
  ip('-n', NS.relay, 'addr', 'add', '10.98.1.2/24', 'dev', 'r1');
  ip('-n', NS.relay, 'addr', 'add', '10.98.3.1/32', 'dev', 'lo');
  ip('-n', NS.srv, 'route', 'add', '10.98.3.0/24', 'via', '10.98.1.2');
  attach(NS.dnsmasq, 'dm', 'br1');
  ip('-n', NS.dnsmasq, 'addr', 'add', '10.98.1.3/24', 'dev', 'dm');
  attach(NS.pxe, 'px', 'br1', MAC.pxe);
  // No address yet: a host route lets the raw client broadcast like firmware does.
  ip('-n', NS.pxe, 'route', 'add', '255.255.255.255/32', 'dev', 'px');
}

function teardown(): void {
  for (const c of children) if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  for (const ns of Object.values(NS)) {
    try {
      for (const pid of ip('netns', 'pids', ns).split('\n').filter(Boolean)) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      ip('netns', 'del', ns);
    } catch { /* not created */ }
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** A child in a namespace whose stdout lines are collected; `waitFor` resolves on the first matching line. */
function start(ns: string, argv: string[], env: Record<string, string> = {}) {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) if (w.re.test(l)) w.resolve(l); else waiters.push(w);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child, lines, exited,
    stderr: () => stderr,
    waitFor(re: RegExp, ms = 10_000): Promise<string> {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout waiting for ${re} in ${argv[0]}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)), ms);
        waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
        void exited.then(() => setTimeout(() => reject(new Error(`${argv.join(' ')} exited; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)), 50));
      });
    },
  };
}

const SERVER_CHILD = `
import { DhcpService } from ${JSON.stringify(join(ROOT, 'src/boot/dhcp/dhcp-service.ts'))};
import { DhcpListener } from ${JSON.stringify(join(ROOT, 'src/net/dhcp-listener.ts'))};
import { MemoryLeaseStore } from ${JSON.stringify(join(ROOT, 'src/boot/dhcp/memory-lease-store.ts'))};
const config = JSON.parse(process.env.S0T_DHCP_CONFIG);
const nodes = JSON.parse(process.env.S0T_DHCP_NODES);
const reservations = {
  byMac: async (m) => nodes[m],
  reservedIps: async () => new Set(Object.values(nodes).flatMap((n) => (n.ip ? [n.ip] : []))),
};
const events = { emit: (e) => console.log(JSON.stringify({ event: e })) };
const service = new DhcpService({ config, leases: new MemoryLeaseStore(), reservations, events });
const listener = new DhcpListener({ service, log: { warn: (o, m) => console.error(m, o) } });
await listener.start();
console.log(JSON.stringify({ ready: listener.boundPorts }));
process.on('SIGTERM', async () => {
  await listener.stop();
  console.log(JSON.stringify({ counters: service.counters.snapshot() }));
  process.exit(0);
});
`;

/** Raw clients over UDP: a relay agent, and a PXE client doing DHCP with dnsmasq then proxyDHCP with stage0 on 4011. */
const RAW_CLIENT = `
import dgram from 'node:dgram';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { clientBytes } from ${JSON.stringify(join(ROOT, 'src/boot/dhcp/dhcp-request-builder.ts'))};
import { decodeDhcp } from ${JSON.stringify(join(ROOT, 'src/codec/dhcp/index.ts'))};
const hex = (p, code) => { const o = p.rawOptions.find((x) => x.code === code); return o && Buffer.from(o.data).toString('hex'); };
const view = (p, rinfo) => ({ type: p.options.messageType, yiaddr: p.yiaddr, siaddr: p.siaddr, giaddr: p.giaddr, file: p.file,
  serverId: p.options.serverId, vendorClass: p.options.vendorClass, o82: hex(p, 82), o43: hex(p, 43), from: rinfo.address + ':' + rinfo.port });
async function socket(address, port) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.bind(port, address); await once(s, 'listening'); s.setBroadcast(true); return s;
}
function collect(s, xid, ms) {
  const got = [];
  s.on('message', (m, r) => { try { const p = decodeDhcp(m); if (p.xid === xid && p.op === 2) got.push(view(p, r)); } catch {} });
  return new Promise((res) => setTimeout(() => res(got), ms));
}
const mac = process.env.S0T_MAC;
const pxe = { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' };
if (process.argv[1] === 'relay') {
  const s = await socket('10.98.3.1', 67);
  const replies = collect(s, 0x5150001, 1500);
  s.send(clientBytes({ type: 'DISCOVER', mac, xid: 0x5150001, giaddr: '10.98.3.1', relayAgentInfo: Uint8Array.of(1, 3, 0x70, 0x31, 0x37, 2, 1, 9), ...pxe }), 67, '10.98.1.1');
  console.log(JSON.stringify({ relay: await replies }));
  process.exit(0);
}
if (process.argv[1] === 'dora' || process.argv[1] === 'flood') {
  // Load from a relay agent (like perfdhcp): many clients, one socket on 10.98.1.2:67, replies matched by xid.
  const s = await socket('10.98.1.2', 67);
  const waiting = new Map();
  let replies = 0;
  s.on('message', (m) => { try { const p = decodeDhcp(m); replies++; waiting.get(p.xid)?.(p); } catch {} });
  const total = Number(process.argv[2]);
  const macOf = (i) => '02:4c:' + [24, 16, 8, 0].map((b) => ((i >>> b) & 255).toString(16).padStart(2, '0')).join(':');
  const send = (r) => s.send(clientBytes({ giaddr: '10.98.1.2', ...r }), 67, '10.98.1.1');
  const t0 = performance.now();
  if (process.argv[1] === 'flood') {
    // Paced: total DISCOVERs from fresh random MACs over argv[3] ms, in 10 ms batches.
    const ms = Number(process.argv[3]);
    const seed = Math.floor(Math.random() * 1e9);
    for (let sent = 0, tick = 0; sent < total; tick++) {
      const upto = Math.min(total, Math.ceil((total * (tick + 1) * 10) / ms));
      for (; sent < upto; sent++) send({ type: 'DISCOVER', mac: macOf(seed + sent), xid: sent });
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 500));
    console.log(JSON.stringify({ flood: { sent: total, offers: replies, ms: Math.round(performance.now() - t0) } }));
    process.exit(0);
  }
  const exchange = (r) => new Promise((resolve) => {
    let tries = 0;
    const go = () => {
      if (tries++ === 3) { waiting.delete(r.xid); return resolve(undefined); }
      const t = setTimeout(go, 1000);
      waiting.set(r.xid, (p) => { clearTimeout(t); waiting.delete(r.xid); resolve(p); });
      send(r);
    };
    go();
  });
  const leases = [];
  let next = 0;
  const window = Number(process.argv[3]);
  await Promise.all(Array.from({ length: window }, async () => {
    while (next < total) {
      const i = next++;
      const mac = macOf(i);
      const offer = await exchange({ type: 'DISCOVER', mac, xid: 2 * i + 1 });
      if (!offer) continue;
      const ack = await exchange({ type: 'REQUEST', mac, xid: 2 * i + 2, serverId: offer.options.serverId, requestedIp: offer.yiaddr });
      if (ack?.options.messageType === 'ACK') leases.push([mac, ack.yiaddr]);
    }
  }));
  console.log(JSON.stringify({ dora: { clients: total, acks: leases.length, ms: Math.round(performance.now() - t0), leases } }));
  process.exit(0);
}
// PXE client next to two servers (RFC 4578, PXE 2.1 §2.2): DISCOVER, pick the address offer, REQUEST it, then 4011.
const s = await socket('0.0.0.0', 68);
const offers = collect(s, 0x5150002, 2000);
s.send(clientBytes({ type: 'DISCOVER', mac, xid: 0x5150002, flags: 0x8000, ...pxe }), 67, '255.255.255.255');
const o = await offers;
console.log(JSON.stringify({ offers: o }));
const addr = o.find((x) => x.yiaddr !== '0.0.0.0');
const proxy = o.find((x) => x.yiaddr === '0.0.0.0' && x.file);
if (!addr || !proxy) process.exit(2);
s.removeAllListeners('message');
const acks = collect(s, 0x5150003, 2000);
s.send(clientBytes({ type: 'REQUEST', mac, xid: 0x5150003, flags: 0x8000, serverId: addr.serverId, requestedIp: addr.yiaddr, ...pxe }), 67, '255.255.255.255');
const ack = (await acks).find((x) => x.type === 'ACK');
console.log(JSON.stringify({ ack }));
if (!ack) process.exit(3);
execFileSync('ip', ['addr', 'add', ack.yiaddr + '/24', 'dev', process.env.S0T_IF]);
const b = await socket(ack.yiaddr, 4011);
const boot = collect(b, 0x5150004, 2000);
b.send(clientBytes({ type: 'REQUEST', mac, xid: 0x5150004, ciaddr: ack.yiaddr, ...pxe }), 4011, proxy.serverId);
console.log(JSON.stringify({ boot: await boot }));
process.exit(0);
`;

const nodeArgs = (code: string, ...args: string[]) => ['node', '--import', 'tsx', '--input-type=module', '-e', code, ...args];

function serverConfig(mode: 'authoritative' | 'proxy'): DhcpServiceConfig {
  return {
    mode,
    interfaces: mode === 'proxy'
      ? [{ name: 'br1', serverAddress: '10.98.1.1' }]
      : [{ name: 'br1', serverAddress: '10.98.1.1' }, { name: 'br2', serverAddress: '10.98.2.1' }],
    subnets: [
      { cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.109' }], router: '10.98.1.1' },
      { cidr: '10.98.2.0/24', pools: [{ start: '10.98.2.100', end: '10.98.2.109' }], router: '10.98.2.1' },
      { cidr: '10.98.3.0/24', pools: [{ start: '10.98.3.100', end: '10.98.3.109' }] },
    ],
    boot: { tftpServer: '10.98.1.1', httpBase: 'http://10.98.1.1:8080' },
  };
}
const NODES = { [MAC.c2]: { node: 'node-c2', ip: '10.98.2.50' } };

async function startServer(mode: 'authoritative' | 'proxy', over: Partial<DhcpServiceConfig> = {}, nodes: Record<string, { node: string; ip?: string }> = NODES) {
  const config = { ...serverConfig(mode), ...over };
  const srv = start(NS.srv, nodeArgs(SERVER_CHILD), { S0T_DHCP_CONFIG: JSON.stringify(config), S0T_DHCP_NODES: JSON.stringify(nodes) });
  await srv.waitFor(/"ready"/);
  return {
    ...srv,
    events: () => srv.lines.filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l).event as { kind: string; node: string | null; details: Record<string, unknown> }),
    async stop(): Promise<Record<string, number>> {
      srv.child.kill('SIGTERM');
      return JSON.parse(await srv.waitFor(/"counters"/, 5000)).counters;
    },
  };
}

const UDHCPC_SCRIPT = join(tmp, 'udhcpc.sh');

/** busybox udhcpc in a client namespace; its script prints what it was leased. */
async function udhcpc(ns: string, ifname: string, extra: string[]): Promise<Record<string, string>> {
  const c = start(ns, ['busybox', 'udhcpc', '-i', ifname, '-n', '-q', '-f', '-t', '4', '-T', '1', '-s', UDHCPC_SCRIPT, ...extra]);
  const line = await c.waitFor(/^LEASE /, 15_000);
  return Object.fromEntries(line.slice(6).split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

describe('DHCP listener in network namespaces (root)', { timeout: 120_000 }, () => {
  before(() => {
    assert.equal(process.getuid?.(), 0, 'this e2e test needs root (network namespaces, port 67)');
    requireTool('ip', 'iproute2');
    requireTool('busybox', 'busybox-static');
    requireTool('dnsmasq', 'dnsmasq-base');
    if (!existsSync(NATIVE_ADDON_PATH)) execFileSync('npm', ['run', 'build'], { cwd: join(ROOT, 'native'), stdio: 'ignore' });
    writeFileSync(UDHCPC_SCRIPT, '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip siaddr=$siaddr boot_file=$boot_file serverid=$serverid router=$router opt175=$opt175"\nexit 0\n', { mode: 0o755 });
    setupTopology();
  });
  after(teardown);

  describe('authoritative on two bridges', () => {
    let srv: Awaited<ReturnType<typeof startServer>>;
    before(async () => { srv = await startServer('authoritative'); });
    after(async () => { if (srv.child.exitCode === null) await srv.stop(); });

    it('each client gets an address from its own bridge, so replies left through the right interface', async () => {
      const [l1, l2] = await Promise.all([
        udhcpc(NS.c1, 'c1', ['-V', 'PXEClient:Arch:00000:UNDI:002001', '-x', '0x5d:0000']),
        udhcpc(NS.c2, 'c2', ['-V', 'PXEClient:Arch:00007:UNDI:003016', '-x', '0x5d:0007']),
      ]);
      assert.match(l1.ip!, /^10\.98\.1\.10\d$/);
      assert.deepEqual([l1.serverid, l1.router, l1.siaddr, l1.boot_file], ['10.98.1.1', '10.98.1.1', '10.98.1.1', 'undionly.kpxe']);
      // c2's MAC is a known node with a reserved address.
      assert.deepEqual([l2.ip, l2.serverid, l2.router, l2.boot_file], ['10.98.2.50', '10.98.2.1', '10.98.2.1', 'snponly.efi']);
      const acks = srv.events().filter((e) => e.kind === 'dhcp.ack');
      assert.deepEqual(acks.map((e) => [e.details.mac, e.details.interface, e.node]).sort(), [
        [MAC.c1, 'br1', null], [MAC.c2, 'br2', 'node-c2'],
      ]);
    });

    it('the same MAC as iPXE (user class) gets its address back and the per-MAC boot script URL, with no-pxedhcp', async () => {
      const first = srv.events().find((e) => e.kind === 'dhcp.ack' && e.details.mac === MAC.c1);
      // User class "iPXE" in hex: busybox sends unknown options as raw bytes.
      const l = await udhcpc(NS.c1, 'c1', ['-V', 'PXEClient:Arch:00000:UNDI:002001', '-x', '0x5d:0000', '-x', '0x4d:69505845', '-O', '175']);
      assert.equal(l.ip, first?.details.ip, 'lease is sticky per MAC');
      assert.equal(l.boot_file, `http://10.98.1.1:8080/boot.ipxe?mac=${MAC.c1}`);
      assert.equal(l.opt175, 'b00101');
    });

    it('a relayed DISCOVER (giaddr 10.98.3.1, option 82) is answered unicast to the relay from the 10.98.3.0/24 pool', async () => {
      const c = start(NS.relay, nodeArgs(RAW_CLIENT, 'relay'), { S0T_MAC: '02:98:03:00:00:01' });
      const replies = JSON.parse(await c.waitFor(/"relay"/)).relay as Array<Record<string, string>>;
      assert.equal(replies.length, 1);
      const r = replies[0]!;
      assert.deepEqual([r.type, r.giaddr, r.from, r.o82], ['OFFER', '10.98.3.1', '10.98.1.1:67', '0103703137020109']);
      assert.match(r.yiaddr!, /^10\.98\.3\.10\d$/);
      assert.equal(r.file, 'snponly.efi');
    });

    it('counts what it received and replied', async () => {
      const counters = await srv.stop();
      assert.ok((counters['replied.OFFER'] ?? 0) >= 3, JSON.stringify(counters));
      assert.ok((counters['replied.ACK'] ?? 0) >= 2, JSON.stringify(counters));
    });
  });

  describe('load through a relay (random MACs, like perfdhcp)', () => {
    const BIG_POOL: Partial<DhcpServiceConfig> = {
      subnets: [{ cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.10', end: '10.98.1.250' }] }],
    };
    const KNOWN_C1 = { [MAC.c1]: { node: 'node-c1', ip: '10.98.1.60' } };

    it('completes 200 DORA exchanges, 16 at a time, and never gives an address to two MACs', async () => {
      const srv = await startServer('authoritative', { ...BIG_POOL, rateLimit: { burst: 100_000, perSecond: 100_000 } }, KNOWN_C1);
      try {
        const c = start(NS.relay, nodeArgs(RAW_CLIENT, 'dora', '200', '16'));
        const r = JSON.parse(await c.waitFor(/"dora"/, 60_000)).dora as { acks: number; ms: number; leases: [string, string][] };
        console.log(`DORA through relay: ${r.acks} leases in ${r.ms} ms = ${Math.round((r.acks * 1000) / r.ms)} leases/s`);
        assert.equal(r.acks, 200);
        assert.equal(new Set(r.leases.map(([, a]) => a)).size, 200, 'an address was given twice');
        assert.ok(!r.leases.some(([, a]) => a === '10.98.1.60'), 'a reserved address went to an unknown MAC');
        const byIp = new Map<unknown, Set<unknown>>();
        for (const e of srv.events().filter((x) => x.kind === 'dhcp.ack')) byIp.set(e.details.ip, (byIp.get(e.details.ip) ?? new Set()).add(e.details.mac));
        for (const [a, macs] of byIp) assert.equal(macs.size, 1, `${String(a)} ACKed to ${[...macs].join(', ')}`);
      } finally {
        await srv.stop();
      }
    });

    it('a random-MAC flood is rate limited and the known node still gets its reserved address', async () => {
      const srv = await startServer('authoritative', { ...BIG_POOL, rateLimit: { totalBurst: 128, totalPerSecond: 32 } }, KNOWN_C1);
      try {
        const c = start(NS.relay, nodeArgs(RAW_CLIENT, 'flood', '4000', '4000'));
        await new Promise((r) => setTimeout(r, 800));
        const l = await udhcpc(NS.c1, 'c1', []);
        assert.equal(l.ip, '10.98.1.60');
        const f = JSON.parse(await c.waitFor(/"flood"/, 30_000)).flood as { sent: number; offers: number; ms: number };
        console.log(`flood: ${f.sent} DISCOVERs from random MACs in ${f.ms} ms, ${f.offers} OFFERs`);
        // Shared bucket for unknown MACs, as configured above: 128 burst + 32 per second.
        assert.ok(f.offers < 128 + 32 * 6, `flood not limited: ${f.offers} offers`);
      } finally {
        const counters = await srv.stop();
        console.log('flood counters', JSON.stringify(counters));
        assert.ok((counters['rate-limited.unknown-total'] ?? 0) > 3000, JSON.stringify(counters));
        assert.ok(!srv.events().some((e) => e.details.ip === '10.98.1.60' && e.details.mac !== MAC.c1));
      }
    });
  });

  describe('proxy mode next to dnsmasq', () => {
    let srv: Awaited<ReturnType<typeof startServer>>;
    const leaseFile = join(tmp, 'dnsmasq.leases');
    before(async () => {
      const dm = start(NS.dnsmasq, [
        'dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0', `--dhcp-leasefile=${leaseFile}`, '--no-ping', '--user=root',
        '--interface=dm', '--bind-interfaces', '--dhcp-range=10.98.1.150,10.98.1.160,255.255.255.0,1h', '--log-dhcp', `--pid-file=${join(tmp, 'dm.pid')}`,
      ]);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(dm.child.exitCode, null, `dnsmasq exited: ${dm.stderr()}`);
      srv = await startServer('proxy');
    });
    after(async () => { if (srv?.child.exitCode === null) await srv.stop(); });

    it('the PXE client gets its address from dnsmasq and its boot file from stage0 (OFFER on 67, ACK on 4011)', async () => {
      const c = start(NS.pxe, nodeArgs(RAW_CLIENT, 'pxe'), { S0T_MAC: MAC.pxe, S0T_IF: 'px' });
      const offers = JSON.parse(await c.waitFor(/"offers"/)).offers as Array<Record<string, string>>;
      const fromDnsmasq = offers.find((o) => o.serverId === '10.98.1.3');
      const fromStage0 = offers.find((o) => o.serverId === '10.98.1.1');
      assert.ok(fromDnsmasq && fromStage0, JSON.stringify(offers));
      assert.match(fromDnsmasq.yiaddr!, /^10\.98\.1\.1(5\d|60)$/);
      assert.deepEqual([fromStage0.type, fromStage0.yiaddr, fromStage0.file, fromStage0.vendorClass, fromStage0.o43], ['OFFER', '0.0.0.0', 'snponly.efi', 'PXEClient', '060108ff']);
      const ack = JSON.parse(await c.waitFor(/"ack"/)).ack as Record<string, string>;
      assert.equal(ack.serverId, '10.98.1.3');
      const boot = JSON.parse(await c.waitFor(/"boot"/)).boot as Array<Record<string, string>>;
      assert.equal(boot.length, 1, JSON.stringify(boot));
      assert.deepEqual([boot[0]!.type, boot[0]!.yiaddr, boot[0]!.file, boot[0]!.siaddr, boot[0]!.from], ['ACK', '0.0.0.0', 'snponly.efi', '10.98.1.1', '10.98.1.1:4011']);
      assert.match(readFileSync(leaseFile, 'utf8'), new RegExp(MAC.pxe));
      const counters = await srv.stop();
      assert.equal(counters['replied.OFFER'], 1, JSON.stringify(counters));
      assert.equal(counters['replied.ACK'], 1, JSON.stringify(counters));
      assert.ok(!srv.events().some((e) => e.details.ip), 'proxy mode gave an address');
    });
  });
});
