/**
 * Which of several controllers decides: the one holding a PostgreSQL session-level advisory lock
 * (no home-made consensus; the database already serialises it). The lock lives as long as the
 * session that took it:
 *
 * - kill -9 or a crash closes the socket: PostgreSQL ends the session and frees the lock at once;
 * - a paused process (SIGSTOP), a frozen VM or a cut network stops the leader's renewals, and the
 *   server's own `idle_session_timeout` / `idle_in_transaction_session_timeout` end its session
 *   after LEASE_MS whatever the network does, freeing the lock for the standby.
 *
 * Each new leader increments a term in `onair_leadership`. Fencing: the leader trusts itself only
 * while its last renewal is younger than the lease (a process resumed after a pause knows at once
 * that it may no longer lead), every write it sends checks the term in the same transaction
 * (controller/pg-mirror.ts), and agents refuse commands from an older term than the newest they saw.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage, sleep } from '../lib/timeout.ts';
import type { LeaderInfo } from '../protocols/schemas.ts';

/** The advisory lock's key: "onair" in ASCII; any process using the same database competes for it. */
export const LEADER_LOCK_KEY = 0x6f6e616972;

export interface LeadershipTiming {
  /** How long the server keeps a silent session (and so the lock) alive. */
  leaseMs: number;
  /** The leader proves it is alive this often. */
  renewMs: number;
  /** A standby asks for the lock this often. */
  pollMs: number;
}

/**
 * A paused or cut-off leader is replaced after lease + poll + loading (about 1.4–1.6 s); it stops
 * trusting itself at lease − renew after its last renewal, before the server can free the lock.
 */
export const DEFAULT_LEADERSHIP_TIMING: LeadershipTiming = { leaseMs: 1_200, renewMs: 200, pollMs: 150 };

export interface LeadershipOptions {
  /** postgresql://user@host:port/database */
  url: string;
  password?: string;
  /** This controller's name, as `onair status` shows the leader. */
  name: string;
  clock: Clock;
  log: Logger;
  timing?: Partial<LeadershipTiming>;
  /** Stop waiting (the process is shutting down). */
  signal?: AbortSignal;
  /** Called with each failed attempt while waiting (no database, lock held by another). */
  onWaiting?: (reason: string) => void;
}


/** Opens a session with the server-side timeouts that make the lease hold even when the network does not. */
async function openSession(o: LeadershipOptions, timing: LeadershipTiming): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: o.url,
    ...(o.password !== undefined ? { password: o.password } : {}),
    connectionTimeoutMillis: 2_000,
    query_timeout: timing.leaseMs,
    keepAlive: true,
    application_name: `onair-controller ${o.name}`.slice(0, 63),
  });
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

export class Leadership {
  private lastRenewedAt = performance.now();
  private lost: string | undefined;
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private readonly renewer: NodeJS.Timeout;

  private constructor(
    private readonly o: LeadershipOptions,
    private readonly timing: LeadershipTiming,
    /** The session holding the lock: every write of the leader goes through it. */
    readonly client: pg.Client,
    readonly info: LeaderInfo,
  ) {
    client.on('end', () => this.lose('its database session ended'));
    client.on('error', (err) => this.lose(`its database session failed: ${err.message}`));
    this.renewer = setInterval(() => void this.renew(), timing.renewMs);
  }

  /** Waits until this controller holds the lock (a standby until then); resolves as the leader with a new term. */
  static async acquire(o: LeadershipOptions): Promise<Leadership> {
    const timing = { ...DEFAULT_LEADERSHIP_TIMING, ...o.timing };
    let client: pg.Client | undefined;
    let backoffMs = timing.pollMs;
    for (;;) {
      if (o.signal?.aborted) throw new Error('stopped while waiting to lead');
      try {
        client ??= await openSession(o, timing);
        const held = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK_KEY]);
        if (held.rows[0]?.ok) {
          const info = await Leadership.newTerm(client, o);
          return new Leadership(o, timing, client, info);
        }
        o.onWaiting?.('another controller holds the lock');
        backoffMs = timing.pollMs;
      } catch (err) {
        o.onWaiting?.(`cannot reach PostgreSQL: ${errorMessage(err)}`);
        await client?.end().catch(() => undefined);
        client = undefined;
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
      await sleep(backoffMs, o.signal).catch(() => undefined);
    }
  }

  private static async newTerm(client: pg.Client, o: LeadershipOptions): Promise<LeaderInfo> {
    const since = o.clock.now();
    await client.query('BEGIN');
    try {
      await client.query('CREATE TABLE IF NOT EXISTS onair_leadership (id INTEGER PRIMARY KEY CHECK (id = 1), term BIGINT NOT NULL, holder TEXT NOT NULL, since BIGINT NOT NULL)');
      await client.query("INSERT INTO onair_leadership (id, term, holder, since) VALUES (1, 0, '', 0) ON CONFLICT (id) DO NOTHING");
      const r = await client.query<{ term: string }>('UPDATE onair_leadership SET term = term + 1, holder = $1, since = $2 WHERE id = 1 RETURNING term', [o.name, since]);
      await client.query('COMMIT');
      return { term: Number(r.rows[0]!.term), name: o.name, since };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  get term(): number {
    return this.info.term;
  }

  /** True while this controller may act: the lock still held, proven less than a lease ago (minus a renewal's margin). */
  fresh(): boolean {
    return this.lost === undefined && performance.now() - this.lastRenewedAt < this.timing.leaseMs - this.timing.renewMs;
  }

  /** Why it no longer leads, once it does not. */
  get lostReason(): string | undefined {
    return this.lost;
  }

  onLost(listener: (reason: string) => void): void {
    if (this.lost !== undefined) listener(this.lost);
    else this.lostListeners.push(listener);
  }

  /** Lost for a reason found elsewhere (a write fenced by a newer term). */
  lose(reason: string): void {
    if (this.lost !== undefined) return;
    this.lost = reason;
    clearInterval(this.renewer);
    this.o.log.error({ term: this.info.term, reason }, 'this controller no longer leads: it stops deciding');
    void this.client.end().catch(() => undefined);
    for (const l of this.lostListeners.splice(0)) l(reason);
  }

  private async renew(): Promise<void> {
    if (this.lost !== undefined) return;
    // After a pause, the time since the last renewal says the session may be gone: stop trusting ourselves first.
    if (performance.now() - this.lastRenewedAt >= this.timing.leaseMs) return this.lose(`no renewal for ${Math.round(performance.now() - this.lastRenewedAt)} ms (paused or cut off): the lease is over`);
    try {
      const r = await this.client.query<{ term: string; holder: string }>('SELECT term, holder FROM onair_leadership WHERE id = 1');
      const term = Number(r.rows[0]?.term ?? NaN);
      if (term !== this.info.term) return this.lose(`PostgreSQL names term ${term} (${r.rows[0]?.holder ?? '?'}) as the leader's`);
      this.lastRenewedAt = performance.now();
    } catch (err) {
      this.lose(`renewing the lease failed: ${errorMessage(err)}`);
    }
  }

  /** Gives the lead up (a clean stop): the standby takes it at its next poll. */
  async release(): Promise<void> {
    if (this.lost === undefined) {
      this.lost = 'released';
      clearInterval(this.renewer);
      await this.client.query('SELECT pg_advisory_unlock($1)', [LEADER_LOCK_KEY]).catch(() => undefined);
    }
    await this.client.end().catch(() => undefined);
  }
}
