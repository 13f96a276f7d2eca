// RMCP+ and RAKP message status codes (IPMI v2.0 §13.24, Table 13-15).

const STATUS: Record<number, string> = {
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session ID',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session ID',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

export const RAKP_STATUS_INVALID_INTEGRITY_CHECK = 0x0f;

export function rmcpPlusStatusText(code: number): string {
  return `${STATUS[code] ?? 'RMCP+ status'} (0x${code.toString(16).padStart(2, '0')})`;
}

/** Statuses that mean "who you are is not accepted", reported as authentication failures. */
export function isAuthStatus(code: number): boolean {
  return code === 0x0d || code === 0x0e || code === 0x0f || code === 0x0a || code === 0x09;
}
