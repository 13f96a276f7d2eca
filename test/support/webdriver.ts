// A real Chromium driven through Debian's chromedriver over the W3C WebDriver protocol (plain HTTP + JSON), for the
// web UI tests. Headless, its own profile directory, and everything stopped and removed by quit().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeTcpPort } from './free-tcp-port.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMEDRIVER = '/usr/bin/chromedriver';
/** The W3C key under which an element reference travels. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export interface Element {
  readonly id: string;
}

export class Browser {
  private constructor(private readonly base: string, private readonly driver: ChildProcess, private readonly profile: string) {}

  static async start(): Promise<Browser> {
    for (const [file, pkg] of [[CHROMIUM, 'chromium'], [CHROMEDRIVER, 'chromium-driver']]) {
      if (!existsSync(file!)) throw new Error(`${file} is missing: install Debian's ${pkg} (apt-get install -y chromium chromium-driver, or sudo bash scripts/install-test-deps.sh)`);
    }
    const port = await freeTcpPort();
    const driver = spawn(CHROMEDRIVER, [`--port=${port}`, '--allowed-ips=127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    driver.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const base = `http://127.0.0.1:${port}`;
    const profile = await mkdtemp(path.join(tmpdir(), 's0-chromium-'));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${base}/status`).then((r) => r.json() as Promise<{ value?: { ready?: boolean } }>, () => undefined);
      if (ready?.value?.ready) break;
      if (driver.exitCode !== null || Date.now() > deadline) {
        driver.kill('SIGKILL');
        await rm(profile, { recursive: true, force: true });
        throw new Error(`chromedriver did not start: ${stderr}`);
      }
      await sleep(100);
    }
    const b = new Browser(base, driver, profile);
    try {
      const s = await b.send<{ sessionId: string }>('POST', '/session', {
        capabilities: { alwaysMatch: { browserName: 'chrome', 'goog:chromeOptions': {
          binary: CHROMIUM,
          // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
          args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,900', `--user-data-dir=${profile}`],
        } } },
      });
      b.session = s.sessionId;
      return b;
    } catch (err) {
      await b.quit();
      throw err;
    }
  }

  private session = '';

  private async send<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${url}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const json = (await res.json()) as { value: any; sessionId?: string };
    if (!res.ok) throw new Error(`WebDriver ${method} ${url}: ${json.value?.error ?? res.status}: ${String(json.value?.message ?? '').split('\n')[0]}`);
    return json.value as T;
  }

  private s(p: string): string {
    return `/session/${this.session}${p}`;
  }

  go(url: string): Promise<unknown> {
    return this.send('POST', this.s('/url'), { url });
  }

  url(): Promise<string> {
    return this.send<string>('GET', this.s('/url'));
  }

  /** Runs `script` (a function body; arguments as `arguments[i]`) in the page and returns its JSON result. */
  exec<T = unknown>(script: string, ...args: unknown[]): Promise<T> {
    return this.send<T>('POST', this.s('/execute/sync'), { script, args });
  }

  async findAll(css: string): Promise<Element[]> {
    const els = await this.send<Array<Record<string, string>>>('POST', this.s('/elements'), { using: 'css selector', value: css });
    return els.map((e) => ({ id: e[ELEMENT]! }));
  }

  /** The first element matching `css`, waiting for it to appear (views load asynchronously). */
  async find(css: string, timeoutMs = 10_000): Promise<Element> {
    let found: Element | undefined;
    await this.waitFor(async () => (found = (await this.findAll(css))[0]) !== undefined, `an element matching ${css}`, timeoutMs);
    return found!;
  }

  text(el: Element): Promise<string> {
    return this.send<string>('GET', this.s(`/element/${el.id}/text`));
  }

  click(el: Element): Promise<unknown> {
    return this.send('POST', this.s(`/element/${el.id}/click`), {});
  }

  /** Finds and clicks, finding again when the page redrew the element in between (views redraw after a change). */
  async clickOn(css: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.click(await this.find(css));
        return;
      } catch (err) {
        if (attempt >= 3 || !/stale element/.test(String(err))) throw err;
      }
    }
  }

  async type(el: Element, text: string): Promise<void> {
    await this.send('POST', this.s(`/element/${el.id}/clear`), {});
    await this.send('POST', this.s(`/element/${el.id}/value`), { text });
  }

  async select(css: string, value: string): Promise<void> {
    await this.click(await this.find(`${css} option[value="${value}"]`));
  }

  /** Polls `cond` until it holds; fails naming `what` and the page's text when it never does. */
  async waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await cond().catch(() => false)) return;
      if (Date.now() > deadline) {
        const page = await this.exec<string>('return document.body ? document.body.innerText : ""').catch(() => '?');
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the page says:\n${page.slice(0, 2000)}`);
      }
      await sleep(100);
    }
  }

  /** Waits until the element matching `css` shows text matching `re`, and returns that text. */
  async waitForText(css: string, re: RegExp, timeoutMs = 10_000): Promise<string> {
    let last = '';
    await this.waitFor(async () => {
      const els = await this.findAll(css);
      last = els[0] ? await this.text(els[0]) : '';
      return re.test(last);
    }, `${css} to show ${re}`, timeoutMs);
    return last;
  }

  async quit(): Promise<void> {
    if (this.session) await this.send('DELETE', this.s('')).catch(() => undefined);
    this.driver.kill('SIGTERM');
    await new Promise<void>((r) => (this.driver.exitCode !== null ? r() : this.driver.once('exit', () => r())));
    await rm(this.profile, { recursive: true, force: true });
  }
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
