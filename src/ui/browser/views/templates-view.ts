// Installer templates: the list (operator directory first, then the shipped ones), what one renders to for a node
// (exactly what its installer would get, with a placeholder token), and a lint over a noderange that names every
// undefined variable with its node and line — before any machine boots into a broken kickstart.
import { api, apiText, describe, qs } from '../api.ts';
import { fill, h } from '../dom.ts';
import { section } from './section.ts';

interface LintResult {
  checked: number;
  skipped: { node: string; reason: string }[];
  problems: { node: string; template: string; problems: { variable: string | null; line: number; message: string }[] }[];
}

export async function templatesView(params: URLSearchParams): Promise<HTMLElement> {
  let names: string[] = [];
  const list = await section('templates', 'Templates', async () => {
    names = (await api<{ items: string[] }>('GET', '/templates')).items;
    return h('ul', { class: 'mono' }, names.length ? names.map((n) => h('li', { 'data-template': n }, n)) : h('li', { class: 'muted' }, 'none'));
  });

  const node = h('input', { id: 'preview-node', placeholder: 'node', 'aria-label': 'node', value: params.get('node') ?? '' });
  const template = h('select', { id: 'preview-template', 'aria-label': 'template' },
    h('option', { value: '' }, "the node's profile template"), ...names.map((n) => h('option', { value: n }, n)));
  const output = h('div', { id: 'preview-output' });
  const preview = () => {
    const q = qs({ node: node.value.trim(), template: template.value || undefined });
    fill(output, h('p', { class: 'muted' }, 'Rendering…'));
    apiText(`/templates/render${q}`).then(({ text, headers }) =>
      fill(output, h('p', { id: 'preview-used', class: 'muted' }, `${headers.get('x-stage0-template') ?? 'template'} for ${node.value.trim()}:`), h('pre', { id: 'preview-text' }, text)),
    (err: unknown) => fill(output, h('p', { class: 'error', role: 'alert' }, describe(err))));
  };
  const previewForm = h('form', { id: 'preview' }, node, template, h('button', { type: 'submit' }, 'Preview'));
  previewForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    preview();
  });

  const range = h('input', { id: 'lint-range', placeholder: 'noderange, e.g. rack1 or n[01-40]', 'aria-label': 'noderange' });
  const lintOut = h('div', { id: 'lint-output' });
  const lintForm = h('form', { id: 'lint' }, range, h('button', { type: 'submit' }, 'Lint'));
  lintForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    fill(lintOut, h('p', { class: 'muted' }, 'Checking…'));
    api<LintResult>('POST', '/templates/lint', { noderange: range.value.trim() }).then((r) => {
      const rows = r.problems.flatMap((p) => p.problems.map((x) => h('tr', { 'data-node': p.node },
        h('td', {}, p.node), h('td', { class: 'mono' }, p.template), h('td', {}, x.line), h('td', { class: 'mono' }, x.variable ?? ''), h('td', {}, x.message))));
      fill(lintOut,
        h('p', { id: 'lint-summary', class: rows.length ? 'error' : 'ok' }, `${r.checked} node(s) checked, ${rows.length} problem(s)${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}`),
        rows.length ? h('table', {}, h('thead', {}, h('tr', {}, ...['Node', 'Template', 'Line', 'Variable', 'Problem'].map((c) => h('th', {}, c)))), h('tbody', {}, rows)) : null,
        r.skipped.length ? h('ul', { class: 'muted' }, r.skipped.map((s) => h('li', {}, `${s.node}: ${s.reason}`))) : null);
    }, (err: unknown) => fill(lintOut, h('p', { class: 'error', role: 'alert' }, describe(err))));
  });

  const view = h('div', {}, h('h1', {}, 'Templates'), list,
    h('section', {}, h('h2', {}, 'Preview for a node'), previewForm, output),
    h('section', {}, h('h2', {}, 'Lint a noderange'), lintForm, lintOut));
  if (node.value) preview(); // #/templates?node=n01 (the node page links here)
  return view;
}
