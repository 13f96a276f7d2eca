// Keeps BMC secrets out of API answers and logs: redactBmc() for attribute maps, pino redaction paths for loggers.

/** Attribute names holding secrets. */
export const BMC_SECRET_ATTRS: readonly string[] = ['bmc.password'];
export const REDACTED = '[redacted]';

/**
 * A copy of an attribute map with secrets replaced by "[redacted]" (present) — works on plain attrs
 * ({ 'bmc.password': 's0enc:…' }) and on effective attrs ({ 'bmc.password': { value, from } }).
 */
export function redactBmc<T extends Record<string, unknown>>(attrs: T): T {
  const out: Record<string, unknown> = { ...attrs };
  for (const k of BMC_SECRET_ATTRS) {
    if (!(k in out)) continue;
    const v = out[k];
    out[k] = v !== null && typeof v === 'object' && 'value' in v ? { ...v, value: REDACTED } : REDACTED;
  }
  return out as T;
}

/**
 * pino `redact.paths` covering where a BMC password can appear in a log object: a bmc config
 * ({ bmc: { password } }), attribute maps under attrs/effective/patch, and a top-level password.
 */
export const BMC_LOG_REDACT_PATHS: readonly string[] = [
  'password',
  '*.password',
  'bmc.password',
  '*.bmc.password',
  '["bmc.password"]',
  '*["bmc.password"]',
  'attrs["bmc.password"]',
  '*.attrs["bmc.password"]',
  'effective["bmc.password"]',
  '*.effective["bmc.password"]',
  'patch.attrs["bmc.password"]',
  'req.body.attrs["bmc.password"]',
  'req.body.password',
];

const SEALED_STRING = /"s0enc:v1:[A-Za-z0-9_-]*"/g;
const JSON_VALUE = '(?:"(?:[^"\\\\]|\\\\.)*"|[^,}\\]\\s]+)';
const SECRET_KEY = BMC_SECRET_ATTRS.map((k) => k.replace(/\./g, '\\.')).join('|');
const PLAIN_SECRET = new RegExp(`("(?:${SECRET_KEY})"\\s*:\\s*)${JSON_VALUE}`, 'g');
const EFFECTIVE_SECRET = new RegExp(`("(?:${SECRET_KEY})"\\s*:\\s*\\{\\s*"value"\\s*:\\s*)${JSON_VALUE}`, 'g');

/**
 * The API's last line of defence (an onSend hook runs it on every JSON answer, cached ones included): every value
 * of a secret attribute — plain ({"bmc.password":…}) or effective ({"bmc.password":{"value":…}}) — and every sealed
 * string wherever it appears (event details, apply diffs) becomes "[redacted]".
 */
export function redactSecretsInJson(text: string): string {
  if (!text.includes('s0enc:') && !BMC_SECRET_ATTRS.some((k) => text.includes(k))) return text;
  return text.replace(SEALED_STRING, `"${REDACTED}"`).replace(EFFECTIVE_SECRET, `$1"${REDACTED}"`).replace(PLAIN_SECRET, (m, key: string) => (m.slice(key.length).startsWith('{') ? m : `${key}"${REDACTED}"`));
}
