// Native IPMI lanplus driver against real OpenIPMI ipmi_sim BMCs (VM-less chassis), cross-checked with Debian's
// ipmitool: power, boot flags, FRU, wrong password, closed port, a BMC stopped mid-session, bulk with bounded fan-out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ChassisCmd, NETFN_CHASSIS } from '../../src/codec/ipmi/chassis-commands.ts';
import type { BmcTarget, PowerDriver } from '../../src/power/capabilities.ts';
import { createDriverRegistry } from '../../src/power/driver-registry.ts';
import { createIpmiDriver, readBootFlags } from '../../src/power/drivers/ipmi/ipmi-driver.ts';
import { IpmiSession } from '../../src/power/drivers/ipmi/ipmi-session.ts';
import { PowerError } from '../../src/power/power-error.ts';
import { runPowerAction, type PowerNode } from '../../src/power/power-orchestrator.ts';
import { ipmitool, SIM_PASS, SIM_USER, startIpmiSims, type SimBmc, type SimFarm } from './support/ipmi-sim.ts';

const ipmi = createIpmiDriver({ retryMs: 500, retries: 2 });
const call = () => ({ signal: AbortSignal.timeout(15_000) });
const target = (b: { port: number }, over: Partial<BmcTarget> = {}): BmcTarget => ({ address: '127.0.0.1', port: b.port, username: SIM_USER, password: SIM_PASS, ...over });
const node = (b: SimBmc): PowerNode => ({ name: b.name, bmc: { ...target(b), driver: 'ipmi' } });
const rejectsWith = (p: Promise<unknown>, code: string, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof PowerError && e.code === code && re.test(e.message));
const waitFor = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let farm: SimFarm;
let a: SimBmc;
let b: SimBmc;
let c: SimBmc;
before(async () => {
  farm = await startIpmiSims(3, 'fn');
  [a, b, c] = farm.bmcs as [SimBmc, SimBmc, SimBmc];
});
after(async () => farm?.stop());

