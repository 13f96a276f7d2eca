// Boot settings: the provisioning environment is the default boot for unknown machines unless boot.default says otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../config/load-config.ts';
import { bootSettings, provisionEnvSpec } from './boot-settings.ts';

const cfg = (boot: Record<string, unknown>) => validateConfig({ boot, api: { listen: '10.0.0.1', port: 8080 } });

test('without boot.default, unknown machines boot the provisioning environment in discover mode', () => {
  const s = bootSettings(cfg({ assetsDir: '/srv/assets', httpBase: 'http://10.0.0.1:8080' }));
  assert.deepEqual(s.provisionEnv, { kernel: 'stage0-env/vmlinuz', initrd: 'stage0-env/initrd.gz', cmdline: 'console=tty0 console=ttyS0,115200 panic=30 stage0.server=http://10.0.0.1:8080' });
  assert.equal(s.fallback?.kernel, 'stage0-env/vmlinuz');
  assert.equal(s.fallback?.initrd, 'stage0-env/initrd.gz');
  assert.match(s.fallback!.cmdline, / stage0\.server=http:\/\/10\.0\.0\.1:8080 stage0\.mode=discover$/);
});

test('boot.default wins; no assetsDir means no environment and no fallback', () => {
  const s = bootSettings(cfg({ assetsDir: '/srv/assets', default: { kernel: 'k', cmdline: 'x=1' } }));
  assert.deepEqual(s.fallback, { kernel: 'k', cmdline: 'x=1' });
  assert.ok(s.provisionEnv, 'the environment stays available for shell/rescue/discover states');
  const none = bootSettings(cfg({}));
  assert.equal(none.provisionEnv, undefined);
  assert.equal(none.fallback, undefined);
});

test('provisionEnvSpec adds mode and token; a token that is not URL-safe is refused', () => {
  const env = bootSettings(cfg({ assetsDir: '/a', httpBase: 'http://h:1' })).provisionEnv!;
  assert.match(provisionEnvSpec(env, 'install', 'abc-123_X').cmdline, / stage0\.mode=install stage0\.token=abc-123_X$/);
  assert.match(provisionEnvSpec(env, 'rescue').cmdline, / stage0\.mode=rescue$/);
  for (const bad of ['a b', 'x;reboot', '', 'é']) assert.throws(() => provisionEnvSpec(env, 'install', bad), /URL-safe/);
});
