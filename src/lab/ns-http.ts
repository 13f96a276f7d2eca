// HTTP requests to servers inside a lab namespace: the host cannot route there, so curl runs inside it (ip netns exec).
import { runInNetns, sleep } from './exec.ts';

export interface NsHttpResponse {
  status: number;
  body: string;
}

/** One request with curl inside netns; status 0 when nothing answered (connection refused, timeout). */
export async function nsHttp(netns: string, method: string, url: string, json?: unknown, headers: Record<string, string> = {}): Promise<NsHttpResponse> {
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '--max-time', '10', '-X', method];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (json !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', '@-');
  args.push(url);
  const r = await runInNetns(netns, 'curl', args, { allowFail: true, input: json === undefined ? undefined : JSON.stringify(json), timeoutMs: 15_000 }).catch(
    (err: Error) => {
      throw new Error(`${err.message}; apt-get install curl`);
    },
  );
  const cut = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(cut + 1)) || 0, body: r.stdout.slice(0, Math.max(cut, 0)) };
}

/** GET + JSON.parse; throws with the status and body when not 2xx. */
export async function nsGetJson<T>(netns: string, url: string, headers: Record<string, string> = {}): Promise<T> {
  const r = await nsHttp(netns, 'GET', url, undefined, headers);
  if (r.status < 200 || r.status > 299) throw new Error(`GET ${url}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
  return JSON.parse(r.body) as T;
}

/** Waits until something answers HTTP at url (any status), or throws after timeoutMs. `alive` stops the wait early. */
export async function waitForHttp(netns: string, url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await nsHttp(netns, 'GET', url)).status > 0) return;
    if (!alive()) throw new Error(`server exited before answering ${url}`);
    await sleep(200);
  }
  throw new Error(`nothing answered ${url} within ${timeoutMs / 1000} s`);
}

/** Waits until a UDP port is bound inside netns (ss from iproute2), e.g. 67 for DHCP. */
export async function waitForUdpPort(netns: string, port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await runInNetns(netns, 'ss', ['-Hlnu', `sport = :${port}`], { allowFail: true });
    if (r.stdout.trim()) return;
    if (!alive()) throw new Error(`server exited before binding UDP ${port}`);
    await sleep(200);
  }
  throw new Error(`nothing bound UDP port ${port} within ${timeoutMs / 1000} s`);
}
