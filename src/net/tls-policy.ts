// Whether the API listener speaks TLS, decided from configuration alone (the boot listener and boot settings follow it).
import type { Config } from '../config/config-schema.ts';

/** Loopback addresses: plain HTTP there exposes nothing to the network. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * 'auto' (the default): TLS whenever the API listens on anything but loopback, plain on loopback (nothing leaves the
 * host there, and the CLI on the same host needs no certificate). 'on' / 'off' force it (off off-loopback needs
 * `insecure: true`, checked where the listener starts).
 */
export function apiUsesTls(config: Readonly<Pick<Config, 'api'>>): boolean {
  const { mode } = config.api.tls;
  return mode === 'on' || (mode === 'auto' && !isLoopback(config.api.listen));
}
