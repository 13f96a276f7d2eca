// Per-node secrets on a real stage0: node A's install token never yields node B's configuration or rendered template,
// whatever A adds to the request (query, headers, template names, encoded path tricks), and A's attempts do not
// spend or disturb B's token. Installer endpoints carry no user credentials by design, so they are fetched directly.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';

const A = { name: 'na01', mac: '52:54:00:00:a0:01', secret: 'SECRET-OF-A-7f3c' };
const B = { name: 'nb01', mac: '52:54:00:00:b0:01', secret: 'SECRET-OF-B-91d2' };
const TOKEN = /stage0\.token=([A-Za-z0-9_-]{43})/;

/** Raw GET: the path goes on the wire as written (fetch would resolve dot segments first). */
function rawGet(base: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("node A's token cannot read node B's secrets", () => {
  let s: TestServer;
  let tpl: string;
  let tokenA: string;
  let tokenB: string;
  const api = (m: string, p: string, b?: unknown) => call(s.url, m, `/api/v1${p}`, b);

  before(async () => {
    tpl = await mkdtemp(path.join(tmpdir(), 's0-secrets-'));
    await mkdir(path.join(tpl, 'site'));
    await writeFile(path.join(tpl, 'site', 'node.ks'), 'node={{ node.name }}\nsecret={{ node.secret }}\nmac={{ node.mac }}\n');
    await writeFile(path.join(tpl, 'site', 'other.ks'), 'other {{ node.name }} {{ node.secret }}\n');
    s = await startTestServer('sqlite', {
      boot: { httpBase: 'http://10.0.0.1:8080', default: { kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: '' } },
      provisioning: { templatesDir: tpl },
    });
    assert.equal((await api('POST', '/profiles', { name: 'p', kernel: 'k/vmlinuz', cmdline: 'inst.ks={{ callback }}/template', template: 'site/node.ks' })).status, 201);
    for (const n of [A, B]) {
      assert.equal((await api('POST', '/nodes', { name: n.name, macs: [n.mac], attrs: { osimage: 'p', secret: n.secret } })).status, 201);
      assert.equal((await api('POST', '/nodeset', { noderange: n.name, target: 'osimage' })).status, 200);
    }
    tokenA = TOKEN.exec(await (await fetch(`${s.url}/boot.ipxe?mac=${A.mac}`)).text())![1]!;
    tokenB = TOKEN.exec(await (await fetch(`${s.url}/boot.ipxe?mac=${B.mac}`)).text())![1]!;
    assert.notEqual(tokenA, tokenB);
  });
  after(async () => {
    await s?.stop();
    await rm(tpl, { recursive: true, force: true });
  });

  /** B's data in an answer is a leak unless the request itself carried it (an error message quoting the request). */
  const noB = (body: string, what: string, request = '') => {
    for (const [label, value] of [['secret', B.secret], ['name', B.name], ['MAC', B.mac], ['token', tokenB]] as const) {
      assert.ok(!body.includes(value) || request.includes(value), `${what}: B's ${label} leaked: ${body.slice(0, 200)}`);
    }
  };

  it("A's token gives A's config and template, nothing of B", async () => {
    const cfg = await rawGet(s.url, `/api/v1/install/${tokenA}/config`);
    assert.equal(cfg.status, 200);
    assert.match(cfg.body, new RegExp(`^NODE='${A.name}'$`, 'm'));
    noB(cfg.body, 'config');
    const t = await rawGet(s.url, `/api/v1/install/${tokenA}/template`);
    assert.equal(t.status, 200);
    assert.match(t.body, new RegExp(`secret=${A.secret}`));
    noB(t.body, 'template');
  });

  // Everything a curious node might add to its own token's requests to reach another node.
  const attempts = (a: string, b: string): [string, Record<string, string>?][] => [
    [`/api/v1/install/${a}/config?node=${B.name}`],
    [`/api/v1/install/${a}/config?mac=${B.mac}`],
    [`/api/v1/install/${a}/config?token=${b}`],
    [`/api/v1/install/${a}/config`, { 'x-stage0-node': B.name, 'x-forwarded-for': '10.0.0.99', 'x-stage0-actor': 'admin' }],
    [`/api/v1/install/${a}/template?node=${B.name}`],
    [`/api/v1/install/${a}/template/site/other.ks`],
    [`/api/v1/install/${a}/template/site/other.ks?node=${B.name}`],
    [`/api/v1/install/${a}/template/../../${b}/config`],
    [`/api/v1/install/${a}/template/..%2f..%2f${b}%2fconfig`],
    [`/api/v1/install/${a}/template/%2e%2e/%2e%2e/${b}/template`],
    [`/api/v1/install/${a}/template/../../../../etc/passwd`],
    [`/api/v1/install/${a}%2f..%2f${b}/config`],
    [`/api/v1/install/${a}/../${b}/config`],
    [`/api/v1/install/${a};${b}/config`],
    [`/api/v1/install/${a},${b}/config`],
    [`/api/v1/install/${b.slice(0, 42)}/config`], // a near miss of B's token
    [`/api/v1/install/${b.toLowerCase() === b ? b.toUpperCase() : b.toLowerCase()}/config`],
    [`/api/v1/install/${a}${b}/config`],
    [`/boot.ipxe?mac=${A.mac}&mac=${B.mac}`],
  ];

  it('no variation of a request with A\'s token reaches B', async () => {
    for (const [p, headers] of attempts(tokenA, tokenB)) {
      const r = await rawGet(s.url, p, headers);
      assert.ok(r.status === 200 || r.status >= 400, `${p}: ${r.status}`);
      noB(r.body, p, p + JSON.stringify(headers ?? {}));
      assert.ok(!r.body.includes('root:'), `${p}: /etc/passwd`);
    }
  });

  it("B's token is untouched by A's attempts: B still gets its own config, and only its own", async () => {
    const cfg = await rawGet(s.url, `/api/v1/install/${tokenB}/config`);
    assert.equal(cfg.status, 200);
    assert.match(cfg.body, new RegExp(`^NODE='${B.name}'$`, 'm'));
    assert.ok(!cfg.body.includes(A.secret) && !cfg.body.includes(A.name));
  });

  it('an unknown token gets 404 and says nothing about any node', async () => {
    const r = await rawGet(s.url, `/api/v1/install/${'x'.repeat(43)}/config`);
    assert.equal(r.status, 404);
    for (const n of [A, B]) assert.ok(!r.body.includes(n.name) && !r.body.includes(n.secret));
  });

  it('the rendered secrets are not in any event or node listing an installer could read without a token', async () => {
    const boot = await rawGet(s.url, `/boot.ipxe?mac=${B.mac}`);
    assert.ok(!boot.body.includes(B.secret), 'the iPXE script carries the token, not the rendered secrets');
  });
});
