/**
 * The lease's statements on one PostgreSQL session (controller/pair/leadership.ts decides when): a
 * session whose idle timeouts end it after a lease, the wait for the lock with the next term taken in
 * the same query, the term read back, and a resumed leader taking its own lock up again.
 */
import pg from 'pg';
import { sleep } from '../../lib/timeout.ts';
import { pgClientConfig } from '../store/pg-connection.ts';
import type { LeadershipOptions, LeadershipTiming } from './leadership.ts';

/** The advisory lock's key: "onair" in ASCII; any process using the same database competes for it. */
export const LEADER_LOCK_KEY = 0x6f6e616972;

/** A standby queues for the lock this long per query (see Leadership.lockAndTakeTerm). */
const LOCK_WAIT_MS = 1_000;

/** How the server names a controller's sessions (pg_stat_activity; also how a resumed leader knows its own old backend). */
export const appName = (name: string): string => `onair-controller ${name}`.slice(0, 63);

/** Opens a session with the server-side timeouts that make the lease hold even when the network does not. */
export async function openSession(o: LeadershipOptions, timing: LeadershipTiming): Promise<pg.Client> {
  const client = new pg.Client(
    pgClientConfig(
      { url: o.url, password: o.password },
      {
        connectionTimeoutMillis: 2_000,
        // A query unanswered for a lease: the server has ended a session that sent nothing for that long anyway.
        query_timeout: timing.leaseMs,
        keepAlive: true,
        application_name: appName(o.name),
      },
    ),
  );
  client.on('error', () => undefined); // reported through the leader's renewals or the next attempt
  await client.connect();
  try {
    await client.query(`SET idle_session_timeout = ${timing.leaseMs}; SET idle_in_transaction_session_timeout = ${timing.leaseMs}`);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

export async function readTerm(client: pg.Client): Promise<{ term: number; holder: string }> {
  const r = await client.query<{ term: string; holder: string }>('SELECT term, holder FROM onair_leadership WHERE id = 1');
  return { term: Number(r.rows[0]?.term ?? NaN), holder: r.rows[0]?.holder ?? '?' };
}

/**
 * Queues for the lock on the server for at most LOCK_WAIT_MS (lock_timeout): PostgreSQL grants it
 * the moment the holder's session ends — a killed leader's, at once — instead of at a standby's
 * next poll, which on a loaded machine came late (kill → lock p99 456 ms with a 150 ms poll, load
 * 6–13). Bounded, so a standby cut off from the server does not hold a granted lock past
 * LOCK_WAIT_MS + the idle timeout. The next term is taken in the same query, right behind the
 * grant (until 2026-12-06 a round trip of its own: on a loaded machine each is a wait for two
 * processes' turns, and it is on the path from a kill to the new leader's announcement). The row's
 * `since` is the server's clock at the grant. Undefined: another controller still holds the lock.
 */
export async function lockAndTakeTerm(client: pg.Client, timing: LeadershipTiming, name: string): Promise<number | undefined> {
  const statements = [
    `SET lock_timeout = ${Math.min(LOCK_WAIT_MS, timing.leaseMs)}`,
    `SELECT pg_advisory_lock(${LEADER_LOCK_KEY})`,
    'SET lock_timeout = 0', // the wait's bound is for the wait only: the leader's own statements wait as they always did
    'BEGIN',
    'CREATE TABLE IF NOT EXISTS onair_leadership (id INTEGER PRIMARY KEY CHECK (id = 1), term BIGINT NOT NULL, holder TEXT NOT NULL, since BIGINT NOT NULL)',
    "INSERT INTO onair_leadership (id, term, holder, since) VALUES (1, 0, '', 0) ON CONFLICT (id) DO NOTHING",
    `UPDATE onair_leadership SET term = term + 1, holder = ${client.escapeLiteral(name)}, since = (extract(epoch FROM clock_timestamp()) * 1000)::bigint WHERE id = 1 RETURNING term`,
    'COMMIT',
  ];
  let results: Array<pg.QueryResult<{ term?: string }>>;
  try {
    results = (await client.query(statements.join('; '))) as unknown as Array<pg.QueryResult<{ term?: string }>>;
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') return undefined; // lock_not_available: the wait timed out, before the term's transaction began
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  const term = Number(results[6]?.rows[0]?.term ?? NaN);
  if (!Number.isSafeInteger(term)) throw new Error('onair_leadership gave no term');
  return term;
}

/**
 * The lock on a new session. Held by our own old session (its backend not gone yet after the socket
 * closed): that backend is ended and the lock asked for again at once. A standby queued for the
 * lock (lockAndTakeTerm) is granted it first when that backend ends: a leader whose own session alone
 * was lost while PostgreSQL stayed up loses the lead to it (a new term, fenced as ever); after an
 * outage of PostgreSQL itself the standby's session is gone too and it waits afterOutageMs.
 */
export async function retake(client: pg.Client, oldPid: number | undefined, name: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const held = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK_KEY]);
    if (held.rows[0]?.ok) return true;
    const holder = await client.query<{ pid: number; app: string | null }>(
      `SELECT l.pid, a.application_name AS app FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = $1`,
      [LEADER_LOCK_KEY],
    );
    const row = holder.rows[0];
    if (!row) continue; // freed between the two queries: ask again
    // Ours by pid AND by name (a pid alone could be another backend's after a server restart); anyone else's: lost.
    if (oldPid === undefined || row.pid !== oldPid || row.app !== appName(name)) return false;
    await client.query('SELECT pg_terminate_backend($1)', [oldPid]).catch(() => undefined);
    await sleep(10);
  }
  return false;
}
