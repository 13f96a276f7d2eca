// Starts a real, throwaway PostgreSQL 15 server for tests: its own temp dir, 127.0.0.1 and a free port, trust auth.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeTcpPort } from './free-tcp-port.ts';

const run = promisify(execFile);

/** Debian's versioned binaries (not /usr/local/bin/pg_ctl, which may be a wrapper of another version). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres — a superuser, trust auth from loopback only. */
  url: string;
  /** `pg_ctl stop -m fast`, then removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * initdb + pg_ctl start as the `postgres` user when running as root (PostgreSQL refuses to run as root),
 * as the current user otherwise. Call stop() in an after() hook; an exit handler also stops it if the process
 * ends without doing so.
 */
export async function startPostgres(): Promise<PostgresServer> {
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(PG_BIN, tool))) {
      throw new Error(`${join(PG_BIN, tool)} is missing: apt-get install postgresql-15 (or run scripts/install-test-deps.sh)`);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 's0-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const asUser = await runAsPostgres(dir);
  const ctl = (args: string[]) => asUser(join(PG_BIN, 'pg_ctl'), args);
  const onExit = () => {
    const stop = [join(PG_BIN, 'pg_ctl'), 'stop', '-m', 'immediate', '-D', data];
    if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'ignore' });
    else spawnSync(stop[0]!, stop.slice(1), { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  try {
    // -N: no fsync during initdb; test data is thrown away.
    await asUser(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    const port = await startOnFreePort(ctl, data, dir, log);
    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', onExit);
        try {
          await ctl(['stop', '-m', 'fast', '-w', '-D', data]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    process.removeListener('exit', onExit);
    onExit();
    throw err;
  }
}

type Runner = (file: string, args: string[]) => Promise<void>;

/** Gives `dir` to the postgres user and returns a runner that executes as that user (or as ourselves if not root). */
async function runAsPostgres(dir: string): Promise<Runner> {
  if (process.getuid?.() !== 0) return async (file, args) => { await run(file, args); };
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
  return async (file, args) => { await run('runuser', ['-u', 'postgres', '--', file, ...args]); };
}

/** The port is free when we look, but another process may take it before the server binds: retry a few times. */
async function startOnFreePort(ctl: (args: string[]) => Promise<void>, data: string, dir: string, log: string): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeTcpPort();
    // Socket dir inside our temp dir; fsync off because the data is disposable.
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      await ctl(['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', opts]);
      return port;
    } catch (err) {
      lastError = err;
      const text = await readFile(log, 'utf8').catch(() => '');
      if (!/could not bind|address already in use/i.test(text)) break;
    }
  }
  const text = await readFile(log, 'utf8').catch(() => '(no log)');
  throw new Error(`PostgreSQL did not start; server log:\n${text.slice(-2000)}`, { cause: lastError });
}

