// scripts/audit.sh decides from npm audit's JSON: a fake `npm` first on PATH plays the registry's three answers
// (clean, high finding, unreachable), since the real registry may be down (the real run is the CI audit job).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../../scripts/audit.sh', import.meta.url));
const report = (v: Partial<Record<'critical' | 'high' | 'moderate' | 'low' | 'info', number>>, vulns = {}) =>
  JSON.stringify({ vulnerabilities: vulns, metadata: { vulnerabilities: { critical: 0, high: 0, moderate: 0, low: 0, info: 0, ...v } } });

describe('scripts/audit.sh', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-audit-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function run(answer: string, npmExit: number) {
    await writeFile(path.join(dir, 'answer.json'), answer);
    const fake = path.join(dir, 'npm');
    await writeFile(fake, `#!/bin/sh\n[ "$1 $2" = "audit --omit=dev" ] || { echo "unexpected npm $*" >&2; exit 9; }\ncat "${dir}/answer.json"\nexit ${npmExit}\n`);
    await chmod(fake, 0o755);
    return spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  }

  it('clean or moderate only: exit 0 with the counts', async () => {
    const r = await run(report({ moderate: 2 }), 1);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /critical 0, high 0, moderate 2/);
  });

  it('a high finding: exit 1, named', async () => {
    const r = await run(report({ high: 1 }, { fastify: { severity: 'high', range: '<5.3.2', via: [{ title: 'Content-Type bypass' }] } }), 1);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /high: fastify <5\.3\.2 \(Content-Type bypass\)/);
  });

  it('a critical finding: exit 1', async () => {
    assert.equal((await run(report({ critical: 1 }), 1)).status, 1);
  });

  it('registry unreachable: exit 2 with a message, never a pass', async () => {
    const r = await run(JSON.stringify({ message: 'request to https://registry.npmjs.org/... failed, reason: getaddrinfo EAI_AGAIN' }), 1);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /could not get an answer from the registry/);
  });
});
