// powerNodeFromAttrs: effective bmc.* attributes -> PowerNode, sealed password opened, bad cases as reasons.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { powerNodeFromAttrs } from './power-node.ts';
import { createSecretBox } from './secret-box.ts';

const box = createSecretBox(Buffer.alloc(32, 3));

it('maps attributes and opens the sealed password', () => {
  const attrs = { 'bmc.driver': 'redfish', 'bmc.address': '10.0.0.9', 'bmc.port': 8443, 'bmc.username': 'root', 'bmc.password': box.seal('calvin'), 'bmc.insecure': 'true' };
  assert.deepEqual(powerNodeFromAttrs('n1', attrs, box), {
    name: 'n1', bmc: { address: '10.0.0.9', username: 'root', password: 'calvin', port: 8443, driver: 'redfish', insecure: true },
  });
  assert.deepEqual(powerNodeFromAttrs('n2', { 'bmc.address': 'n2-bmc', 'bmc.username': 'admin', 'bmc.password': 'plain' }, box), {
    name: 'n2', bmc: { address: 'n2-bmc', username: 'admin', password: 'plain' },
  });
});

it('gives reasons instead of nodes it cannot power', () => {
  assert.equal(powerNodeFromAttrs('n3', { 'bmc.username': 'x' }, box), 'n3: bmc.address is not set');
  const other = createSecretBox(Buffer.alloc(32, 4)).seal('pw');
  assert.match(powerNodeFromAttrs('n4', { 'bmc.address': 'a', 'bmc.password': other }, box) as string, /^n4: bmc.password .*wrong key/);
});
