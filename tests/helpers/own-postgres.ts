import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { freePort } from './redis-server.js';

const BIN = process.env.PG_BIN ?? `/usr/lib/postgresql/${process.env.PG_MAJOR ?? '15'}/bin`;

export interface OwnPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db: string, user?: string): string;
  /** Stops the server at once, as a crash or a failover would (connections are cut). */
  stop(): void;
  start(): void;
}

/** Runs a PostgreSQL binary as the `postgres` OS user (the server refuses to run as root). */
function asPostgres(cmd: string, args: string[]): string {
  const [file, argv] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]] : [join(BIN, cmd), args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts (and registers for removal) a server on the data directory `data` inside `dir`. */
function serve(dir: string, data: string, port: number): OwnPostgres {
  const start = () => {
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      '-w',
      'start',
    ]);
  };
  const stop = () => {
    asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  start();
  afterAll(() => {
    try {
      stop();
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    port,
    url: (db, user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${db}`,
    stop,
    start,
  };
}

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reos-pg-'));
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * A PostgreSQL server of the test's own (Debian's binaries) in a temporary directory on a free
 * port, trust authentication on loopback (replication connections included), so a test can take it
 * down without touching the shared one. Removed after the file's tests.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = newDir();
  const data = join(dir, 'data');
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  return serve(dir, data, port);
}

/**
 * A streaming replica of `primary` (a hot standby): `pg_basebackup -R` copies the primary and
 * writes the standby settings, and the copy follows the primary's WAL from then on. Read-only;
 * `select pg_wal_replay_pause()` on it holds it behind the primary, `pg_wal_replay_resume()` lets it catch up.
 */
export async function startOwnStandby(primary: OwnPostgres): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = newDir();
  const data = join(dir, 'data');
  asPostgres(
    'pg_basebackup',
    ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'].concat([
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '--no-sync',
      '-c',
      'fast',
    ]),
  );
  return serve(dir, data, port);
}
