import { test } from 'node:test';
import assert from 'node:assert/strict';
import { macFromConfigPath, renderGrubConfig, renderPxelinuxConfig } from './boot-config-files.ts';
import type { BootPlan } from '../http/boot-plan.ts';

test('config paths name the MAC the way pxelinux and GRUB ask for it', () => {
  assert.deepEqual(macFromConfigPath('pxelinux.cfg/01-52-54-00-12-34-56'), { loader: 'pxelinux', mac: '52:54:00:12:34:56' });
  assert.deepEqual(macFromConfigPath('/grub/grub.cfg-01-52-54-00-AB-34-56'), { loader: 'grub', mac: '52:54:00:ab:34:56' });
  assert.deepEqual(macFromConfigPath('grub.cfg-01-52-54-00-12-34-56'), { loader: 'grub', mac: '52:54:00:12:34:56' });
  for (const p of ['pxelinux.cfg/default', 'pxelinux.cfg/0A0A0A01', 'grub.cfg', 'pxelinux.cfg/01-52-54-00-12-34', '../pxelinux.cfg/01-52-54-00-12-34-56'])
    assert.equal(macFromConfigPath(p), undefined, p);
});

const kernel: BootPlan = { kind: 'kernel', spec: { kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: 'console=ttyS0' }, reason: 'test' };
const local: BootPlan = { kind: 'local', reason: 'nextboot=local' };

test('pxelinux: kernel plan boots over HTTP, local plan boots the disk', () => {
  const k = renderPxelinuxConfig(kernel, 'http://10.0.0.1:8080', '52:54:00:12:34:56');
  assert.match(k, /\n  KERNEL http:\/\/10\.0\.0\.1:8080\/boot\/m\/52:54:00:12:34:56\/assets\/vmlinuz\n/);
  assert.match(k, /\n  INITRD http:\/\/10\.0\.0\.1:8080\/boot\/m\/52:54:00:12:34:56\/assets\/initrd\.gz\n/);
  assert.match(k, /\n  APPEND console=ttyS0\n/);
  const l = renderPxelinuxConfig(local, 'http://10.0.0.1:8080', '52:54:00:12:34:56');
  assert.match(l, /LOCALBOOT 0/);
  assert.doesNotMatch(l, /KERNEL/);
});

test('grub: kernel plan uses (http,host) paths, local plan exits to firmware', () => {
  const k = renderGrubConfig(kernel, 'http://10.0.0.1:8080', '52:54:00:12:34:56');
  assert.match(k, /linux \(http,10\.0\.0\.1:8080\)\/boot\/m\/52:54:00:12:34:56\/assets\/vmlinuz console=ttyS0/);
  assert.match(k, /initrd \(http,10\.0\.0\.1:8080\)\/boot\/m\/52:54:00:12:34:56\/assets\/initrd\.gz/);
  assert.match(renderGrubConfig(local, 'http://x', '52:54:00:12:34:56'), /exit/);
});
