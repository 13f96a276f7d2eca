// IPMI codec: byte-exact framing, checksums, RMCP+ integrity/confidentiality round trips, RAKP math, FRU parsing.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeDeviceId } from './app-commands.ts';
import { decryptPayload, encryptPayload } from './aes-cbc-128.ts';
import { decodeBootFlags, setBootFlagsRequest } from './chassis-commands.ts';
import { encodeFruArea, encodeFruImage, parseFru } from './fru-inventory.ts';
import { decodeIpmiResponse, encodeIpmiRequest, ipmiChecksum } from './ipmi-message.ts';
import { CIPHER_SUITE_17, CIPHER_SUITE_3, decodeOpenSessionResponse, encodeOpenSessionRequest } from './open-session.ts';
import { deriveKey, rakp2AuthCode, rakp3AuthCode, rakp4Icv, sessionIntegrityKey, type RakpContext } from './rakp-hmac.ts';
import { decodeRakp2, encodeRakp1 } from './rakp-messages.ts';
import { decodeV15, encodeV15Unauthenticated } from './session-v15.ts';
import { decodeV20, encodeV20 } from './session-v20.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('IPMI message framing (§13.8)', () => {
  it('encodes Get Chassis Status byte for byte', () => {
    // rsAddr 20, netFn 00/LUN 0, chk e0, rqAddr 81, rqSeq 1 << 2, cmd 01, chk 7a
    assert.deepEqual(encodeIpmiRequest({ netFn: 0x00, cmd: 0x01, rqSeq: 1 }), hex('20 00 e0 81 04 01 7a'));
  });
  it('decodes a response and rejects bad checksums', () => {
    // rqAddr 81, netFn 01 (chassis response) << 2, chk, rsAddr 20, rqSeq 1, cmd 01, cc 00, data 01 00 40, chk
    const body = hex('81 04 7b 20 04 01 00 01 00 40');
    const b = Buffer.concat([body, Buffer.from([ipmiChecksum(body, 3)])]);
    assert.deepEqual(decodeIpmiResponse(b), { netFn: 1, rqSeq: 1, cmd: 1, completionCode: 0, data: hex('01 00 40') });
    const bad = Buffer.from(b);
    bad[8]! ^= 1;
    assert.equal(decodeIpmiResponse(bad), 'bad data checksum');
  });
  it('wraps pre-session requests in an IPMI v1.5 header with auth type none', () => {
    const p = encodeV15Unauthenticated(hex('20 18 c8 81 00 38 8e 04 b5'));
    assert.deepEqual(p.subarray(0, 14), hex('06 00 ff 07  00  00000000  00000000  09'));
    assert.deepEqual(decodeV15(p), hex('20 18 c8 81 00 38 8e 04 b5'));
  });
});

describe('RMCP+ session packets (§13.6, §13.28, §13.29)', () => {
  const keys = { k1: Buffer.alloc(20, 0x11), k2: Buffer.alloc(20, 0x22), integrity: 'sha1-96' as const };
  const keys256 = { k1: Buffer.alloc(32, 0x11), k2: Buffer.alloc(32, 0x22), integrity: 'sha256-128' as const };
  it('pre-session packets are plain and byte-exact', () => {
    const p = encodeV20({ payloadType: 0x10, sessionId: 0, sequence: 0, payload: hex('01 04') });
    assert.deepEqual(p, hex('06 00 ff 07  06 10  00000000 00000000  0200  01 04'));
  });
  for (const len of [0, 1, 7, 14, 15, 16, 31, 100]) {
    it(`encrypted + signed round trip, payload ${len} bytes`, () => {
      const payload = Buffer.alloc(len, 0xab);
      const p = encodeV20({ payloadType: 0, sessionId: 0x01020304, sequence: 9, payload }, keys);
      assert.equal(p[5], 0xc0, 'encrypted and authenticated bits');
      assert.equal((p.length - 4 - 12) % 4, 0, 'integrity pad makes header..next header a multiple of 4');
      const d = decodeV20(p, keys);
      assert.ok(typeof d !== 'string');
      assert.deepEqual([d.sessionId, d.sequence, d.payload], [0x01020304, 9, payload]);
      const tampered = Buffer.from(p);
      tampered[20]! ^= 0x40;
      assert.equal(decodeV20(tampered, keys), 'integrity check failed');
      assert.equal(decodeV20(p, { ...keys, k1: Buffer.alloc(20) }), 'integrity check failed');
    });
  }
  it('HMAC-SHA256-128 integrity (suite 17) carries a 16-byte code', () => {
    const p = encodeV20({ payloadType: 0, sessionId: 7, sequence: 1, payload: hex('01 02 03') }, keys256);
    assert.equal((p.length - 4 - 16) % 4, 0);
    const d = decodeV20(p, keys256);
    assert.ok(typeof d !== 'string' && d.payload.equals(hex('01 02 03')));
    assert.equal(decodeV20(p, { ...keys256, integrity: 'sha1-96' }), 'integrity check failed');
  });
  it('AES-CBC-128 pads with 01 02 .. n and a pad length byte', () => {
    const iv = Buffer.alloc(16, 7);
    const enc = encryptPayload(keys.k2, hex('aa bb'), iv);
    assert.equal(enc.length, 32);
    assert.deepEqual(decryptPayload(keys.k2, enc), hex('aa bb'));
    assert.equal(decryptPayload(keys.k2, enc.subarray(0, 24)), 'encrypted payload of 24 bytes');
  });
});

