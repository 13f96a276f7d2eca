// Redfish driver against the project's HTTPS Redfish BMC emulator (self-signed cert from openssl), VM-less host:
// power, boot override, inventory, TLS verification on by default, session + Basic fallback, errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BmcTarget } from '../../src/power/capabilities.ts';
import { createDriverRegistry } from '../../src/power/driver-registry.ts';
import { createRedfishDriver } from '../../src/power/drivers/redfish/redfish-driver.ts';
import { PowerError } from '../../src/power/power-error.ts';
import { runPowerAction } from '../../src/power/power-orchestrator.ts';
import { startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';
import { qemuHost, type QemuHost } from '../../src/lab/redfish-bmc-qemu-host.ts';

const dir = mkdtempSync(join(tmpdir(), 's0t-rf-test-'));
const host = stateFileHost(join(dir, 'state.json'));
const oldHost = stateFileHost(join(dir, 'old.json'));
let bmc: RedfishBmc;
let old: RedfishBmc;
const driver = createRedfishDriver();
const call = () => ({ signal: AbortSignal.timeout(10_000) });
const target = (over: Partial<BmcTarget> = {}): BmcTarget => ({ address: '127.0.0.1', port: bmc.port, username: 'root', password: 'calvin', insecure: true, ...over });
const rejectsWith = async (p: Promise<unknown>, code: string, re: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof PowerError && e.code === code && re.test(e.message));

before(async () => {
  bmc = await startRedfishBmc({ host, username: 'root', password: 'calvin', serial: 'RF-SERIAL-42' });
  old = await startRedfishBmc({ host: oldHost, username: 'root', password: 'calvin', sessions: false });
});
after(async () => {
  await bmc?.close();
  await old?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('redfish driver', () => {
  it('power on/status/soft/reset/cycle/off map to ComputerSystem.Reset types', async () => {
    assert.equal(await driver.powerState!(target(), call()), 'off');
    await driver.setPower!(target(), 'cycle', call()); // off host: cycle = On
    assert.equal(await driver.powerState!(target(), call()), 'on');
    await driver.setPower!(target(), 'reset', call());
    await driver.setPower!(target(), 'cycle', call());
    await driver.setPower!(target(), 'soft', call());
    assert.equal(await driver.powerState!(target(), call()), 'off');
    await driver.setPower!(target(), 'on', call());
    await driver.setPower!(target(), 'off', call());
    assert.deepEqual(host.state(), { power: 'Off', actions: ['On', 'ForceRestart', 'PowerCycle', 'GracefulShutdown', 'On', 'ForceOff'] });
  });

  it('boot override: Pxe/Once/UEFI and Hdd/Continuous/Legacy (PATCH with If-Match)', async () => {
    await driver.setBootDevice!(target(), { device: 'network', persistent: false, firmware: 'uefi' }, call());
    assert.deepEqual({ ...bmc.boot }, { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' });
    await driver.setBootDevice!(target(), { device: 'disk', persistent: true, firmware: 'bios' }, call());
    assert.deepEqual({ ...bmc.boot }, { BootSourceOverrideTarget: 'Hdd', BootSourceOverrideEnabled: 'Continuous', BootSourceOverrideMode: 'Legacy' });
  });

  it('inventory from the ComputerSystem', async () => {
    assert.deepEqual(await driver.inventory!(target(), call()), { vendor: 'stage0-lab', model: 'RF-Sim', serial: 'RF-SERIAL-42' });
  });

  it('logs in with a session (X-Auth-Token) and deletes it afterwards', async () => {
    const from = bmc.log.length;
    await driver.powerState!(target(), call());
    const seen = bmc.log.slice(from);
    assert.equal(seen[0], 'POST /redfish/v1/SessionService/Sessions none');
    assert.ok(seen.slice(1, -1).every((l) => l.endsWith(' session')), seen.join('\n'));
    assert.match(seen.at(-1)!, /^DELETE \/redfish\/v1\/SessionService\/Sessions\/\d+ session$/);
  });

  it('falls back to Basic auth when the BMC has no session service', async () => {
    const from = old.log.length;
    assert.equal(await driver.powerState!(target({ port: old.port }), call()), 'off');
    assert.ok(old.log.slice(from + 1).every((l) => l.endsWith(' basic')));
    await rejectsWith(driver.powerState!(target({ port: old.port, password: 'nope' }), call()), 'auth', /authentication failed/);
  });

  it('verifies TLS by default; bmc.insecure=true or a trusted CA make it pass', async () => {
    await rejectsWith(driver.powerState!(target({ insecure: false }), call()), 'tls', /certificate not trusted.*bmc\.insecure=true/);
    assert.equal(await createRedfishDriver({ ca: bmc.cert }).powerState!(target({ insecure: false }), call()), 'off');
  });

  it('wrong password and closed port give clear errors', async () => {
    await rejectsWith(driver.powerState!(target({ password: 'wrong' }), call()), 'auth', /authentication failed/);
    await rejectsWith(driver.powerState!(target({ port: 1 }), call()), 'unreachable', /ECONNREFUSED/);
  });

  it('through the orchestrator: one result per node with what was attempted', async () => {
    const drivers = createDriverRegistry([driver]);
    const nodes = [
      { name: 'rf1', bmc: { ...target(), driver: 'redfish' } },
      { name: 'rf2', bmc: { ...target({ insecure: false }), driver: 'redfish' } },
    ];
    const res = await runPowerAction(nodes, { op: 'status' }, { drivers, timeoutMs: 5000 });
    assert.deepEqual(res.map((r) => [r.node, r.ok, r.result ?? r.errorCode, r.attempted]), [
      ['rf1', true, 'off', ['redfish']],
      ['rf2', false, 'tls', ['redfish']],
    ]);
  });
});

describe('redfish driver driving a QEMU VM through the emulator (QMP)', () => {
  let vmBmc: RedfishBmc;
  let vm: QemuHost;
  const waitFor = async (what: string, ok: () => boolean, ms = 8000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  before(async () => {
    vmBmc = await startRedfishBmc({ host: (ctx) => (vm = qemuHost(ctx.boot, ctx.bootConsumed)), username: 'root', password: 'calvin' });
  });
  after(async () => vmBmc?.close());

  it('Pxe once -> On starts QEMU with -boot once=n; ForceRestart reboots the same VM; ForceOff ends it', async () => {
    const t = target({ port: vmBmc.port });
    await driver.setBootDevice!(t, { device: 'network', persistent: false, firmware: 'bios' }, call());
    await driver.setPower!(t, 'on', call());
    const pid = vm.pid();
    assert.ok(pid);
    assert.deepEqual(vm.cmdline().slice(-2), ['-boot', 'once=n']);
    assert.equal(vmBmc.boot.BootSourceOverrideEnabled, 'Disabled', 'a Once override is used up by the boot');
    assert.equal(await driver.powerState!(t, call()), 'on');
    await waitFor('first SeaBIOS banner', () => vm.boots() >= 1);
    await driver.setPower!(t, 'reset', call());
    await waitFor('SeaBIOS banner after system_reset', () => vm.boots() >= 2);
    assert.equal(vm.pid(), pid, 'reset keeps the same QEMU process');
    await driver.setPower!(t, 'off', call());
    assert.equal(vm.pid(), undefined);
    assert.equal(await driver.powerState!(t, call()), 'off');
  });
});
