import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyBytes, freshBytes } from './fresh-bytes.ts';

test('pieces are zeroed, of the asked length, and never share a byte, across slab boundaries', () => {
  const pieces: Uint8Array[] = [];
  // 300-byte packets: a 64 KiB slab holds 215 of them, so 1,000 cross four slab boundaries.
  for (let i = 0; i < 1000; i++) {
    const p = freshBytes(300);
    assert.equal(p.length, 300);
    assert.ok(p.every((b) => b === 0), `piece ${i} not zeroed`);
    p.fill((i % 255) + 1);
    pieces.push(p);
  }
  // Had two pieces overlapped, the later fill would show in the earlier one.
  pieces.forEach((p, i) => assert.ok(p.every((b) => b === (i % 255) + 1), `piece ${i} overwritten`));
});

test('a large request gets an array of its own; the copy is private', () => {
  const big = freshBytes(10_000);
  assert.equal(big.length, 10_000);
  assert.equal(big.byteOffset, 0);
  assert.equal(big.buffer.byteLength, 10_000);
  const source = Buffer.from('a datagram in a receive buffer the listener will reuse');
  const copy = copyBytes(source);
  assert.ok(!(copy instanceof Buffer), 'a plain Uint8Array, as decoded packets hold');
  source.fill(0);
  assert.equal(Buffer.from(copy).toString(), 'a datagram in a receive buffer the listener will reuse');
});
