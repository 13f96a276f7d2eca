// Bounded fuzz of the template language: random and mutated sources may fail only with a TemplateError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fixtureVars, IMAGES } from './fixtures/install-fixtures.ts';
import { readShipped } from './fixtures/render-shipped.ts';
import { SafeTemplateEngine } from './safe-template-engine.ts';
import { SHIPPED_TEMPLATES } from './shipped-templates.ts';
import { TemplateError } from './template-error.ts';

const FRAGMENTS = [
  '{{', '}}', '{%', '%}', '{#', '#}', '{{-', '-}}', '{%-', '-%}', ' if ', ' elif ', ' else ', ' endif ', ' for ', ' endfor ',
  ' in ', ' not ', ' and ', ' or ', ' is ', 'defined', 'node', '.', 'ip', 'macs', 'name', "['bmc.address']", '[', ']', '(', ')',
  '|', ' default(', ' join(', ' split(', ' upper', ' quote', ' json', ' prefixlen', ' replace(', ',', "'x'", '"y"', "'", '"',
  '\\', '1', '0', '-', '~', '==', '!=', '<', '>=', 'loop', 'loop.index', 'true', 'none', 'constructor', '__proto__', 'process',
  'x', 'm', '\n', ' ', '\t', '{', '}', '%', '#', '\r\n', 'ü', '\u0000',
];

const strict = new SafeTemplateEngine({ strict: true });
const lenient = new SafeTemplateEngine({ strict: false });
const vars = fixtureVars('static', IMAGES.rhel!) as unknown as Record<string, unknown>;
const shipped = SHIPPED_TEMPLATES.map((t) => readShipped(t.path));

/** How many calls returned and how many threw, so a fuzz run that only ever fails to parse is noticed. */
const tally = { ok: 0, error: 0 };

/** Renders and lists variables; anything thrown that is not a TemplateError fails the property. */
function exercise(source: string): void {
  for (const f of [() => strict.render(source, vars), () => lenient.render(source, vars, { onMissing: () => {} }), () => strict.variables(source)]) {
    try {
      const out = f();
      assert.ok(typeof out === 'string' || Array.isArray(out));
      tally.ok++;
    } catch (e) {
      tally.error++;
      if (!(e instanceof TemplateError)) throw new Error(`non-TemplateError for ${JSON.stringify(source)}: ${String(e)}`, { cause: e });
      assert.ok(e.line >= 1 && e.column >= 1, e.message);
    }
  }
}

const fragmentSource = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 40 }).map((a) => a.join(''));

/** A shipped template with a few random edits: deletions, insertions of language fragments, duplicated slices. */
const mutatedSource = fc
  .tuple(
    fc.integer({ min: 0, max: shipped.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...FRAGMENTS), fc.constantFrom('delete', 'insert', 'dup')), { minLength: 1, maxLength: 4 }),
  )
  .map(([which, edits]) => {
    let s = shipped[which] as string;
    for (const [at, len, frag, op] of edits) {
      const i = at % (s.length + 1);
      if (op === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (op === 'insert') s = s.slice(0, i) + frag + s.slice(i);
      else s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i);
    }
    return s;
  });

describe('template language fuzz', () => {
  it('random sources: only TemplateError', () => {
    tally.ok = tally.error = 0;
    fc.assert(fc.property(fragmentSource, exercise), { numRuns: 3000, seed: 20261123 });
    assert.ok(tally.ok > 1000 && tally.error > 1000, `both outcomes exercised: ${JSON.stringify(tally)}`);
  });

  it('mutated shipped templates: only TemplateError', () => {
    tally.ok = tally.error = 0;
    fc.assert(fc.property(mutatedSource, exercise), { numRuns: 1500, seed: 7 });
    assert.ok(tally.ok > 500 && tally.error > 500, `both outcomes exercised: ${JSON.stringify(tally)}`);
  });

  it('the unmutated shipped templates render (the mutations start from working sources)', () => {
    for (const s of shipped) assert.ok(strict.render(s, vars).length > 0);
  });
});
