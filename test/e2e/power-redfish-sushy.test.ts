// Redfish conformance: Debian's python3-sushy (a real Redfish client, OpenStack Ironic's) against the project's
// HTTPS Redfish BMC emulator; and the stage0 driver and sushy reading each other's changes.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRedfishDriver } from '../../src/power/drivers/redfish/redfish-driver.ts';
import { startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';

/** Debian's interpreter: python3-sushy lives in its dist-packages (a pyenv python3 earlier in PATH would miss it). */
const PY = '/usr/bin/python3';
const SCRIPT = String.raw`
import json, sys, warnings
warnings.filterwarnings('ignore')
import sushy
base, user, pw, mode, ca = sys.argv[1:6]
def enum(new, name, old):
    e = getattr(sushy, new, None)
    return getattr(e, name) if e is not None else getattr(sushy, old)
val = lambda v: str(getattr(v, 'value', v)).lower()  # sushy >= 4 enums carry Redfish strings; compare lower-case
root = sushy.Sushy(base, username=user, password=pw, verify=ca)
system = root.get_system('/redfish/v1/Systems/1')
if mode == 'act':
    system.reset_system(enum('ResetType', 'ON', 'RESET_ON'))
    system.set_system_boot_options(target=enum('BootSource', 'PXE', 'BOOT_SOURCE_TARGET_PXE'),
                                   enabled=enum('BootSourceOverrideEnabled', 'CONTINUOUS', 'BOOT_SOURCE_ENABLED_CONTINUOUS'),
                                   mode=enum('BootSourceOverrideMode', 'UEFI', 'BOOT_SOURCE_MODE_UEFI'))
    system.refresh()
print(json.dumps({'power': val(system.power_state), 'boot': {'target': val(system.boot.target), 'enabled': val(system.boot.enabled), 'mode': val(system.boot.mode)},
                  'serial': system.serial_number, 'resets': sorted(val(v) for v in system.get_allowed_reset_system_values())}))
`;

const dir = mkdtempSync(join(tmpdir(), 's0t-sushy-'));
const host = stateFileHost(join(dir, 'state.json'));
let bmc: RedfishBmc;
/** sushy verifies the emulator's self-signed certificate against this file. */
const caFile = join(dir, 'bmc-ca.pem');
/** requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify`: not for this child. */
const { REQUESTS_CA_BUNDLE: _r, CURL_CA_BUNDLE: _c, ...childEnv } = process.env;

interface SushyView { power: string; boot: { target: string; enabled: string; mode: string }; serial: string; resets: string[] }

/** Asynchronous on purpose: the emulator answers from this same event loop, which a *Sync child would block. */
function sushy(mode: 'read' | 'act'): Promise<SushyView> {
  return new Promise((resolve, reject) => {
    execFile(PY, ['-c', SCRIPT, `https://127.0.0.1:${bmc.port}`, 'root', 'calvin', mode, caFile], { encoding: 'utf8', timeout: 60_000, env: childEnv }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sushy ${mode} failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as SushyView);
    });
  });
}

before(async () => {
  if (spawnSync(PY, ['-c', 'import sushy']).status !== 0) {
    throw new Error('python3-sushy is missing: apt-get install -y --no-install-recommends python3-sushy (or run scripts/install-test-deps.sh)');
  }
  bmc = await startRedfishBmc({ host, username: 'root', password: 'calvin', serial: 'RF-SUSHY-1' });
  writeFileSync(caFile, bmc.cert);
});
after(async () => {
  await bmc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sushy vs the Redfish emulator', () => {
  it('sushy logs in with a session, reads the system, resets it and sets boot options', async () => {
    const before = await sushy('read');
    assert.deepEqual(before.power, 'off');
    assert.equal(before.serial, 'RF-SUSHY-1');
    assert.ok(before.resets.includes('on') && before.resets.includes('forcerestart'), before.resets.join());
    const from = bmc.log.length;
    const after = await sushy('act');
    assert.deepEqual([after.power, after.boot], ['on', { target: 'pxe', enabled: 'continuous', mode: 'uefi' }]);
    assert.deepEqual(host.state().actions, ['On']);
    const seen = bmc.log.slice(from);
    assert.ok(seen.includes('POST /redfish/v1/SessionService/Sessions none'), seen.join('\n'));
    assert.ok(seen.some((l) => l === 'PATCH /redfish/v1/Systems/1 session'), seen.join('\n'));
  });

  it('the stage0 driver and sushy see each other\'s changes', async () => {
    const driver = createRedfishDriver({ ca: bmc.cert });
    const t = { address: '127.0.0.1', port: bmc.port, username: 'root', password: 'calvin' };
    const call = () => ({ signal: AbortSignal.timeout(10_000) });
    assert.equal(await driver.powerState!(t, call()), 'on'); // set by sushy above
    await driver.setBootDevice!(t, { device: 'disk', persistent: false, firmware: 'bios' }, call());
    await driver.setPower!(t, 'off', call());
    const seen = await sushy('read');
    assert.deepEqual([seen.power, seen.boot], ['off', { target: 'hdd', enabled: 'once', mode: 'legacy' }]);
  });
});
