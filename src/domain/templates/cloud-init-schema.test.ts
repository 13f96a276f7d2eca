// The rendered cloud-init user-data passes the real `cloud-init schema` (Debian package cloud-init), and a broken one fails it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_KINDS } from './fixtures/install-fixtures.ts';
import { renderShipped } from './fixtures/render-shipped.ts';

const INSTALL_HINT = 'cloud-init is not installed: run `apt-get install -y --no-install-recommends cloud-init` (scripts/install-test-deps.sh does it)';

interface Run {
  code: number;
  out: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('cloud-init', args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error(INSTALL_HINT));
      else resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('cloud-init schema', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 's0t-cloud-init-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** 22.4 (Debian 12) spells it `cloud-init schema --config-file FILE`; older ones only had `cloud-init devel schema`. */
  async function schema(name: string, text: string): Promise<Run> {
    const file = join(dir, name);
    await writeFile(file, text);
    return run(['schema', '--config-file', file]);
  }

  it('is installed and has `schema --config-file`', async () => {
    const help = await run(['schema', '--help']);
    assert.equal(help.code, 0, help.out);
    assert.match(help.out, /--config-file/);
  });

  for (const kind of FIXTURE_KINDS) {
    it(`accepts the rendered user-data for the ${kind} node`, async () => {
      const r = await schema(`user-data-${kind}`, renderShipped('cloud-init/user-data', kind));
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Valid cloud-config/);
    });
  }

  const broken: [string, (t: string) => string][] = [
    ['a wrong type (packages as a number)', (t) => t.replace(/^packages: .*$/m, 'packages: 5')],
    ['an unknown phone_home field type', (t) => t.replace(/^ {2}tries: 10$/m, '  tries: "often"')],
    ['invalid YAML', (t) => t.replace(/^hostname: .*$/m, 'hostname: [unclosed')],
  ];
  for (const [name, breakIt] of broken) {
    it(`refuses user-data with ${name}`, async () => {
      const good = renderShipped('cloud-init/user-data', 'static');
      const bad = breakIt(good);
      assert.notEqual(bad, good, 'the mutation did not apply');
      const r = await schema(`broken-${name.replace(/\W+/g, '-')}`, bad);
      assert.notEqual(r.code, 0, r.out);
      assert.doesNotMatch(r.out, /Valid cloud-config/);
    });
  }
});
