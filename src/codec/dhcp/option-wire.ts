// Option TLVs on the wire: pad/end (RFC 2132 §3.1-3.2), overload into file/sname (RFC 2131 §4.1,
// RFC 2132 §9.3) and long options split into several instances (RFC 3396).
import { DhcpDecodeError, DhcpEncodeError } from './dhcp-decode-error.ts';
import type { DhcpRawOption } from './dhcp-types.ts';
import { freshBytes } from './fresh-bytes.ts';
import { concatBytes } from './ipv4-bytes.ts';

export const PAD = 0;
export const END = 255;
export const OVERLOAD = 52;

/** Each TLV of one area, in order; stops at END. A TLV running past the area is 'truncated-option'. */
export function scanArea(area: Uint8Array, into: (code: number, data: Uint8Array) => void): void {
  let i = 0;
  while (i < area.length) {
    const code = area[i] ?? 0;
    if (code === END) return;
    if (code === PAD) {
      i++;
      continue;
    }
    const len = area[i + 1];
    if (len === undefined || i + 2 + len > area.length) throw new DhcpDecodeError('truncated-option', `code ${code} at ${i}`);
    into(code, area.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
}

/**
 * Options from all areas, same-code instances concatenated in order (RFC 3396 §5: options field,
 * then file, then sname). Returns the merged list and whether file/sname were used for options.
 */
export function readOptionAreas(options: Uint8Array, file: Uint8Array, sname: Uint8Array): { raw: DhcpRawOption[]; overload: number } {
  const parts = new Map<number, Uint8Array[]>();
  const add = (code: number, data: Uint8Array) => {
    const list = parts.get(code);
    if (list === undefined) parts.set(code, [data]);
    else list.push(data);
  };
  scanArea(options, add);
  // RFC 2131 §4.1: option 52 lives in the options field and says which other fields to read.
  const ov = parts.get(OVERLOAD);
  let overload = 0;
  if (ov !== undefined) {
    const data = concatBytes(ov);
    if (data.length !== 1) throw new DhcpDecodeError(`bad-length:${OVERLOAD}`);
    overload = data[0] ?? 0;
    if (overload < 1 || overload > 3) throw new DhcpDecodeError('bad-overload', String(overload));
    if (overload & 1) scanArea(file, add);
    if (overload & 2) scanArea(sname, add);
    if (parts.get(OVERLOAD)?.length !== 1) throw new DhcpDecodeError(`bad-length:${OVERLOAD}`, 'repeated in file/sname');
  }
  const raw = [...parts].map(([code, list]) => ({ code, data: list.length === 1 ? list[0]! : concatBytes(list) }));
  return { raw, overload };
}

/** TLVs for one option: values over 255 bytes become several instances of the same code (RFC 3396 §6). */
export function optionTlvs(o: DhcpRawOption): Uint8Array[] {
  if (o.code === PAD || o.code === END || o.code < 0 || o.code > 254) throw new DhcpEncodeError('bad-code', String(o.code));
  if (o.data.length === 0) return [Uint8Array.of(o.code, 0)];
  const out: Uint8Array[] = [];
  for (let at = 0; at < o.data.length; at += 255) {
    const chunk = o.data.subarray(at, at + 255);
    const tlv = new Uint8Array(2 + chunk.length);
    tlv[0] = o.code;
    tlv[1] = chunk.length;
    tlv.set(chunk, 2);
    out.push(tlv);
  }
  return out;
}

export interface AreaLayout {
  options: Uint8Array; // includes END
  file?: Uint8Array; // options written into file, with END, when overloaded
  sname?: Uint8Array;
}

/**
 * Lays TLVs into the options field of at most `optionsRoom` bytes (after the cookie), spilling
 * into file then sname (RFC 2131 §4.1, option 52) when those are free. Throws 'too-big' otherwise.
 */
export function layoutOptions(raw: readonly DhcpRawOption[], optionsRoom: number, free: { file: boolean; sname: boolean }): AreaLayout {
  // The usual case, everything in the options field: sized first, then written into one buffer (no TLV per option).
  let wire = 1; // END
  for (const o of raw) {
    if (o.code === OVERLOAD) continue;
    if (o.code === PAD || o.code === END || o.code < 0 || o.code > 254) throw new DhcpEncodeError('bad-code', String(o.code));
    wire += o.data.length === 0 ? 2 : o.data.length + 2 * Math.ceil(o.data.length / 255);
  }
  if (wire <= optionsRoom) return { options: writeTlvs(raw, wire) };

  const tlvs = raw.filter((o) => o.code !== OVERLOAD).flatMap(optionTlvs);

  // Overload: option 52 first, then first-fit by decreasing size over options, file, sname; the
  // instances of one code keep their order across areas (a reader concatenates them in that order),
  // which holds because a long option's chunks are 255 bytes except the last. Each area keeps input order.
  const left = [optionsRoom - 3 - 1, free.file ? 128 - 1 : -1, free.sname ? 64 - 1 : -1]; // -1: room for END
  const placed = new Array<number>(tlvs.length);
  const lastArea = new Map<number, number>();
  const bySize = tlvs.map((_, i) => i).sort((a, b) => tlvs[b]!.length - tlvs[a]!.length);
  for (const i of bySize) {
    const t = tlvs[i]!;
    const code = t[0] ?? 0;
    let area = lastArea.get(code) ?? 0;
    while (area < 3 && t.length > (left[area] ?? -1)) area++;
    if (area >= 3) throw new DhcpEncodeError('too-big', `${wire} bytes of options, room for ${optionsRoom} (+file/sname)`);
    placed[i] = area;
    left[area]! -= t.length;
    lastArea.set(code, area);
  }
  const areas = [0, 1, 2].map((a) => tlvs.filter((_, i) => placed[i] === a));
  const overload = (areas[1]!.length > 0 ? 1 : 0) | (areas[2]!.length > 0 ? 2 : 0);
  return {
    options: withEnd([Uint8Array.of(OVERLOAD, 1, overload), ...areas[0]!]),
    ...(overload & 1 ? { file: withEnd(areas[1]!) } : {}),
    ...(overload & 2 ? { sname: withEnd(areas[2]!) } : {}),
  };
}

const withEnd = (tlvs: Uint8Array[]): Uint8Array => concatBytes([...tlvs, Uint8Array.of(END)]);

/** Every option but 52 as TLVs (split at 255 bytes like optionTlvs), then END, into a buffer of exactly `size` bytes. */
function writeTlvs(raw: readonly DhcpRawOption[], size: number): Uint8Array {
  const out = freshBytes(size);
  let at = 0;
  for (const o of raw) {
    if (o.code === OVERLOAD) continue;
    if (o.data.length === 0) {
      out[at++] = o.code;
      out[at++] = 0;
      continue;
    }
    const data = o.data;
    for (let from = 0; from < data.length; from += 255) {
      const n = Math.min(255, data.length - from);
      out[at++] = o.code;
      out[at++] = n;
      // Most options are a few bytes: a loop beats making a subarray view for set().
      if (n <= 32) for (let k = 0; k < n; k++) out[at + k] = data[from + k]!;
      else out.set(data.subarray(from, from + n), at);
      at += n;
    }
  }
  out[at] = END;
  return out;
}
