// The outer-store-inside-a-transaction guard: on under node --test and with STAGE0_TX_GUARD=1, off in production
// (it costs every promise a hook). Decided per process from its environment, so checked in child processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('./kysely-inventory-store.ts', import.meta.url));

function guardIn(env: Record<string, string | undefined>): string {
  const { NODE_TEST_CONTEXT: _ignored, STAGE0_TX_GUARD: _also, ...rest } = process.env;
  const clean = Object.fromEntries(Object.entries({ ...rest, ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(MODULE)}); console.log(m.TRANSACTION_GUARD);`], { env: clean, encoding: 'utf8' }).trim();
}

describe('transaction guard switch', () => {
  it('is on under node --test, off in a plain process (production), and follows STAGE0_TX_GUARD', () => {
    assert.equal(process.env.NODE_TEST_CONTEXT !== undefined, true, 'this file runs under node --test');
    assert.equal(guardIn({ NODE_TEST_CONTEXT: 'child-v8' }), 'true');
    assert.equal(guardIn({}), 'false');
    assert.equal(guardIn({ STAGE0_TX_GUARD: '1' }), 'true');
    assert.equal(guardIn({ NODE_TEST_CONTEXT: 'child-v8', STAGE0_TX_GUARD: '0' }), 'false');
  });
});
