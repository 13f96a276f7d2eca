// Module dependency parsing from a .ko's .modinfo strings (what modinfo -F depends prints, without kmod).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleDepends } from './kernel-package.ts';

const modinfo = (...kv: string[]) => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(kv.join('\0') + '\0', 'latin1'), Buffer.alloc(8)]);

test('moduleDepends reads the depends= entry', () => {
  const cases: [Buffer, string[]][] = [
    [modinfo('license=GPL', 'depends=net_failover,virtio,virtio_ring', 'retpoline=Y'), ['net_failover', 'virtio', 'virtio_ring']],
    [modinfo('license=GPL', 'depends=', 'intree=Y'), []],
    [modinfo('license=GPL', 'name=e1000'), []],
    [modinfo('depends=failover'), ['failover']],
  ];
  for (const [ko, want] of cases) assert.deepEqual(moduleDepends(ko), want);
});
