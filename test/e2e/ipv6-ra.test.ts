// Privileged e2e: stage0's router advertiser in one network namespace, the Linux kernel as the IPv6 host in another
// (veth between them). The kernel must form a SLAAC address from the advertised prefix, learn (or not) a default
// route, and get an answer to its Router Solicitation well before the next unsolicited RA. Needs root and iproute2.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RA_ADDON_PATH } from '../../src/net/router-advertiser.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TAG = `${process.pid}`;
const NS = { router: `s0t-ra-r-${TAG}`, host: `s0t-ra-h-${TAG}` };
const IF = { router: `s0ra${TAG}r`.slice(0, 15), host: `s0ra${TAG}h`.slice(0, 15) };
// 10.77.0.0/24 -> ULA fd00:0a4d:0000::/64 (src/codec/ndp/ula-prefix.ts)
const PREFIX = 'fd00:a4d::';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sysctl = (ns: string, key: string, value: string): string => ip('netns', 'exec', ns, 'sysctl', '-qw', `${key}=${value}`);

/** Runs the advertiser inside the router namespace; on SIGTERM it closes and prints its counters as JSON. */
function startAdvertiser(options: object): { child: ChildProcess; stop(): Promise<{ sent: number; sendErrors: number; solicitations: number; dropped: object }> } {
  const code = `
    const { startRouterAdvertiser } = await import(${JSON.stringify(`${ROOT}src/net/router-advertiser.ts`)});
    const log = { info: (o, m) => console.error(m, JSON.stringify(o)), warn: (o, m) => console.error(m, JSON.stringify(o)) };
    const adv = startRouterAdvertiser({ ...${JSON.stringify(options)}, log });
    process.on('SIGTERM', () => { adv.close(); console.log(JSON.stringify(adv.counters)); process.exit(0); });
  `;
  const child = spawn('ip', ['netns', 'exec', NS.router, process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  return {
    child,
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`advertiser exited ${code}: ${err}`))));
        child.kill('SIGTERM');
      }),
  };
}

/** Polls until `probe` returns a value, or fails after `ms` with what was last seen. */
async function waitFor(ms: number, what: string, probe: () => string | undefined): Promise<{ value: string; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > ms) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const slaacAddress = (): string | undefined =>
  ip('-n', NS.host, '-6', 'addr', 'show', 'dev', IF.host)
    .split('\n')
    .find((l) => l.includes(`inet6 ${PREFIX}`) && /\/64 scope global dynamic/.test(l));
const defaultRoute = (): string | undefined =>
  ip('-n', NS.host, '-6', 'route', 'show', 'default').split('\n').find((l) => l.startsWith('default via fe80:') && l.includes(`dev ${IF.host}`));

describe('IPv6 router advertiser (netns, Linux kernel as host)', () => {
  before(() => {
    if (process.getuid?.() !== 0) throw new Error('this e2e test needs root (network namespaces, raw ICMPv6 sockets)');
    if (!existsSync(RA_ADDON_PATH)) throw new Error(`native addon missing at ${RA_ADDON_PATH}: run npm run postinstall`);
    for (const ns of Object.values(NS)) ip('netns', 'add', ns);
    ip('-n', NS.router, 'link', 'add', IF.router, 'type', 'veth', 'peer', 'name', IF.host, 'netns', NS.host);
    // No DAD wait for link-local addresses: the test is about RAs, not duplicate detection.
    sysctl(NS.router, `net.ipv6.conf.${IF.router}.accept_dad`, '0');
    sysctl(NS.host, `net.ipv6.conf.${IF.host}.accept_dad`, '0');
    sysctl(NS.host, `net.ipv6.conf.${IF.host}.forwarding`, '0');
    sysctl(NS.host, `net.ipv6.conf.${IF.host}.accept_ra`, '1');
    ip('-n', NS.router, 'addr', 'add', '10.77.0.1/24', 'dev', IF.router);
    ip('-n', NS.router, 'link', 'set', IF.router, 'up');
  });

  after(() => {
    for (const ns of Object.values(NS)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  });

  it('unsolicited RAs: the host forms a SLAAC address from the derived ULA /64; router lifetime 0 gives no default route', async () => {
    // Host solicitations off, so only the periodic RAs (every 3 s at first) can configure it.
    // The host comes up after the first RA went out, so only the next periodic one (3 s later) can configure it.
    sysctl(NS.host, `net.ipv6.conf.${IF.host}.router_solicitations`, '0');
    const adv = startAdvertiser({ interfaces: [IF.router] });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      ip('-n', NS.host, 'link', 'set', IF.host, 'up');
      const got = await waitFor(8000, 'SLAAC address', slaacAddress);
      console.log(`# SLAAC address ${got.ms} ms after link up (periodic RA): ${got.value.trim()}`);
      assert.equal(defaultRoute(), undefined, 'router lifetime 0 must not install a default route');
    } finally {
      const counters = await adv.stop();
      ip('-n', NS.host, 'link', 'set', IF.host, 'down');
      ip('-n', NS.host, '-6', 'addr', 'flush', 'dev', IF.host, 'scope', 'global');
      // the first RA may fail to leave while the veth has no carrier yet; the periodic one after it must go out
      assert.ok(counters.sent >= 1 && counters.sent + counters.sendErrors >= 2, JSON.stringify(counters));
      assert.equal(counters.solicitations, 0);
    }
  });

  it('answers a Router Solicitation at once (next unsolicited RA 60 s away) and advertises a default route', async () => {
    sysctl(NS.host, `net.ipv6.conf.${IF.host}.router_solicitations`, '3');
    const slow = { initialIntervalMs: 60_000, initialPeriodMs: 0, minIntervalMs: 60_000, maxIntervalMs: 60_000 };
    const adv = startAdvertiser({ interfaces: [IF.router], routerLifetime: 600, timing: slow });
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the first, unsolicited RA goes out while the host is down
      ip('-n', NS.host, 'link', 'set', IF.host, 'up'); // the kernel now solicits (RFC 4861 §6.3.7)
      const got = await waitFor(5000, 'SLAAC address after solicitation', slaacAddress);
      console.log(`# SLAAC address ${got.ms} ms after link up (solicited)`);
      const route = await waitFor(2000, 'default route', defaultRoute);
      assert.match(route.value, /proto ra/);
    } finally {
      const counters = await adv.stop();
      assert.ok(counters.solicitations >= 1, `no solicitation seen: ${JSON.stringify(counters)}`);
      assert.deepEqual(counters.dropped, {});
    }
    // §6.2.5: closing sent a final RA with router lifetime 0, so the host drops the default route.
    await waitFor(2000, 'default route removal', () => (defaultRoute() === undefined ? 'gone' : undefined));
  });
});
