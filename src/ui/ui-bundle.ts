// The web UI as files in memory: the browser code bundled by esbuild (from src/ui/browser) and the page that loads it.
// Built once per process on first use; names carry a content hash so browsers cache them for good.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface UiAsset {
  body: Buffer;
  type: string;
  /** Content-hashed names never change content: cache forever. The page itself is always revalidated. */
  immutable: boolean;
  etag: string;
}

export interface UiBundle {
  /** The page: every path of the UI answers it (hash routes live in the browser). */
  page: UiAsset;
  /** By file name under /ui/. */
  assets: ReadonlyMap<string, UiAsset>;
}

const BROWSER_DIR = fileURLToPath(new URL('./browser/', import.meta.url));

export async function buildUiBundle(): Promise<UiBundle> {
  const out = await build({
    entryPoints: [`${BROWSER_DIR}main.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const js = Buffer.from(out.outputFiles[0]!.contents);
  const css = await readFile(`${BROWSER_DIR}style.css`);
  const jsName = `app-${hash(js).slice(0, 12)}.js`;
  const cssName = `app-${hash(css).slice(0, 12)}.css`;
  const assets = new Map<string, UiAsset>([
    [jsName, asset(js, 'text/javascript; charset=utf-8', true)],
    [cssName, asset(css, 'text/css; charset=utf-8', true)],
  ]);
  // No inline script or style: the API's CSP (default-src 'self') holds for the UI too.
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stage0</title>
<link rel="stylesheet" href="/ui/${cssName}">
<script type="module" src="/ui/${jsName}"></script>
</head>
<body><noscript>The stage0 web UI needs JavaScript; the CLI (stage0 --help) and the API (/api/v1/openapi.json) do not.</noscript><div id="app"></div></body>
</html>
`;
  return { page: asset(Buffer.from(html), 'text/html; charset=utf-8', false), assets };
}

function asset(body: Buffer, type: string, immutable: boolean): UiAsset {
  return { body, type, immutable, etag: `"${hash(body).slice(0, 27)}"` };
}

const hash = (b: Buffer): string => createHash('sha256').update(b).digest('base64url');
