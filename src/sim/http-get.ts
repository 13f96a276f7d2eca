// One HTTP GET as iPXE does it: a fresh connection from the client's own address, body counted (and kept when small).
import http from 'node:http';

export interface HttpGetResult {
  status: number;
  bytes: number;
  /** The body as text when keepBody (boot scripts). */
  body?: string;
}

export function httpGet(url: string, o: { localAddress?: string; keepBody?: boolean; timeoutMs?: number } = {}): Promise<HttpGetResult> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, localAddress: o.localAddress, timeout: o.timeoutMs ?? 60_000, headers: { 'user-agent': 'iPXE/1.21 (stage0-sim)' } }, (res) => {
      let bytes = 0;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (o.keepBody) parts.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ...(o.keepBody && { body: Buffer.concat(parts).toString('utf8') }) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no progress for ${o.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
  });
}

/** `kernel URL …` and `initrd URL …` lines of an iPXE script, in order (what the client fetches next). */
export function ipxeScriptFetches(script: string): Array<{ kind: 'kernel' | 'initrd'; url: string }> {
  const out: Array<{ kind: 'kernel' | 'initrd'; url: string }> = [];
  for (const line of script.split('\n')) {
    const m = /^\s*(kernel|initrd|chain)\s+(?:--\S+\s+)*(https?:\/\/\S+)/.exec(line);
    if (m) out.push({ kind: m[1] === 'initrd' ? 'initrd' : 'kernel', url: m[2]! });
  }
  return out;
}
