// Deterministic fuzzing of the TFTP decoder: seeds (real client captures and packets of every type) and a mutator,
// shared by the bounded CI test and the long run under bench/.
import { capturedRequests } from '../fixtures/tftp/client-requests.ts';
import { encodeAck } from '../../src/codec/tftp/ack-packet.ts';
import { encodeData } from '../../src/codec/tftp/data-packet.ts';
import { encodeError } from '../../src/codec/tftp/error-packet.ts';
import { encodeOack } from '../../src/codec/tftp/oack-packet.ts';

export /** mulberry32: small deterministic PRNG so a failure reproduces from the printed iteration. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const tftpFuzzSeeds: Buffer[] = [
  ...capturedRequests.map((c) => Buffer.from(c.hex, 'hex')),
  encodeData(1, Buffer.alloc(512, 0xab)),
  encodeData(65535, Buffer.alloc(0)),
  encodeAck(3),
  encodeError(8, 'tsize probe'),
  encodeOack(new Map([['blksize', '1468'], ['tsize', '123'], ['windowsize', '16']])),
];

export function mutateTftp(src: Buffer, rnd: () => number): Buffer {
  const int = (n: number) => Math.floor(rnd() * n);
  let b = Buffer.from(src);
  const steps = 1 + int(4);
  for (let s = 0; s < steps; s++) {
    switch (int(7)) {
      case 0: // flip one bit
        if (b.length) b[int(b.length)]! ^= 1 << int(8);
        break;
      case 1: // set an interesting byte (NUL is the field separator)
        if (b.length) b[int(b.length)] = [0, 0xff, 0x30, 0x2e, 0x2f, 0x5c][int(6)]!;
        break;
      case 2: // truncate
        b = b.subarray(0, int(b.length + 1));
        break;
      case 3: // insert random bytes
        {
          const at = int(b.length + 1);
          const ins = Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256)));
          b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        }
        break;
      case 4: // duplicate a slice (repeated options, long strings)
        {
          const from = int(b.length + 1);
          b = Buffer.concat([b, b.subarray(from, from + int(64))]);
        }
        break;
      case 5: // random opcode
        if (b.length >= 2) b.writeUInt16BE(int(9), 0);
        break;
      default: // entirely random packet
        b = Buffer.from(Array.from({ length: int(40) }, () => int(256)));
    }
  }
  return b;
}
