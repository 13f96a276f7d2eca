// A node whose install-done arrived is never served the installer again until someone runs nodeset — across restarts.
// stage0 is stopped and started on the same data directory; only firmware/installer endpoints are fetched (they carry
// no user credentials by design); the operator's steps (node, profile, nodeset) go through the domain services.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { validateConfig } from '../../src/config/load-config.ts';
import { startStage0, type RunningStage0 } from '../../src/main.ts';
import { openStores } from '../../src/store/open-store.ts';
import { InventoryService } from '../../src/domain/services/inventory-service.ts';
import { createProvisioning, provisioningSettings } from '../../src/domain/provisioning/provisioning-services.ts';
import { directoryTemplates, SHIPPED_TEMPLATES_DIR } from '../../src/domain/provisioning/template-source.ts';
import { planBoot } from '../../src/boot/http/boot-plan.ts';

const MAC = '52:54:00:00:20:01';
const HTTP_BASE = 'http://10.0.0.1:8080';
const dirs: string[] = [];
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/** The operator's side, on the database stage0 uses (while stage0 is stopped). */
async function operator(dataDir: string, fn: (p: ReturnType<typeof createProvisioning>, inv: InventoryService) => Promise<void>): Promise<void> {
  const opened = await openStores({ kind: 'sqlite', path: path.join(dataDir, 'stage0.db') });
  try {
    const inventory = new InventoryService(opened.inventory);
    const p = createProvisioning({ store: opened.provisioning, inventory, templates: directoryTemplates([SHIPPED_TEMPLATES_DIR]), settings: provisioningSettings(undefined, { httpBase: HTTP_BASE }) }, planBoot);
    await fn(p, inventory);
  } finally {
    await opened.inventory.close();
  }
}

async function start(dataDir: string): Promise<RunningStage0> {
  const config = validateConfig({ dataDir, api: { listen: '127.0.0.1', port: 0 }, boot: { httpBase: HTTP_BASE } });
  return startStage0(config, pino({ level: 'silent' }));
}

const script = async (s: RunningStage0) => (await fetch(`${s.url}/boot.ipxe?mac=${MAC}`)).text();

test('install-done → exit to disk, also after stop + start on the same data dir; only nodeset brings the installer back', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 's0-restart-'));
  dirs.push(dataDir);
  const actor = { name: 'alice', from: 'test' };
  let s = await start(dataDir); // creates and migrates the database
  await s.close();
  await operator(dataDir, async (p, inv) => {
    await inv.addNodes('n1', { macs: [MAC] }, actor);
    await p.profiles.add({ name: 'img', kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: 'console=ttyS0' }, actor);
    await p.nodeset.nodeset('n1', 'osimage=img', { actor, cause: 'restart test' });
  });

  s = await start(dataDir);
  const first = await script(s);
  const token = /stage0\.token=([A-Za-z0-9_-]{43})/.exec(first)?.[1];
  assert.ok(token, first);
  assert.equal((await fetch(`${s.url}/api/v1/install/${token}/done`, { method: 'POST' })).status, 200);
  assert.match(await script(s), /\nexit [01]\n/);
  await s.close();

  for (let round = 0; round < 2; round++) {
    s = await start(dataDir);
    try {
      const again = await script(s);
      assert.match(again, /\nexit [01]\n/, `after restart ${round + 1}`);
      assert.doesNotMatch(again, /^kernel |stage0\.mode=install/m);
      assert.equal((await fetch(`${s.url}/api/v1/install/${token}/done`, { method: 'POST' })).status, 410);
    } finally {
      await s.close();
    }
  }

  await operator(dataDir, async (p) => { await p.nodeset.nodeset('n1', 'osimage=img', { actor, cause: 'reinstall' }); });
  s = await start(dataDir);
  try {
    assert.match(await script(s), /stage0\.mode=install stage0\.server=http:\/\/10\.0\.0\.1:8080 stage0\.token=/);
  } finally {
    await s.close();
  }
});