describe('Open Session and RAKP (§13.17-§13.23, §13.31)', () => {
  it('Open Session Request proposes cipher suite 3', () => {
    const b = encodeOpenSessionRequest({ tag: 5, privilege: 4, consoleSessionId: 0xa1b2c3d4, algorithms: CIPHER_SUITE_3 });
    assert.deepEqual(b, hex('05 04 0000 d4c3b2a1  00000008 01000000  01000008 01000000  02000008 01000000'));
    const resp = hex('05 00 04 00 d4c3b2a1 78563412  00000008 01000000  01000008 01000000  02000008 01000000');
    assert.deepEqual(decodeOpenSessionResponse(resp), { tag: 5, status: 0, privilege: 4, consoleSessionId: 0xa1b2c3d4, bmcSessionId: 0x12345678, algorithms: CIPHER_SUITE_3 });
    assert.deepEqual(encodeOpenSessionRequest({ tag: 5, privilege: 4, consoleSessionId: 0xa1b2c3d4, algorithms: CIPHER_SUITE_17 }).subarray(8),
      hex('00000008 03000000  01000008 04000000  02000008 01000000'));
    assert.deepEqual(decodeOpenSessionResponse(hex('05 04 00 00 d4c3b2a1')), { tag: 5, status: 4, privilege: 0, consoleSessionId: 0xa1b2c3d4, bmcSessionId: 0 });
  });
  it('RAKP 1 layout and RAKP 2 error status', () => {
    const r1 = encodeRakp1({ tag: 2, bmcSessionId: 0x12345678, consoleRandom: Buffer.alloc(16, 0xee), role: 0x14, username: Buffer.from('admin') });
    assert.deepEqual(r1, Buffer.concat([hex('02 000000 78563412'), Buffer.alloc(16, 0xee), hex('14 0000 05'), Buffer.from('admin')]));
    const r2 = decodeRakp2(hex('02 0d 0000 d4c3b2a1'));
    assert.ok(typeof r2 !== 'string' && r2.status === 0x0d);
  });
  it('key exchange codes follow the field order of §13.31', () => {
    const c: RakpContext = {
      hash: 'sha1', consoleSessionId: 0xa1b2c3d4, bmcSessionId: 0x12345678, consoleRandom: Buffer.alloc(16, 1), bmcRandom: Buffer.alloc(16, 2),
      bmcGuid: Buffer.alloc(16, 3), role: 0x14, username: Buffer.from('admin'), password: Buffer.from('labpass'),
    };
    const h = (key: Buffer, ...p: Buffer[]) => createHmac('sha1', key).update(Buffer.concat(p)).digest();
    const name = hex('14 05 61646d696e');
    assert.deepEqual(rakp2AuthCode(c), h(c.password, hex('d4c3b2a1 78563412'), c.consoleRandom, c.bmcRandom, c.bmcGuid, name));
    assert.deepEqual(rakp3AuthCode(c), h(c.password, c.bmcRandom, hex('d4c3b2a1'), name));
    const sik = sessionIntegrityKey(c);
    assert.deepEqual(sik, h(c.password, c.consoleRandom, c.bmcRandom, name));
    assert.deepEqual(rakp4Icv(c, sik), h(sik, c.consoleRandom, hex('78563412'), c.bmcGuid).subarray(0, 12));
    assert.deepEqual(deriveKey('sha1', sik, 1), h(sik, Buffer.alloc(20, 1)));
    assert.notDeepEqual(sessionIntegrityKey({ ...c, kg: Buffer.alloc(20, 9) }), sik, 'a non-zero Kg replaces Kuid for the SIK');
    const c256 = { ...c, hash: 'sha256' as const };
    const h256 = (key: Buffer, ...p: Buffer[]) => createHmac('sha256', key).update(Buffer.concat(p)).digest();
    assert.deepEqual(rakp2AuthCode(c256), h256(c.password, hex('d4c3b2a1 78563412'), c.consoleRandom, c.bmcRandom, c.bmcGuid, name));
    const sik256 = sessionIntegrityKey(c256);
    assert.equal(sik256.length, 32);
    assert.deepEqual(rakp4Icv(c256, sik256), h256(sik256, c.consoleRandom, hex('78563412'), c.bmcGuid).subarray(0, 16));
  });
});

