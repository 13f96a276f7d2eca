// Makes (once) and reuses the self-signed certificate the API serves when no certificate is configured, with openssl(1).
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export interface CertPair {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** Whether this call generated the pair (first start) or found it. */
  created: boolean;
}

/** Runs a program; the seam lets a test see a missing openssl fail with an install hint. */
export type RunProgram = (file: string, args: string[]) => Promise<unknown>;
const runFile: RunProgram = promisify(execFile);

/** localhost, 127.0.0.1, ::1 and the configured host (wildcards name no host, so they add nothing). */
export function subjectAltNames(listenHost: string): string[] {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::') names.add(isIP(listenHost) ? `IP:${listenHost}` : `DNS:${listenHost}`);
  return [...names];
}

/**
 * `<dir>/cert.pem` + `<dir>/key.pem`: reused when both exist, else generated (ECDSA P-256, 825 days, the limit
 * browsers accept for leaf certificates). The directory is 0700 and the key 0600 before any key byte is written;
 * the pair is written under temporary names and renamed, so an interrupted first start leaves no half pair.
 */
export async function ensureSelfSignedCert(dir: string, listenHost: string, run: RunProgram = runFile): Promise<CertPair> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const exists = async (f: string) => stat(f).then(() => true, () => false);
  let created = false;
  if (!((await exists(certFile)) && (await exists(keyFile)))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const tmpCert = `${certFile}.${process.pid}.tmp`;
    const tmpKey = `${keyFile}.${process.pid}.tmp`;
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '825', '-subj', '/CN=stage0 self-signed'];
    args.push('-addext', `subjectAltName=${subjectAltNames(listenHost).join(',')}`, '-addext', 'basicConstraints=critical,CA:FALSE');
    args.push('-addext', 'extendedKeyUsage=serverAuth', '-keyout', tmpKey, '-out', tmpCert);
    try {
      await run('openssl', args);
    } catch (err) {
      await Promise.all([rm(tmpCert, { force: true }), rm(tmpKey, { force: true })]);
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new Error('api.tls: openssl is needed to make the self-signed certificate (apt-get install openssl), or set api.tls.certFile/keyFile');
      throw new Error(`api.tls: openssl failed to make a self-signed certificate: ${String(e.stderr ?? e.message).trim()}`);
    }
    await chmod(tmpKey, 0o600);
    await rename(tmpKey, keyFile);
    await rename(tmpCert, certFile);
    created = true;
  }
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  if (((await stat(keyFile)).mode & 0o077) !== 0) await chmod(keyFile, 0o600);
  return { certFile, keyFile, cert, key, created };
}

/** SHA-256 fingerprint of the first certificate in a PEM, as OpenSSL prints it (AA:BB:...). */
export function certFingerprint(pem: Buffer | string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Whether the certificate names `host` (so clients that check names accept it). */
export function certCovers(pem: Buffer | string, host: string): boolean {
  const cert = new X509Certificate(pem);
  return isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
}
