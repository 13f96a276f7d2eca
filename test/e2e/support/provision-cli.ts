// The stage0 CLI run inside a provisioning lab's namespace, as an operator would, with a token of the lab's administrator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNetns } from '../../../src/lab/exec.ts';
import { REPO_ROOT } from '../../../src/lab/lab-servers.ts';
import type { ProvisionLab } from './provision-lab.ts';

const tokens = new WeakMap<ProvisionLab, string>();

async function adminToken(lab: ProvisionLab): Promise<string> {
  const known = tokens.get(lab);
  if (known) return known;
  const password = readFileSync(join(lab.state.dir, 'data', 'initial-admin-password'), 'utf8').trim();
  const login = await lab.api('POST', '/api/v1/auth/login', { user: 'admin', password, tokenName: 'e2e cli' });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  tokens.set(lab, login.body.token as string);
  return login.body.token as string;
}

/** `stage0 --url <lab server> ARGS…`; never throws on a non-zero exit (the caller asserts it). */
export async function stage0Cli(lab: ProvisionLab, args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const token = await adminToken(lab);
  return runInNetns(lab.state.netns, 'env', [`STAGE0_TOKEN=${token}`, join(REPO_ROOT, 'bin/stage0'), '--url', lab.state.serverUrl, ...args], { allowFail: true, timeoutMs });
}

/** `stage0 image add NAME FILE --json`. */
export async function cliImageAdd(lab: ProvisionLab, name: string, file: string): Promise<{ sha256: string; size: number; format: string }> {
  const r = await stage0Cli(lab, ['image', 'add', name, file, '--json']);
  assert.equal(r.code, 0, `stage0 image add: ${r.stderr}`);
  return JSON.parse(r.stdout) as { sha256: string; size: number; format: string };
}
