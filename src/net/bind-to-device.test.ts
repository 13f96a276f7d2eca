// The SO_BINDTODEVICE addon: a clear build hint when missing; real setsockopt errors otherwise.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { bindSocketToDevice, loadNativeNet, NATIVE_ADDON_PATH } from './bind-to-device.ts';

describe('bind-to-device', () => {
  // Build it like an operator would (about a second) rather than fail on a fresh clone.
  before(() => {
    if (!existsSync(NATIVE_ADDON_PATH)) execFileSync('npm', ['run', 'build'], { cwd: fileURLToPath(new URL('../../native', import.meta.url)), stdio: 'ignore' });
  });

  it('says how to build the addon when it is missing', () => {
    assert.throws(() => loadNativeNet('/nonexistent/stage0_net.node'), /missing or unloadable at \/nonexistent\/stage0_net.node; build it with: npm run postinstall/);
  });

  it('refuses an unbound socket and names the interface on kernel errors', async () => {
    const native = loadNativeNet();
    const s = dgram.createSocket('udp4');
    try {
      assert.throws(() => bindSocketToDevice(s, 'lo', native), /bind it first/);
      s.bind(0, '127.0.0.1');
      await once(s, 'listening');
      assert.throws(() => bindSocketToDevice(s, 's0t-no-such0', native), /interface s0t-no-such0: .*No such device/);
      assert.throws(() => native.bindToDevice(-1, 'lo'), TypeError);
    } finally {
      s.close();
    }
  });
});
