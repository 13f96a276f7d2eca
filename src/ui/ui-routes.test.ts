// The web UI's files on a real server: the page, its hashed bundle, caching, security headers, and no data without
// a session (the UI's files are public; the API behind them is not).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../../test/support/stage0-server.ts';

describe('web UI files', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(() => s.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers, redirect: 'manual' });

  test('/ and /ui send the browser to /ui/', async () => {
    for (const [path, code] of [['/', 302], ['/ui', 301]] as const) {
      const r = await get(path);
      assert.equal(r.status, code, path);
      assert.equal(r.headers.get('location'), '/ui/');
    }
  });

  test('the page loads a content-hashed script and stylesheet, with the API\'s CSP and no inline code', async () => {
    const r = await get('/ui/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.match(r.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const html = await r.text();
    const js = /<script type="module" src="\/ui\/(app-[\w-]{12}\.js)"><\/script>/.exec(html)?.[1];
    const css = /<link rel="stylesheet" href="\/ui\/(app-[\w-]{12}\.css)">/.exec(html)?.[1];
    assert.ok(js && css, html);
    assert.doesNotMatch(html, /<script>|<style>| style=| on\w+=/, 'no inline script, style or handler (CSP would block them)');

    const jr = await get(`/ui/${js}`);
    assert.equal(jr.status, 200);
    assert.match(jr.headers.get('content-type')!, /^text\/javascript/);
    assert.match(jr.headers.get('cache-control')!, /immutable/);
    const code = await jr.text();
    assert.ok(code.length > 2000, 'the bundle holds the views');
    assert.match(code, /\/api\/v1/);
    assert.doesNotMatch(code, /^import |\bimport\s*\(/m, 'one bundle: no module left to fetch');
    assert.doesNotMatch(code, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, 'data never becomes markup');

    const cr = await get(`/ui/${css}`);
    assert.equal(cr.status, 200);
    assert.match(cr.headers.get('content-type')!, /^text\/css/);

    // Revalidation: the same ETag answers 304 without a body.
    const again = await get(`/ui/${js}`, { 'if-none-match': jr.headers.get('etag')! });
    assert.equal(again.status, 304);
    assert.equal((await again.text()).length, 0);
  });

  test('an unknown UI file is a 404 problem; the UI files need no session, the API behind them does', async () => {
    const r = await get('/ui/app-000000000000.js');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type')!, /problem\+json/);
    const nodes = await call(s.url, 'GET', '/api/v1/nodes', undefined, { anonymous: 'true' });
    assert.equal(nodes.status, 401);
  });

  test('the UI routes are in the route table as public ui, none of them changes anything', async () => {
    const table = await call(s.url, 'GET', '/api/v1/auth/routes');
    assert.equal(table.status, 200, JSON.stringify(table.body));
    const ui = (table.body.items as Array<{ method: string; url: string; public: string | null }>).filter((r) => r.url === '/' || r.url.startsWith('/ui'));
    assert.deepEqual(ui.map((r) => `${r.method} ${r.url} ${r.public}`).sort(), ['GET / ui', 'GET /ui ui', 'GET /ui/ ui', 'GET /ui/:file ui']);
  });
});
