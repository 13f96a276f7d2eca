// The config `lab up` writes is accepted by stage0's own config validation, with the values the lab relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validateConfig } from '../config/load-config.ts';
import { renderLabStage0Config } from './stage0-config.ts';

for (const dhcpMode of ['authoritative', 'proxy'] as const) {
  test(`lab config (${dhcpMode}) passes stage0's validateConfig`, () => {
    const yaml = renderLabStage0Config({ dir: '/var/tmp/l/x', subnet: 7, assetsDir: '/var/tmp/l/assets', dhcpMode, ipv6RouterAdvertisements: true });
    const c = validateConfig(parse(yaml), 'lab.yaml');
    assert.equal(c.dataDir, '/var/tmp/l/x/data');
    // Plain API in the isolated lab namespace, said explicitly (docs/tls.md).
    assert.deepEqual({ ...c.api, tls: { ...c.api.tls } }, { listen: '0.0.0.0', port: 8080, tls: { mode: 'off', insecure: true } });
    assert.equal(c.boot.httpBase, 'http://10.99.7.1:8080');
    assert.equal(c.boot.default?.initrd, 'initrd.gz');
    assert.match(c.boot.default?.cmdline ?? '', /(^| )console=ttyS0( |$)/);
    assert.match(c.boot.default?.cmdline ?? '', /stage0\.callback=http:\/\/10\.99\.7\.1:8080\/boot\/callback/);
    assert.equal(c.tftp.enabled, true);
    assert.equal(c.tftp.listen, '10.99.7.1');
    assert.equal(c.dhcp.mode, dhcpMode);
    assert.deepEqual(c.dhcp.interfaces, ['br0']);
    assert.equal(c.dhcp.subnets[0]?.cidr, '10.99.7.0/24');
    assert.equal(c.dhcp.subnets[0]?.pool.length, dhcpMode === 'proxy' ? 0 : 1);
    assert.equal(c.ipv6RouterAdvertisements, true);
  });
}
