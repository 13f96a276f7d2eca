// The one error the Neighbor Discovery decoders throw: a machine-readable reason the advertiser counts drops by.

/**
 * Reasons: 'short-message', 'bad-type:<n>', 'bad-code:<n>', 'truncated-option', 'zero-length-option',
 * 'bad-length:<option>', 'bad-value:<option>'.
 */
export class NdpDecodeError extends Error {
  readonly reason: string;

  constructor(reason: string, detail?: string) {
    super(detail === undefined ? `malformed ND message: ${reason}` : `malformed ND message: ${reason} (${detail})`);
    this.name = 'NdpDecodeError';
    this.reason = reason;
  }
}
