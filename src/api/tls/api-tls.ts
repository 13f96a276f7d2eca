// Decides the API listener's TLS from configuration: the operator's certificate, a self-signed one, or plain (loopback only).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../config/load-config.ts';
import type { Config } from '../../config/config-schema.ts';
import { apiUsesTls, isLoopback } from '../../net/tls-policy.ts';
import { certCovers, certFingerprint, ensureSelfSignedCert, type RunProgram } from './self-signed-cert.ts';

export interface ApiTls {
  key: Buffer;
  cert: Buffer;
  certFile: string;
  /** SHA-256 of the served certificate, printed at start so clients can check what they connect to. */
  fingerprint256: string;
  source: 'configured' | 'self-signed-new' | 'self-signed-reused';
  /** Set when the certificate does not name the listen address (clients that check names will refuse it). */
  warning?: string;
}

/** Where a self-signed pair lives: `<dataDir>/tls/{cert,key}.pem`. */
export const tlsDir = (dataDir: string): string => path.join(dataDir, 'tls');

/**
 * undefined = plain HTTP (mode 'auto' on loopback; mode 'off', allowed on loopback or with `insecure: true`). Otherwise the key and certificate
 * for the API listener. A configuration problem is a ConfigError naming the key.
 */
export async function resolveApiTls(config: Readonly<Config>, run?: RunProgram): Promise<ApiTls | undefined> {
  const { tls, listen } = config.api;
  const fail = (key: string, message: string) => new ConfigError('config', [{ key, message }]);
  if (!apiUsesTls(config)) {
    if (!isLoopback(listen) && !tls.insecure) {
      throw fail('api.tls.mode', `'off' on ${listen} would send passwords and tokens in clear; listen on 127.0.0.1, or set api.tls.insecure: true`);
    }
    return undefined;
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) throw fail(tls.certFile ? 'api.tls.keyFile' : 'api.tls.certFile', 'certFile and keyFile go together');
  let pair: { cert: Buffer; key: Buffer; certFile: string; source: ApiTls['source'] };
  if (tls.certFile && tls.keyFile) {
    const read = (key: string, file: string) =>
      readFile(file).catch((err: Error) => {
        throw fail(key, `cannot read ${file}: ${err.message}`);
      });
    pair = { cert: await read('api.tls.certFile', tls.certFile), key: await read('api.tls.keyFile', tls.keyFile), certFile: path.resolve(tls.certFile), source: 'configured' };
  } else {
    const made = await ensureSelfSignedCert(tlsDir(config.dataDir), listen, run);
    pair = { ...made, source: made.created ? 'self-signed-new' : 'self-signed-reused' };
  }
  let fingerprint256: string;
  try {
    fingerprint256 = certFingerprint(pair.cert);
  } catch (err) {
    throw fail('api.tls.certFile', `${pair.certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  const named = listen === '0.0.0.0' || listen === '::' || certCovers(pair.cert, listen);
  return {
    ...pair,
    fingerprint256,
    ...(!named && { warning: `the certificate ${pair.certFile} does not name ${listen}; clients checking names will refuse it (delete it to make a new one)` }),
  };
}
