// Long fuzz run of the TFTP decoder (the CI test runs 20,000 cases): node --import tsx bench/fuzz-tftp.ts [cases] [seed]
import { TftpDecodeError } from '../src/codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../src/codec/tftp/tftp-packet.ts';
import { mutateTftp, prng, tftpFuzzSeeds } from '../test/support/tftp-fuzz.ts';

const cases = Math.min(Number(process.argv[2] ?? 1_000_000), 50_000_000);
const rnd = prng(Number(process.argv[3] ?? 0x7f7f));
const started = performance.now();
let decoded = 0;
let rejected = 0;
for (let i = 0; i < cases; i++) {
  const input = mutateTftp(tftpFuzzSeeds[i % tftpFuzzSeeds.length]!, rnd);
  try {
    decodeTftpPacket(input);
    decoded++;
  } catch (err) {
    if (!(err instanceof TftpDecodeError) || err.reason === 'decoder-bug') {
      console.error(`CRASH at case ${i}: input ${input.toString('hex')}: ${String(err)}`);
      process.exit(1);
    }
    rejected++;
  }
}
console.log(`fuzz-tftp: ${cases} cases, ${decoded} decoded, ${rejected} rejected with TftpDecodeError, 0 crashes, ${((performance.now() - started) / 1000).toFixed(1)} s`);
