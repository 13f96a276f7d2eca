// Why an install token was refused; the HTTP edge answers 404 for unknown and 410 for the rest, naming no node.

/** Why a token was refused. The caller answers 404 for unknown, 410 for the rest, and never names the node. */
export type Refusal = 'unknown' | 'expired' | 'already used' | 'revoked';

export class TokenRefused extends Error {
  constructor(readonly reason: Refusal) {
    super(`install token refused: ${reason}`);
  }
  get status(): 404 | 410 {
    return this.reason === 'unknown' ? 404 : 410;
  }
}
