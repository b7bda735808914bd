/**
 * A throwaway PostgreSQL server for integration tests: Debian's `postgresql` package (installed by
 * .ci/run), a new cluster in a temp dir on a free loopback port, no unix socket in shared places.
 * Logins as production has them: every connection (local and TCP) must give a scram-sha-256
 * password (initdb --auth=scram-sha-256 with a password file), and the databases belong to an
 * `onair` role that is no superuser. The tests' own clients use URLs with the password in them;
 * controllers get a password-less URL and a password file (`login`), as their config asks. Run as the `postgres` user when the tests run as root (the server refuses root).
 * Tests that need it are skipped where no PostgreSQL is installed, as Mosquitto's are.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './processes.ts';

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory (Debian keeps each major version apart). */
export function postgresBin(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(path.join(DEBIAN_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(DEBIAN_ROOT, versions[0], 'bin') : undefined;
}

export const hasPostgres = (): boolean => postgresBin() !== undefined;

export interface TestPostgres {
  /** A new, empty database owned by the `onair` role, as a connection URL with that role's password in it. */
  database(name?: string): Promise<string>;
  /**
   * A controller's `postgres` settings for a URL from `database()`: the URL without its password and
   * a password file (mode 0600) written in `dir`.
   */
  login(url: string, dir: string): { url: string; passwordFile: string };
  /** The server's port (a proxy in front of it can cut connections). */
  port: number;
  /** Stops the server immediately (every connection ends) and, with `restart`, brings it back on the same port. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Ends the server and removes its files. */
  close(): Promise<void>;
}

let databases = 0;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-pg-'));
  chmodSync(dir, 0o777); // the postgres user writes here when the tests run as root
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot
      ? (['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] as const)
      : ([path.join(bin, cmd), args] as const);
    const r = spawnSync(full[0], full[1], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0)
      throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).slice(0, 2000)}`);
  };
  const adminPassword = randomBytes(18).toString('base64url');
  const onairPassword = `${randomBytes(12).toString('base64url')}:@/%`; // characters a URL must encode
  const pwfile = path.join(dir, 'initdb.password');
  writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o644 }); // read by the postgres user when run as root; removed below
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync', '-E', 'UTF8']);
  rmSync(pwfile);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  const start = (): void => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  start();
  const admin = `postgresql://postgres:${adminPassword}@127.0.0.1:${port}/postgres`;
  const adminQuery = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await adminQuery(`CREATE ROLE onair LOGIN PASSWORD '${onairPassword}'`);
  const onairUser = `onair:${encodeURIComponent(onairPassword)}`;
  let passwordFiles = 0;
  return {
    port,
    login(url, into) {
      passwordFiles += 1;
      const passwordFile = path.join(into, `postgres-${passwordFiles}.password`);
      writeFileSync(passwordFile, `${onairPassword}\n`, { mode: 0o600 });
      return { url: url.replace(`//${onairUser}@`, '//onair@'), passwordFile };
    },
    async database(name) {
      databases += 1;
      const db = name ?? `onair_test_${process.pid}_${databases}`;
      await adminQuery(`CREATE DATABASE ${db} OWNER onair`);
      return `postgresql://${onairUser}@127.0.0.1:${port}/${db}`;
    },
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    async restart() {
      start();
    },
    async close() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a controller named `name` has a session open on the database at `url` (standing by, or leading). */
export async function hasSession(url: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      Number(
        (
          await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1', [
            `onair-controller ${name}`,
          ])
        ).rows[0]!.n,
      ) > 0
    );
  } finally {
    await client.end();
  }
}

/** One query on its own connection to the database at `url` (a test reading what a pair wrote): the rows. */
export async function queryRows<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
