// The MAC a firmware request names (`?mac=` or a path segment): accepted as aa:bb:… or aa-bb-…, any case.

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

/** The normalised MAC (lowercase, colons), or undefined when the value is not exactly one MAC (repeated → array → no). */
export function parseMac(raw: unknown): string | undefined {
  return typeof raw === 'string' && MAC.test(raw) ? raw.toLowerCase().replace(/-/g, ':') : undefined;
}