describe('ipmi driver vs ipmi_sim, cross-checked with ipmitool -I lanplus -C 3', () => {
  it('status agrees with ipmitool both ways', async () => {
    assert.equal(await ipmi.powerState!(target(a), call()), 'off');
    assert.equal(ipmitool(a, ['chassis', 'power', 'status']).out, 'Chassis Power is off');
    assert.match(ipmitool(a, ['chassis', 'power', 'on']).out, /Up\/On/);
    assert.equal(await ipmi.powerState!(target(a), call()), 'on');
    await ipmi.setPower!(target(a), 'off', call());
    assert.equal(ipmitool(a, ['chassis', 'power', 'status']).out, 'Chassis Power is off');
  });

  it('on, reset, soft, off, cycle change the chassis as ipmitool then reports', async () => {
    await ipmi.setPower!(target(b), 'on', call());
    assert.equal(b.state().power, 'on');
    assert.equal(ipmitool(b, ['chassis', 'power', 'status']).out, 'Chassis Power is on');
    await ipmi.setPower!(target(b), 'reset', call());
    assert.equal(b.state().resets, 1);
    await ipmi.setPower!(target(b), 'soft', call());
    assert.deepEqual([b.state().power, b.state().soft], ['off', true]);
    await ipmi.setPower!(target(b), 'cycle', call()); // off host: cycle = power on
    assert.equal(ipmitool(b, ['chassis', 'power', 'status']).out, 'Chassis Power is on');
    await ipmi.setPower!(target(b), 'cycle', call()); // on host: ipmi_sim powers off, then on after its 1 s timer
    await waitFor('power cycle (off then on)', () => /set power 0[\s\S]*set power 1\s*$/.test(readLog(b)));
    assert.equal(await ipmi.powerState!(target(b), call()), 'on');
    await ipmi.setPower!(target(b), 'off', call());
    assert.equal(ipmitool(b, ['chassis', 'power', 'status']).out, 'Chassis Power is off');
  });

  it('boot device: PXE and disk, read back by ipmitool and by Get System Boot Options', async () => {
    await ipmi.setBootDevice!(target(c), { device: 'network', persistent: true, firmware: 'uefi' }, call());
    assert.equal(c.state().boot, 'pxe');
    assert.match(ipmitool(c, ['chassis', 'bootparam', 'get', '5']).out, /Force PXE/);
    const s = await IpmiSession.open(target(c), { signal: AbortSignal.timeout(5000) });
    try {
      assert.equal((await readBootFlags(s)).device, 'pxe');
    } finally {
      await s.close();
    }
    await ipmi.setBootDevice!(target(c), { device: 'disk', persistent: false, firmware: 'bios' }, call());
    assert.equal(c.state().boot, 'default');
    assert.match(ipmitool(c, ['chassis', 'bootparam', 'get', '5']).out, /Force Boot from default Hard-Drive/);
  });

  it('inventory (Get Device ID + FRU) matches ipmitool fru print', async () => {
    const inv = await ipmi.inventory!(target(c), call());
    assert.deepEqual(inv, { vendor: 'OpenIPMI-Lab', model: 'SimNode', serial: c.serial });
    const fru = ipmitool(c, ['fru', 'print', '0']).out;
    assert.match(fru, new RegExp(`Product Serial\\s*:\\s*${inv.serial}`));
    assert.match(fru, new RegExp(`Product Manufacturer\\s*:\\s*${inv.vendor}`));
  });

  it('wrong password and unknown user: authentication failed, without waiting for retries', async () => {
    const t0 = Date.now();
    await rejectsWith(ipmi.powerState!(target(a, { password: 'wrong' }), call()), 'auth', /^authentication failed/);
    await rejectsWith(ipmi.powerState!(target(a, { username: 'mallory' }), call()), 'auth', /^authentication failed/);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    assert.notEqual(ipmitool(a, ['chassis', 'power', 'status'], 'wrong').rc, 0, 'ipmitool refuses the same password');
  });

  it('a closed port is reported as unreachable at once', async () => {
    const dead = { port: 9 }; // discard port: nothing listens on loopback
    const t0 = Date.now();
    await rejectsWith(ipmi.powerState!(target(dead), call()), 'unreachable', /connection refused/);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('a BMC that stops answering mid-session: the next command times out, the socket is released', async () => {
    const s = await IpmiSession.open(target(a), { signal: AbortSignal.timeout(10_000), retryMs: 300, retries: 1 });
    a.pause();
    try {
      const t0 = Date.now();
      await rejectsWith(s.command(NETFN_CHASSIS, ChassisCmd.getStatus, undefined, 'Get Chassis Status'), 'timeout', /no answer from BMC 127\.0\.0\.1:\d+ to Get Chassis Status \(2 tries/);
      assert.ok(Date.now() - t0 >= 550 && Date.now() - t0 < 1500);
      await s.close();
    } finally {
      a.resume();
    }
  });

  it('orchestrator: a stopped BMC times out alone while the others finish', async () => {
    b.pause();
    try {
      const drivers = createDriverRegistry([createIpmiDriver({ retryMs: 400, retries: 10 })]);
      const t0 = Date.now();
      const res = await runPowerAction([a, b, c].map(node), { op: 'status' }, { drivers, timeoutMs: 2000 });
      assert.deepEqual(res.map((r) => [r.node, r.ok, r.errorCode ?? r.result]), [[a.name, true, 'off'], [b.name, false, 'timeout'], [c.name, true, 'off']]);
      assert.match(res[1]!.error!, /^ipmi: no answer within 2000 ms/);
      assert.ok(res[0]!.ms < 1500 && res[2]!.ms < 1500 && res[1]!.ms >= 1900 && Date.now() - t0 < 4000);
    } finally {
      b.resume();
    }
  });
});

/** The chassis_control "set" calls ipmi_sim made, one per line. */
function readLog(x: SimBmc): string {
  return readFileSync(`${x.dir}/chassis.log`, 'utf8').split('\n').filter((l) => l.startsWith('set')).join('\n');
}

describe('bulk: 24 ipmi_sim BMCs, concurrency bound 8', () => {
  let bulk: SimFarm;
  before(async () => {
    bulk = await startIpmiSims(24, 'bk');
  });
  after(async () => bulk?.stop());

  /** Wraps a driver to count calls in flight: what the orchestrator really runs at once. */
  function counting(d: PowerDriver) {
    const stats = { now: 0, max: 0 };
    const wrap = <A extends unknown[], R>(f: ((...a: A) => Promise<R>) | undefined) =>
      f &&
      (async (...args: A) => {
        stats.max = Math.max(stats.max, ++stats.now);
        try {
          return await f(...args);
        } finally {
          stats.now--;
        }
      });
    return { stats, driver: { ...d, powerState: wrap(d.powerState), setPower: wrap(d.setPower) } as PowerDriver };
  }

  it('status, on, status over all of them; max in flight = 8; ipmitool agrees', async (t) => {
    const { stats, driver } = counting(ipmi);
    const drivers = createDriverRegistry([driver]);
    const nodes = bulk.bmcs.map(node);
    const timed = async (op: 'status' | 'on') => {
      const t0 = performance.now();
      const res = await runPowerAction(nodes, { op }, { drivers, concurrency: 8, timeoutMs: 10_000 });
      return { res, ms: Math.round(performance.now() - t0) };
    };
    const s1 = await timed('status');
    assert.ok(s1.res.every((r) => r.ok && r.result === 'off'), JSON.stringify(s1.res.filter((r) => !r.ok)));
    const on = await timed('on');
    assert.ok(on.res.every((r) => r.ok && r.result === 'ok'));
    const s2 = await timed('status');
    assert.ok(s2.res.every((r) => r.ok && r.result === 'on'));
    assert.equal(stats.max, 8, 'the orchestrator runs exactly up to the bound');
    assert.ok(bulk.bmcs.every((x) => x.state().power === 'on'));
    for (const x of [bulk.bmcs[0]!, bulk.bmcs[23]!]) assert.equal(ipmitool(x, ['chassis', 'power', 'status']).out, 'Chassis Power is on');
    const line = `bulk over ${nodes.length} ipmi_sim BMCs (concurrency 8): status ${s1.ms} ms, on ${on.ms} ms, status ${s2.ms} ms; max in flight ${stats.max}`;
    t.diagnostic(line);
    console.log(line);
  });
});

describe('one ipmi_sim BMC whose chassis is a QEMU VM', () => {
  let vmFarm: SimFarm;
  let v: SimBmc;
  before(async () => {
    vmFarm = await startIpmiSims(1, 'vm', { vm: true });
    v = vmFarm.bmcs[0]!;
  });
  after(async () => vmFarm?.stop());

  it('bootdev network -> on starts QEMU PXE-first; reset reboots the same QEMU; off ends it', async () => {
    await ipmi.setBootDevice!(target(v), { device: 'network', persistent: false, firmware: 'bios' }, call());
    await ipmi.setPower!(target(v), 'on', call());
    // the pid file names the chassis script's subshell until it has exec'd QEMU
    await waitFor('QEMU to start', () => v.qemuCmdline()[0] === 'qemu-system-x86_64');
    const pid = v.qemuPid();
    assert.deepEqual(v.qemuCmdline().slice(-2), ['-boot', 'order=n']);
    assert.equal(await ipmi.powerState!(target(v), call()), 'on');
    assert.equal(ipmitool(v, ['chassis', 'power', 'status']).out, 'Chassis Power is on');
    await waitFor('firmware banner', () => v.boots() >= 1);
    const before = v.boots();
    await ipmi.setPower!(target(v), 'reset', call());
    await waitFor('firmware banner after reset', () => v.boots() > before);
    assert.equal(v.qemuPid(), pid, 'a reset keeps the QEMU process');
    await ipmi.setPower!(target(v), 'off', call());
    await waitFor('QEMU to exit', () => v.qemuPid() === undefined);
    assert.equal(ipmitool(v, ['chassis', 'power', 'status']).out, 'Chassis Power is off');
  });
});
