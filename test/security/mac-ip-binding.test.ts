// A running stage0 serves a MAC's boot script (HTTP) and generated boot config (TFTP) — both carry that node's install
// token when it installs — only to the address that MAC holds when it knows it: here B's MAC holds a DHCP lease on
// 10.0.0.66, so the test client on 127.0.0.1 is refused B's and still gets A's (no lease: nothing known, allowed).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tftpTestGet } from '../../src/net/tftp-test-client.ts';
import { openStores } from '../../src/store/open-store.ts';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { freeUdpPort } from '../support/free-udp-port.ts';

const A = { name: 'na', mac: '52:54:00:00:c0:01' };
const B = { name: 'nb', mac: '52:54:00:00:c0:02' };
const pxeName = (mac: string) => `pxelinux.cfg/01-${mac.replace(/:/g, '-')}`;

describe('boot script and generated configs only for the address a MAC holds', () => {
  let s: TestServer;
  let tftpPort: number;
  before(async () => {
    tftpPort = await freeUdpPort();
    // B's lease, written as the DHCP service would, in the database the server then opens (it reads leases at start).
    const seedLease = async (dataDir: string) => {
      const { inventory, leases } = await openStores({ kind: 'sqlite', path: path.join(dataDir, 'stage0.db') });
      try {
        await leases.bind({ ip: '10.0.0.66', mac: B.mac, subnet: '10.0.0.0/24', expiresAt: Date.now() + 3_600_000, node: B.name }, Date.now());
      } finally {
        await inventory.close();
      }
    };
    s = await startTestServer('sqlite', {
      boot: { httpBase: 'http://10.0.0.1:8080', default: { kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: 'console=ttyS0' } },
      tftp: { enabled: true, listen: '127.0.0.1', port: tftpPort },
      // DHCP off, but its subnets are where the guard looks for leases.
      dhcp: { mode: 'off', subnets: [{ cidr: '10.0.0.0/24' }] },
    }, seedLease);
    for (const n of [A, B]) assert.equal((await call(s.url, 'POST', '/api/v1/nodes', { name: n.name, macs: [n.mac] })).status, 201);
  });
  after(() => s?.stop());

  it('HTTP: A (nothing known) gets its script; B (leased on 10.0.0.66) is refused to 127.0.0.1', async () => {
    const a = await fetch(`${s.url}/boot.ipxe?mac=${A.mac}`);
    assert.equal(a.status, 200);
    assert.match(await a.text(), /^#!ipxe/);
    const b = await fetch(`${s.url}/boot.ipxe?mac=${B.mac}`);
    assert.equal(b.status, 403);
    assert.match(await b.text(), /mac-leased-elsewhere/);
  });

  it('TFTP: same decision for the generated pxelinux config', async () => {
    const a = await tftpTestGet(tftpPort, pxeName(A.mac));
    assert.equal(a.error, undefined);
    assert.match(a.data.toString(), /generated for 52:54:00:00:c0:01/);
    const b = await tftpTestGet(tftpPort, pxeName(B.mac));
    assert.equal(b.error?.code, 2, JSON.stringify(b.error));
    assert.equal(b.data.length, 0);
  });

  it('the refusal is on the timeline with the reason and the client', async () => {
    const r = await call(s.url, 'GET', '/api/v1/events?kind=http.refused');
    const e = (r.body.items as { details: Record<string, unknown> }[]).find((x) => x.details.mac === B.mac);
    assert.equal(e?.details.reason, 'mac-leased-elsewhere');
    assert.equal(e?.details.from, '127.0.0.1');
  });
});
