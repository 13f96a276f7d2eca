// dnsmasq accepts the lab's command lines (its own --test syntax check), and they keep it inside the lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsmasqArgs, dnsmasqRaOnlyArgs, type DnsmasqOptions } from './dnsmasq-args.ts';
import { run } from './exec.ts';

const cases: [string, DnsmasqOptions][] = [
  ['addresses only (foreign server in proxy tests)', { iface: 'br0', range: ['10.99.3.50', '10.99.3.99'], leaseFile: '/tmp/l' }],
  ['baseline boot server', { iface: 'br0', range: ['10.99.3.100', '10.99.3.199'], leaseFile: '/tmp/l', boot: { tftpRoot: '/tmp', scriptUrl: 'http://10.99.3.1:8080/boot.ipxe' } }],
  ['baseline with router advertisements', { iface: 'br0', range: ['10.99.3.100', '10.99.3.199'], leaseFile: '/tmp/l', ra6Prefix: 'fd99:3::' }],
];

for (const [name, opts] of cases) {
  test(`dnsmasq --test accepts: ${name} (apt-get install dnsmasq-base if missing)`, async () => {
    const args = dnsmasqArgs(opts);
    const r = await run('dnsmasq', ['--test', ...args], { allowFail: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /syntax check OK/);
    for (const must of ['--conf-file=/dev/null', '--port=0', '--bind-interfaces', `--interface=${opts.iface}`, `--dhcp-leasefile=${opts.leaseFile}`]) {
      assert.ok(args.includes(must), must);
    }
    assert.equal(args.includes('--enable-tftp'), opts.boot !== undefined);
  });
}

test('boot decision mirrors stage0: iPXE -> HTTP script, arch 7/9 -> snponly.efi, else undionly.kpxe', () => {
  const args = dnsmasqArgs(cases[1]![1]);
  assert.ok(args.includes('--dhcp-boot=tag:ipxe,http://10.99.3.1:8080/boot.ipxe'));
  assert.ok(args.includes('--dhcp-boot=tag:!ipxe,tag:efi64,snponly.efi'));
  assert.ok(args.includes('--dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe'));
});

test('dnsmasq --test accepts the RA-only helper, which has no DHCPv4 range and no TFTP', async () => {
  const args = dnsmasqRaOnlyArgs('br0', 'fd99:3::', '/tmp/l');
  const r = await run('dnsmasq', ['--test', ...args], { allowFail: true });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!args.some((a) => /^--dhcp-range=\d/.test(a) || a === '--enable-tftp'));
});
