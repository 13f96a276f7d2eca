// stage0 serve with TFTP on: per-node pxelinux and GRUB configs come from the same boot plan as the iPXE script,
// fetched with a real TFTP client from the running controller; iPXE binaries come from the jailed directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';

import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { tftpTestGet } from '../../src/net/tftp-test-client.ts';
import { freeUdpPort } from '../support/free-udp-port.ts';

describe('TFTP-generated boot configs', () => {
  let s: TestServer;
  let dir: string;
  let port: number;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-tftpcfg-'));
    await mkdir(path.join(dir, 'ipxe'));
    await writeFile(path.join(dir, 'ipxe', 'undionly.kpxe'), Buffer.alloc(70_000, 7));
    port = await freeUdpPort();
    s = await startTestServer('sqlite', {
      tftp: { enabled: true, listen: '127.0.0.1', port },
      boot: { httpBase: 'http://10.0.0.1:8080', ipxeDir: path.join(dir, 'ipxe'), default: { kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: 'console=ttyS0' } },
    });
    const api = (m: string, p: string, b?: unknown) => call(s.url, m, `/api/v1${p}`, b);
    assert.equal((await api('POST', '/nodes', { name: 'n1', macs: ['52:54:00:00:00:01'], attrs: { 'boot.kernel': 'rhel9/vmlinuz', 'boot.cmdline': 'inst.ks=http://x/ks' } })).status, 201);
    assert.equal((await api('POST', '/nodes', { name: 'n2', macs: ['52:54:00:00:00:02'], attrs: { nextboot: 'local' } })).status, 201);
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('pxelinux config for a node follows its boot.kernel', async () => {
    const r = await tftpTestGet(port, 'pxelinux.cfg/01-52-54-00-00-00-01');
    assert.equal(r.error, undefined);
    const text = r.data.toString();
    assert.match(text, /KERNEL http:\/\/10\.0\.0\.1:8080\/boot\/m\/52:54:00:00:00:01\/assets\/rhel9\/vmlinuz/);
    assert.match(text, /APPEND inst\.ks=http:\/\/x\/ks/);
  });

  test('a node whose next boot is local gets LOCALBOOT from pxelinux and exit from GRUB', async () => {
    assert.match((await tftpTestGet(port, 'pxelinux.cfg/01-52-54-00-00-00-02')).data.toString(), /LOCALBOOT 0/);
    assert.match((await tftpTestGet(port, 'grub.cfg-01-52-54-00-00-00-02')).data.toString(), /\n  exit\n/);
  });

  test('an unknown MAC gets the default (discovery) entry', async () => {
    assert.match((await tftpTestGet(port, 'grub.cfg-01-52-54-00-ff-ff-ff')).data.toString(), /linux \(http,10\.0\.0\.1:8080\)\/boot\/m\/52:54:00:ff:ff:ff\/assets\/vmlinuz console=ttyS0/);
  });

  test('iPXE binaries come from the directory, with blksize negotiated; traversal is refused', async () => {
    const r = await tftpTestGet(port, 'undionly.kpxe', { options: [['blksize', '1468'], ['tsize', '0']] });
    assert.equal(r.data.length, 70_000);
    assert.equal(r.oack?.get('tsize'), '70000');
    const bad = await tftpTestGet(port, '../../etc/passwd');
    assert.equal(bad.error?.code, 2);
  });

  test('transfers land on the event log', async () => {
    await new Promise((r) => setTimeout(r, 200)); // events are batched
    const ev = await call(s.url, 'GET', '/api/v1/events?kind=tftp.transfer');
    const paths = (ev.body.items as { details: { path: string; outcome: string } }[]).map((e) => `${e.details.path}:${e.details.outcome}`);
    assert.ok(paths.includes('undionly.kpxe:complete'), paths.join(' '));
  });
});