describe('chassis and app commands (§28, §20.1)', () => {
  const cases: [Parameters<typeof setBootFlagsRequest>[0], string][] = [
    [{ device: 'pxe', persistent: false, efi: false }, '05 80 04 00 00 00'],
    [{ device: 'pxe', persistent: true, efi: true }, '05 e0 04 00 00 00'],
    [{ device: 'disk', persistent: false, efi: true }, '05 a0 08 00 00 00'],
  ];
  for (const [flags, bytes] of cases) {
    it(`boot flags ${JSON.stringify(flags)}`, () => {
      assert.deepEqual(setBootFlagsRequest(flags), hex(bytes));
      assert.deepEqual(decodeBootFlags(Buffer.concat([hex('01'), hex(bytes)])), flags);
    });
  }
  it('Get Device ID', () => {
    // device 00, rev 09|80, fw 8.02, IPMI 2.0 (02h), support 9f, manufacturer 0x001291 (LE), product 0x0f02
    assert.deepEqual(decodeDeviceId(hex('00 89 08 02 02 9f 91 12 00 02 0f')), {
      deviceId: 0, deviceRevision: 9, firmware: '8.02', ipmiVersion: '2.0', manufacturerId: 0x1291, productId: 0x0f02,
    });
  });
});

describe('FRU parsing (FRU spec §8-§11)', () => {
  const image = encodeFruImage(['OpenIPMI-Lab', 'SimBoard', 'BRD-1', 'SB-0001', ''], ['OpenIPMI-Lab', 'SimNode', 'SN-1', '1.0', 'LAB-0007', 'ASSET-7', '']);
  it('encodes the areas as the spec lays them out (bytes written out by hand)', () => {
    // Header: version 1, no internal/chassis area, board at 8 bytes, product after the board's 6 × 8 bytes.
    assert.deepEqual(image.slice(0, 8), [0x01, 0, 0, 0x01, 0x07, 0, 0, 0xf7]);
    // Board: version, length 6 (× 8), English, no date, then "OpenIPMI-Lab" as C0h|12 and its bytes.
    assert.deepEqual(image.slice(8, 8 + 7), [0x01, 0x06, 0x19, 0, 0, 0, 0xcc]);
    assert.equal(Buffer.from(image.slice(15, 27)).toString('latin1'), 'OpenIPMI-Lab');
    for (const [start, len] of [[0, 8], [8, 48], [56, image.length - 56]] as const) {
      assert.equal(image.slice(start, start + len).reduce((s, x) => s + x, 0) & 0xff, 0, `area at ${start} sums to zero`);
    }
    assert.throws(() => encodeFruArea([0x01, 0], ['x'.repeat(64)]), /longer than 63/);
  });
  it('reads board and product fields', () => {
    assert.deepEqual(parseFru(Buffer.from(image)), {
      boardManufacturer: 'OpenIPMI-Lab', boardProduct: 'SimBoard', boardSerial: 'BRD-1', boardPart: 'SB-0001',
      productManufacturer: 'OpenIPMI-Lab', productName: 'SimNode', productPart: 'SN-1', productVersion: '1.0', productSerial: 'LAB-0007', assetTag: 'ASSET-7',
    });
  });
  it('rejects a bad header checksum', () => {
    const b = Buffer.from(image);
    b[7]! ^= 1;
    assert.equal(parseFru(b), 'bad FRU common header checksum');
  });
});
