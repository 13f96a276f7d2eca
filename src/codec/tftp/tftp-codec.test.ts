// Round trips, real client captures and property tests for the TFTP codec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { capturedRequests } from '../../../test/fixtures/tftp/client-requests.ts';
import { encodeAck } from './ack-packet.ts';
import { encodeData } from './data-packet.ts';
import { encodeError } from './error-packet.ts';
import { Opcode, TftpDecodeError } from './tftp-constants.ts';
import { formatOptionValues, parseOptionValues } from './tftp-options.ts';
import { decodeTftpPacket, encodeTftpPacket, type TftpPacket } from './tftp-packet.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const reasonOf = (buf: Buffer): string => {
  try {
    decodeTftpPacket(buf);
  } catch (err) {
    assert.ok(err instanceof TftpDecodeError, `expected TftpDecodeError, got ${String(err)}`);
    return err.reason;
  }
  return 'decoded';
};
const cstr = (...parts: string[]) => Buffer.from(parts.map((p) => `${p}\0`).join(''), 'utf8');
const op = (n: number) => Buffer.from([0, n]);

describe('TFTP codec: requests captured from real clients', () => {
  for (const c of capturedRequests) {
    it(`decodes and re-encodes byte-identically: ${c.client}`, () => {
      const p = decodeTftpPacket(hex(c.hex));
      assert.equal(p.opcode, Opcode.RRQ);
      if (p.opcode !== Opcode.RRQ) return;
      assert.equal(p.filename, c.filename);
      assert.equal(p.mode, c.mode);
      assert.deepEqual([...p.options], c.options);
      assert.equal(encodeTftpPacket(p).toString('hex'), c.hex);
    });
  }
});

describe('TFTP codec: decoding', () => {
  it('lower-cases mode and option names (case-insensitive, RFC 1350 §5 / RFC 2347 §2), keeps values', () => {
    const p = decodeTftpPacket(Buffer.concat([op(1), cstr('a/B.efi', 'OcTeT', 'BLKSIZE', '1468', 'TSize', '0')]));
    assert.deepEqual(p, { opcode: 1, filename: 'a/B.efi', mode: 'octet', options: new Map([['blksize', '1468'], ['tsize', '0']]) });
  });
  it('tolerates trailing NUL padding after a complete request', () => {
    const p = decodeTftpPacket(Buffer.concat([op(1), cstr('f', 'octet'), Buffer.alloc(3)]));
    assert.equal(p.opcode === Opcode.RRQ && p.options.size, 0);
  });
  it('accepts an ERROR without its terminating NUL (some firmware omits it)', () => {
    assert.deepEqual(decodeTftpPacket(Buffer.concat([op(5), Buffer.from([0, 8]), Buffer.from('no')])), {
      opcode: 5,
      code: 8,
      message: 'no',
    });
  });
  it('DATA, ACK, ERROR with known bytes', () => {
    assert.equal(encodeData(0x1_0001, Buffer.from('hi')).toString('hex'), '000300016869'); // block rolls over to 1
    assert.equal(encodeAck(65535).toString('hex'), '0004ffff');
    assert.equal(encodeError(8, 'x').toString('hex'), '0005000878' + '00');
    assert.deepEqual(decodeTftpPacket(hex('00030007')), { opcode: 3, block: 7, data: Buffer.alloc(0) });
  });

  const malformed: [string, Buffer, string][] = [
    ['empty', Buffer.alloc(0), 'too-short'],
    ['one byte', Buffer.from([0]), 'too-short'],
    ['opcode 0', hex('0000'), 'unknown-opcode'],
    ['opcode 7', hex('000761'), 'unknown-opcode'],
    ['RRQ without mode', Buffer.concat([op(1), cstr('f')]), 'request-too-short'],
    ['RRQ unterminated mode', Buffer.concat([op(1), cstr('f'), Buffer.from('octet')]), 'unterminated-string'],
    ['RRQ empty filename', Buffer.concat([op(1), cstr('', 'octet')]), 'empty-filename'],
    ['RRQ unknown mode', Buffer.concat([op(1), cstr('f', 'binary')]), 'unknown-mode'],
    ['RRQ option without value', Buffer.concat([op(1), cstr('f', 'octet', 'blksize')]), 'option-without-value'],
    ['RRQ duplicate option', Buffer.concat([op(2), cstr('f', 'octet', 'tsize', '0', 'TSIZE', '1')]), 'duplicate-option'],
    ['RRQ empty option name', Buffer.concat([op(1), cstr('f', 'octet', '', '5', 'a', 'b')]), 'empty-option-name'],
    ['DATA header only 3 bytes', hex('000300'), 'data-too-short'],
    ['DATA longer than 65464', Buffer.concat([hex('00030001'), Buffer.alloc(65465)]), 'data-too-long'],
    ['ACK too short', hex('000400'), 'ack-wrong-length'],
    ['ACK too long', hex('0004000100'), 'ack-wrong-length'],
    ['ERROR too short', hex('000500'), 'error-too-short'],
    ['ERROR bytes after NUL', hex('00050001610062'), 'error-trailing-bytes'],
    ['OACK empty', hex('0006'), 'empty-oack'],
  ];
  for (const [name, buf, reason] of malformed) {
    it(`rejects ${name} with TftpDecodeError(${reason})`, () => assert.equal(reasonOf(buf), reason));
  }
});

