// FRU inventory image parsing (Platform Management FRU Information Storage Definition v1.0, §8-§11)
// and the Storage netFn (0Ah) FRU commands (IPMI v2.0 §34.1, §34.2).
import { ipmiChecksum } from './ipmi-message.ts';

export const NETFN_STORAGE = 0x0a;
export const FruCmd = { getAreaInfo: 0x10, readData: 0x11 } as const;

export const fruAreaInfoRequest = (fruId: number) => Buffer.from([fruId]);
/** Read FRU Data: FRU device ID, offset (LS byte first), count. */
export function fruReadRequest(fruId: number, offset: number, count: number): Buffer {
  return Buffer.from([fruId, offset & 0xff, offset >> 8, count]);
}

export interface FruFields {
  boardManufacturer?: string;
  boardProduct?: string;
  boardSerial?: string;
  boardPart?: string;
  productManufacturer?: string;
  productName?: string;
  productPart?: string;
  productVersion?: string;
  productSerial?: string;
  assetTag?: string;
}

/** §13.1 type/length byte: bits 7:6 type, 5:0 length. C1h ends the field list. */
function readFields(b: Buffer, start: number, end: number, max: number): string[] {
  const out: string[] = [];
  let i = start;
  while (i < end && b[i] !== 0xc1 && out.length < max) {
    const type = b[i]! >> 6;
    const len = b[i]! & 0x3f;
    const raw = b.subarray(i + 1, Math.min(i + 1 + len, end));
    out.push(type === 3 ? raw.toString('latin1').trim() : type === 2 ? sixBitAscii(raw) : type === 1 ? bcdPlus(raw) : raw.toString('hex'));
    i += 1 + len;
  }
  return out;
}
/** §13.2 6-bit ASCII, packed 4 characters in 3 bytes, LSB first; code + 20h. */
function sixBitAscii(raw: Buffer): string {
  let s = '';
  let acc = 0;
  let bits = 0;
  for (const byte of raw) {
    acc |= byte << bits;
    bits += 8;
    while (bits >= 6) {
      s += String.fromCharCode((acc & 0x3f) + 0x20);
      acc >>= 6;
      bits -= 6;
    }
  }
  return s.trim();
}
const bcdPlus = (raw: Buffer) => [...raw].flatMap((x) => [x >> 4, x & 0x0f]).map((d) => '0123456789 -.???'[d]).join('').trim();

const sumOk = (b: Buffer, start: number, len: number) => b.subarray(start, start + len).reduce((a, x) => (a + x) & 0xff, 0) === 0;

/** Board (§11) and product (§10) info areas of a FRU image; unreadable areas are left out, never guessed. */
export function parseFru(b: Buffer): FruFields | string {
  if (b.length < 8 || b[0] !== 0x01) return 'no FRU common header (format version 1)';
  if (!sumOk(b, 0, 8)) return 'bad FRU common header checksum';
  const out: FruFields = {};
  const boardAt = b[3]! * 8;
  if (boardAt && boardAt + 6 < b.length) {
    const end = Math.min(boardAt + b[boardAt + 1]! * 8, b.length);
    // board: version, length, language, mfg date (3), then manufacturer, product, serial, part, FRU file ID
    const [m, p, s, part] = readFields(b, boardAt + 6, end, 4);
    Object.assign(out, { boardManufacturer: m, boardProduct: p, boardSerial: s, boardPart: part });
  }
  const productAt = b[4]! * 8;
  if (productAt && productAt + 3 < b.length) {
    const end = Math.min(productAt + b[productAt + 1]! * 8, b.length);
    // product: version, length, language, then manufacturer, name, part/model, version, serial, asset tag
    const [m, n, part, v, s, a] = readFields(b, productAt + 3, end, 6);
    Object.assign(out, { productManufacturer: m, productName: n, productPart: part, productVersion: v, productSerial: s, assetTag: a });
  }
  for (const k of Object.keys(out) as (keyof FruFields)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * One info area (§10, §11): its fixed bytes (format version, length placeholder, language, …), then the fields as
 * 8-bit ASCII type/length + bytes, C1h, zero padding to a multiple of 8 and the area checksum. Used for the FRU images
 * of simulated BMCs (the lab's ipmi_sim) and test fixtures.
 */
export function encodeFruArea(fixed: number[], fields: string[]): number[] {
  const a = [...fixed];
  for (const f of fields) {
    if (f.length > 0x3f) throw new Error(`FRU field longer than 63 bytes: ${f}`);
    a.push(0xc0 | f.length, ...Buffer.from(f, 'latin1'));
  }
  a.push(0xc1);
  while ((a.length + 1) % 8) a.push(0);
  a[1] = (a.length + 1) / 8;
  a.push(ipmiChecksum(Buffer.from(a)));
  return a;
}

/** A FRU image of a common header (§8), a board area (§11: manufacturer, product, serial, part, FRU file id) and a
 *  product area (§10: manufacturer, name, part, version, serial, asset tag, FRU file id), English, no dates. */
export function encodeFruImage(board: string[], product: string[]): number[] {
  const b = encodeFruArea([0x01, 0, 0x19, 0, 0, 0], board);
  const p = encodeFruArea([0x01, 0, 0x19], product);
  const header = [0x01, 0, 0, 0x01, 1 + b.length / 8, 0, 0];
  return [...header, ipmiChecksum(Buffer.from(header)), ...b, ...p];
}
