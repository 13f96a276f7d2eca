// Seals secret attributes (bmc.password) before they are stored: every write path (node, group, site, apply) calls it.
import { invalid } from '../domain/errors.ts';
import type { AttrSealer } from '../domain/services/inventory-service.ts';
import { BMC_SECRET_ATTRS, REDACTED } from './redact-bmc.ts';
import { isSealed, type SecretBox } from './secret-box.ts';

/**
 * For each secret key in `next`:
 * - unchanged from `current`, or "[redacted]" (a document exported by the API and applied back): keep the stored value;
 * - plain text equal to what the stored sealed value opens to: keep the stored value (a second apply changes nothing);
 * - plain text: sealed (fresh IV);
 * - already sealed: kept if this key opens it, refused otherwise (it could never be used).
 */
export function createAttrSecrets(box: SecretBox, keys: readonly string[] = BMC_SECRET_ATTRS): AttrSealer {
  const opens = (v: string): string | undefined => {
    try {
      return box.open(v);
    } catch {
      return undefined;
    }
  };
  return {
    seal(next, current) {
      let out: typeof next | undefined;
      for (const k of keys) {
        const v = next[k];
        if (v === undefined) continue;
        const stored = current?.[k];
        let sealed: string;
        if (v === stored && isSealed(v)) continue;
        if (v === REDACTED) {
          if (stored === undefined) throw invalid(`${k}: "${REDACTED}" stands for the stored value, and there is none`, `attrs.${k}`);
          sealed = isSealed(stored) ? stored : box.seal(String(stored));
        } else if (isSealed(v)) {
          if (opens(v) === undefined) throw invalid(`${k}: sealed with another key (or damaged); give the password in clear text`, `attrs.${k}`);
          continue;
        } else if (isSealed(stored) && opens(stored) === String(v)) sealed = stored;
        else sealed = box.seal(String(v));
        out ??= { ...next };
        out[k] = sealed;
      }
      return out ?? next;
    },
  };
}
