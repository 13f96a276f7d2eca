// Where the plain-HTTP boot listener binds, from configuration; undefined when it does not run.
import type { Config } from '../../config/config-schema.ts';
import { apiUsesTls } from '../../net/tls-policy.ts';

/**
 * On by default when the API speaks TLS (firmware cannot), off when the API is plain HTTP: then the API listener
 * already serves the boot endpoints and a second port would add nothing. `boot.http.enabled` overrides either way.
 */
export function bootListenerAddress(config: Readonly<Config>): { listen: string; port: number } | undefined {
  const h = config.boot.http;
  const enabled = h.enabled ?? apiUsesTls(config);
  return enabled ? { listen: h.listen ?? config.api.listen, port: h.port } : undefined;
}

/** The port firmware reaches the boot endpoints on: the boot listener's when it runs, else the API's. */
export function bootHttpPort(config: Readonly<Config>): number {
  return bootListenerAddress(config)?.port ?? config.api.port;
}
