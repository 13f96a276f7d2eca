// The login limiter on its failure log: five failures per key per minute, sliding; and shared between controllers —
// two limiters over two connections to one SQLite file (two processes of a cluster) count the same failures.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStores } from '../store/open-store.ts';
import { LoginLimiter, MemoryLoginFailureLog } from './login-limiter.ts';

describe('login limiter', () => {
  it('allows five failures per key per window, then says when the oldest of them slides out; success forgets', async () => {
    let now = 1_000_000;
    const l = new LoginLimiter(new MemoryLoginFailureLog(), { max: 5, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 5; i++) {
      assert.equal(await l.retryAfter('ada'), 0);
      await l.fail('ada');
      now += 1000;
    }
    assert.equal(await l.retryAfter('ada'), 55, 'the first failure (at +0 s) leaves the window at +60 s; now is +5 s');
    assert.equal(await l.retryAfter('bob'), 0, 'per key');
    now += 55_000;
    assert.equal(await l.retryAfter('ada'), 0);
    await l.succeed('ada');
    await l.fail('ada');
    assert.equal(await l.retryAfter('ada'), 0, 'a success cleared the earlier failures');
  });

  it('two controllers on one database share the count: 3 failures on one and 2 on the other lock the key on both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's0t-limiter-'));
    const a = await openStores({ kind: 'sqlite', path: join(dir, 'stage0.db') });
    const b = await openStores({ kind: 'sqlite', path: join(dir, 'stage0.db') });
    try {
      const la = new LoginLimiter(a.auth.loginFailures);
      const lb = new LoginLimiter(b.auth.loginFailures);
      for (let i = 0; i < 3; i++) await la.fail('ada\n10.0.0.9');
      for (let i = 0; i < 2; i++) await lb.fail('ada\n10.0.0.9');
      assert.ok((await la.retryAfter('ada\n10.0.0.9')) > 0);
      assert.ok((await lb.retryAfter('ada\n10.0.0.9')) > 0);
      await lb.succeed('ada\n10.0.0.9');
      assert.equal(await la.retryAfter('ada\n10.0.0.9'), 0, 'a success on one clears it for both');
    } finally {
      await a.inventory.close();
      await b.inventory.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