describe('TFTP codec: typed options (RFC 2348, 2349, 7440)', () => {
  const cases: [string, string, number | undefined][] = [
    ['blksize', '8', 8],
    ['blksize', '7', undefined],
    ['blksize', '65464', 65464],
    ['blksize', '65465', undefined],
    ['blksize', '+512', undefined],
    ['blksize', '1e3', undefined],
    ['timeout', '0', undefined],
    ['timeout', '255', 255],
    ['timeout', '256', undefined],
    ['windowsize', '0', undefined],
    ['windowsize', '65535', 65535],
    ['windowsize', '65536', undefined],
    ['tsize', '0', 0],
    ['tsize', '31457280', 31457280],
    ['tsize', '', undefined],
  ];
  for (const [name, value, expected] of cases) {
    it(`${name}=${JSON.stringify(value)} -> ${expected ?? 'ignored'}`, () => {
      const { values, ignored } = parseOptionValues(new Map([[name, value]]));
      assert.equal(values[name as keyof typeof values], expected);
      assert.equal(ignored.length, expected === undefined ? 1 : 0);
    });
  }
  it('ignores unknown options and formats in a fixed order', () => {
    const { values, ignored } = parseOptionValues(new Map([['windowsize', '4'], ['multicast', ''], ['blksize', '1024']]));
    assert.deepEqual(ignored.map((i) => i.name), ['multicast']);
    assert.deepEqual([...formatOptionValues(values)], [['blksize', '1024'], ['windowsize', '4']]);
  });
});

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\0'));
const optionName = text.map((s) => s.toLowerCase()).filter((s) => s.length > 0 && !s.includes('\0'));
const plain = { noNullPrototype: true } as const;
const packetArb: fc.Arbitrary<TftpPacket> = fc.oneof(
  fc.record({
    opcode: fc.constantFrom(Opcode.RRQ, Opcode.WRQ),
    filename: text,
    mode: fc.constantFrom('octet' as const, 'netascii' as const, 'mail' as const),
    options: fc.uniqueArray(fc.tuple(optionName, fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'))), {
      selector: ([n]) => n,
      maxLength: 6,
    }).map((pairs) => new Map(pairs)),
  }, plain),
  fc.record({ opcode: fc.constant(Opcode.DATA), block: fc.integer({ min: 0, max: 65535 }), data: fc.uint8Array({ maxLength: 1600 }).map((a) => Buffer.from(a)) }, plain),
  fc.record({ opcode: fc.constant(Opcode.ACK), block: fc.integer({ min: 0, max: 65535 }) }, plain),
  fc.record({ opcode: fc.constant(Opcode.ERROR), code: fc.integer({ min: 0, max: 8 }), message: fc.string({ maxLength: 60 }).filter((s) => !s.includes('\0')) }, plain),
  fc.record({
    opcode: fc.constant(Opcode.OACK),
    options: fc.uniqueArray(fc.tuple(optionName, fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'))), {
      selector: ([n]) => n,
      minLength: 1,
      maxLength: 6,
    }).map((pairs) => new Map(pairs)),
  }, plain),
);

describe('TFTP codec: properties', () => {
  it('decode(encode(p)) equals p for every packet', () => {
    fc.assert(fc.property(packetArb, (p) => assert.deepEqual(decodeTftpPacket(encodeTftpPacket(p)), p)), { numRuns: 2000 });
  });
  it('encode(decode(b)) equals b for every decodable encoding', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const bytes = encodeTftpPacket(p);
        assert.deepEqual(encodeTftpPacket(decodeTftpPacket(bytes)), bytes);
      }),
      { numRuns: 1000 },
    );
  });
  it('formatOptionValues/parseOptionValues round-trip every in-range value', () => {
    fc.assert(
      fc.property(
        fc.record(
          { blksize: fc.integer({ min: 8, max: 65464 }), tsize: fc.maxSafeNat(), timeout: fc.integer({ min: 1, max: 255 }), windowsize: fc.integer({ min: 1, max: 65535 }) },
          { requiredKeys: [], noNullPrototype: true },
        ),
        (v) => assert.deepEqual(parseOptionValues(formatOptionValues(v)).values, v),
      ),
    );
  });
});
