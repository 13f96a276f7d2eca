// Bounded mutation fuzz of the TFTP decoder: 20,000 mutated packets, fixed seed, must throw nothing
// but TftpDecodeError (and never its 'decoder-bug' fallback).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TftpDecodeError } from './tftp-constants.ts';
import { decodeTftpPacket } from './tftp-packet.ts';
import { mutateTftp as mutate, prng, tftpFuzzSeeds as seeds } from '../../../test/support/tftp-fuzz.ts';

it('decoder survives 20,000 mutated packets with only TftpDecodeError', () => {
  const rnd = prng(0x5ee0);
  let decoded = 0;
  let rejected = 0;
  for (let i = 0; i < 20_000; i++) {
    const input = mutate(seeds[i % seeds.length]!, rnd);
    try {
      decodeTftpPacket(input);
      decoded++;
    } catch (err) {
      if (!(err instanceof TftpDecodeError) || err.reason === 'decoder-bug') {
        assert.fail(`iteration ${i}, input ${input.toString('hex')}: ${String(err)}`);
      }
      rejected++;
    }
  }
  // Both paths must be exercised, or the mutator is not testing anything.
  assert.ok(decoded > 1000 && rejected > 1000, `decoded=${decoded} rejected=${rejected}`);
});
