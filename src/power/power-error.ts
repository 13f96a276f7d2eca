// PowerError: what went wrong talking to a BMC, as a stable code plus a one-line message.

export type PowerErrorCode =
  | 'timeout' // no (more) answers within the time allowed
  | 'auth' // authentication failed (wrong user or password)
  | 'unreachable' // connection refused, host unknown
  | 'protocol' // malformed or unexpected answer
  | 'bmc-error' // the BMC answered with an error (IPMI completion code, HTTP status)
  | 'tls' // certificate verification failed
  | 'unsupported' // no driver offers what the action needs
  | 'invalid'; // bad node configuration (missing address, unknown driver)

export class PowerError extends Error {
  readonly code: PowerErrorCode;
  constructor(code: PowerErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PowerError';
    this.code = code;
  }
}

/** Rejects with a PowerError('timeout') when the signal aborts; used to race work that may ignore signals. */
export function abortPromise(signal: AbortSignal, what: string): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason instanceof PowerError ? signal.reason : new PowerError('timeout', `${what}: aborted`));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
