// The one error the DHCP decoder throws: a machine-readable reason the service counts drops by.

/**
 * Reasons: 'short-header', 'bad-cookie', 'bad-op', 'bad-hlen', 'truncated-option',
 * 'bad-length:<code>', 'bad-value:<code>', 'missing-message-type', 'bad-message-type:<n>',
 * 'bad-overload', 'missing-end'.
 */
export class DhcpDecodeError extends Error {
  readonly reason: string;

  constructor(reason: string, detail?: string) {
    super(detail === undefined ? `malformed DHCP packet: ${reason}` : `malformed DHCP packet: ${reason} (${detail})`);
    this.name = 'DhcpDecodeError';
    this.reason = reason;
  }
}

/** Thrown by the encoder: the packet cannot be put on the wire as asked (too big, value out of range). */
export class DhcpEncodeError extends Error {
  readonly reason: string;

  constructor(reason: string, detail?: string) {
    super(detail === undefined ? `cannot encode DHCP packet: ${reason}` : `cannot encode DHCP packet: ${reason} (${detail})`);
    this.name = 'DhcpEncodeError';
    this.reason = reason;
  }
}
