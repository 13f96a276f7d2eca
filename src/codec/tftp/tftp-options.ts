// Typed values of the options stage0 understands, with their legal ranges:
// blksize RFC 2348 §2, timeout and tsize RFC 2349 §§2-3, windowsize RFC 7440 §3.
import { MAX_BLKSIZE } from './tftp-constants.ts';

export interface TftpOptionValues {
  /** RFC 2348: octets per DATA block, 8..65464. */
  blksize?: number;
  /** RFC 2349 §3: transfer size; 0 in a RRQ asks the server to report the size. */
  tsize?: number;
  /** RFC 2349 §2: retransmission timeout in seconds, 1..255. */
  timeout?: number;
  /** RFC 7440 §3: blocks sent per ACK, 1..65535. */
  windowsize?: number;
}

export type TftpOptionName = keyof TftpOptionValues;

const RANGES: Record<TftpOptionName, readonly [number, number]> = {
  blksize: [8, MAX_BLKSIZE],
  tsize: [0, Number.MAX_SAFE_INTEGER],
  timeout: [1, 255],
  windowsize: [1, 65535],
};

/** Names of options stage0 negotiates, in the order it writes them into an OACK. */
export const KNOWN_OPTIONS: readonly TftpOptionName[] = ['blksize', 'tsize', 'timeout', 'windowsize'];

/**
 * Parses the known options out of a raw RFC 2347 option map. Unknown options are left out (the
 * server must ignore them, RFC 2347 §2), and so are known ones with a value that is not a decimal
 * number inside the RFC range; those are returned in `ignored` with a reason so they can be logged.
 */
export function parseOptionValues(raw: ReadonlyMap<string, string>): {
  values: TftpOptionValues;
  ignored: { name: string; reason: string }[];
} {
  const values: TftpOptionValues = {};
  const ignored: { name: string; reason: string }[] = [];
  for (const [name, text] of raw) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(name)) {
      ignored.push({ name, reason: 'unknown option' });
      continue;
    }
    const key = name as TftpOptionName;
    const [min, max] = RANGES[key];
    const n = /^[0-9]{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ignored.push({ name, reason: `value ${JSON.stringify(text.slice(0, 20))} outside ${min}..${max}` });
      continue;
    }
    values[key] = n;
  }
  return { values, ignored };
}

/** Formats typed values as an RFC 2347 option map in KNOWN_OPTIONS order. */
export function formatOptionValues(values: TftpOptionValues): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of KNOWN_OPTIONS) {
    const v = values[name];
    if (v !== undefined) out.set(name, String(v));
  }
  return out;
}
