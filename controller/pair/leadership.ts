/**
 * Which of several controllers decides: the one holding a PostgreSQL session-level advisory lock
 * (no home-made consensus; the database already serialises it). The lock lives as long as the
 * session that took it:
 *
 * - kill -9 or a crash closes the socket: PostgreSQL ends the session and frees the lock at once, so
 *   a kill is never waited out: the standby, queued for the lock on the server, is granted it then;
 * - a paused process (SIGSTOP), a frozen VM or a cut network stops the leader's renewals, and the
 *   server's own `idle_session_timeout` / `idle_in_transaction_session_timeout` end its session
 *   after LEASE_MS whatever the network does, freeing the lock for the standby.
 *
 * Each new leader increments a term in `onair_leadership`. Fencing: the leader trusts itself only
 * while its last renewal was SENT less than a lease (minus a margin) ago — the server restarted its
 * idle clock after that moment, so it cannot have ended the session before — which a process resumed
 * after a pause or starved by a loaded machine checks against the monotonic clock, not against its
 * timers; every write it sends checks the term in the same transaction (controller/store/pg-mirror.ts), and
 * agents refuse commands from an older term than the newest they saw.
 *
 * Its session lost (PostgreSQL restarted, a connection reset), the leader does not give up at once:
 * it stops acting, opens a new session, takes the lock again and reads the term. If the lock is free
 * and `onair_leadership` still names its own term, nobody led in between (a new leader always
 * increments the term under the lock), so it carries on in the same term: the writes held meanwhile
 * go out on the new session, the retained states it could not publish go out (controller/broker/announcer.ts).
 * Anything else — the lock held, another term, no database within resumeMs — and it has lost.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage, sleep } from '../../lib/timeout.ts';
import type { LeaderInfo } from '../../protocols/schemas.ts';
import { lockAndTakeTerm, openSession, readTerm, retake } from './lease-session.ts';

import { LEADER_LOCK_KEY } from './lease-session.ts';
export { LEADER_LOCK_KEY } from './lease-session.ts';

export interface LeadershipTiming {
  /** How long the server keeps a silent session (and so the lock) alive. */
  leaseMs: number;
  /** The leader proves it is alive this often. */
  renewMs: number;
  /** The first wait before asking PostgreSQL again after it could not be reached (doubling up to 5 s). */
  pollMs: number;
  /** A leader whose session ended tries this long to take the same term up again on a new one. */
  resumeMs: number;
  /**
   * A standby that could not reach PostgreSQL waits this long once it can again before asking for the
   * lock: a leader that lived through the same outage (retrying every renewMs) takes its term up again
   * first, and the pair does not change leader for a database restart.
   */
  afterOutageMs: number;
}

/**
 * Chosen for a loaded 2-core machine (load average 8–19 measured, docs/deployment.md):
 * - leaseMs 3 s: a process starved for a second or more (seen: renewals 1.2–1.6 s apart at load 7–19)
 *   keeps its session; a kill does not wait for it at all (the socket closes), a pause or a cut is
 *   noticed by the server after it: standby leads after about lease + poll + start ≈ 3.5 s (goal 5 s);
 * - renewMs 250: twelve chances per lease; a renewal costs one primary-key read;
 * - a standby queues for the lock on the server (controller/pair/lease-session.ts lockAndTakeTerm): a killed leader is replaced
 *   as soon as PostgreSQL ends its session, plus the new leader's start (goal: p99 ≤ 1 s);
 * - the leader stops trusting itself FENCE_MARGIN_MS before the server may end its session.
 */
export const DEFAULT_LEADERSHIP_TIMING: LeadershipTiming = {
  leaseMs: 3_000,
  renewMs: 250,
  pollMs: 150,
  resumeMs: 30_000,
  afterOutageMs: 1_000,
};

/** How long before the server may end its session the leader stops acting: what it sends must arrive before another can lead. */
const FENCE_MARGIN_MS = 500;

export interface LeadershipOptions {
  /** postgresql://user@host:port/database */
  url: string;
  password?: string | undefined;
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

export class Leadership {
  /** Until when (performance.now()) this controller may act: the send time of its last proven renewal + lease − margin. */
  private provenUntil: number;
  private lost: string | undefined;
  /** Why the session was lost while a new one is sought; undefined while the session is fine. */
  private suspended: string | undefined;
  private renewing = false;
  private renewer: NodeJS.Timeout | undefined;
  private nextRenewalAt: number;
  private session: pg.Client;
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private readonly freshListeners: Array<() => void> = [];
  /** The event loop's delay, reported with a late renewal (a starved loop is why a lead is lost without a pause). */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  /** Renewals that fired more than a renewal interval late, and the latest gap between two proven renewals. */
  readonly stats = { lateRenewals: 0, worstGapMs: 0, resumed: 0 };
  /** When the lock was granted (performance.now()) and how long that query took: where a takeover's timeline starts. */
  acquired = { lockedAt: 0, lockQueryMs: 0 };

  private constructor(
    private readonly o: LeadershipOptions,
    private readonly timing: LeadershipTiming,
    client: pg.Client,
    readonly info: LeaderInfo,
    provenAt: number,
  ) {
    this.session = client;
    this.provenUntil = provenAt + timing.leaseMs - FENCE_MARGIN_MS;
    this.nextRenewalAt = performance.now() + timing.renewMs;
    this.watch(client);
    this.loopDelay.enable();
    this.schedule();
  }

  /** The session holding the lock: every write of the leader goes through it (a new one after a resumed outage). */
  get client(): pg.Client {
    return this.session;
  }

  /** Waits until this controller holds the lock (a standby until then); resolves as the leader with a new term. */
  static async acquire(o: LeadershipOptions): Promise<Leadership> {
    const timing = { ...DEFAULT_LEADERSHIP_TIMING, ...o.timing };
    const held: { client?: pg.Client | undefined } = {};
    // A stop while queued for the lock: ending the session ends the wait (its query fails).
    const onAbort = (): void => void held.client?.end().catch(() => undefined);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let backoffMs = timing.pollMs;
    let outage = false;
    try {
      for (;;) {
        if (o.signal?.aborted) throw new Error('stopped while waiting to lead');
        try {
          if (!held.client) {
            held.client = await openSession(o, timing);
            if (outage) {
              // The leader may have lived through the same outage: its term first (see afterOutageMs).
              outage = false;
              await sleep(timing.afterOutageMs, o.signal).catch(() => undefined);
              continue;
            }
          }
          const client = held.client;
          const sentAt = performance.now();
          const term = await lockAndTakeTerm(client, timing, o.name);
          if (term !== undefined) {
            const lockedAt = performance.now();
            const info: LeaderInfo = { term, name: o.name, since: Math.round(o.clock.now()) };
            const leadership = new Leadership(o, timing, client, info, sentAt);
            leadership.acquired = { lockedAt, lockQueryMs: lockedAt - sentAt };
            return leadership;
          }
          o.onWaiting?.('another controller holds the lock');
          backoffMs = timing.pollMs;
          continue; // the wait itself was the pause: queue for the lock again at once
        } catch (err) {
          if (o.signal?.aborted) throw new Error('stopped while waiting to lead', { cause: err });
          o.onWaiting?.(`cannot reach PostgreSQL: ${errorMessage(err)}`);
          await held.client?.end().catch(() => undefined);
          held.client = undefined;
          outage = true;
          backoffMs = Math.min(backoffMs * 2, 5_000);
        }
        await sleep(backoffMs, o.signal).catch(() => undefined);
      }
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  get term(): number {
    return this.info.term;
  }

  /** True while this controller may act: the lock held on a live session, proven by a renewal sent less than a lease (minus a margin) ago. */
  fresh(): boolean {
    return this.lost === undefined && this.suspended === undefined && performance.now() < this.provenUntil;
  }

  /** Why it no longer leads, once it does not. */
  get lostReason(): string | undefined {
    return this.lost;
  }

  onLost(listener: (reason: string) => void): void {
    if (this.lost !== undefined) listener(this.lost);
    else this.lostListeners.push(listener);
  }

  /** Called each time the lead is proven again after it was not (a late renewal, a resumed session): what was held may go out. */
  onFresh(listener: () => void): void {
    this.freshListeners.push(listener);
  }

  /** Lost for a reason found elsewhere (a write fenced by a newer term). */
  lose(reason: string): void {
    if (this.lost !== undefined) return;
    this.lost = reason;
    clearTimeout(this.renewer);
    this.loopDelay.disable();
    this.o.log.error({ term: this.info.term, reason }, 'this controller no longer leads: it stops deciding');
    void this.session.end().catch(() => undefined);
    for (const l of this.lostListeners.splice(0)) l(reason);
  }

  private watch(client: pg.Client): void {
    client.on('end', () => client === this.session && this.suspend('its database session ended'));
    client.on('error', (err) => client === this.session && this.suspend(`its database session failed: ${err.message}`));
  }

  /** Renewals on their own timer, one at a time; the next is due renewMs after the last was due, not after it answered. */
  private schedule(): void {
    clearTimeout(this.renewer); // one timer at most, whoever schedules
    if (this.lost !== undefined || this.suspended !== undefined) return;
    const now = performance.now();
    this.renewer = setTimeout(() => void this.renew(), Math.max(0, this.nextRenewalAt - now));
  }

  private async renew(): Promise<void> {
    if (this.lost !== undefined || this.suspended !== undefined) return;
    const firedAt = performance.now();
    const late = firedAt - this.nextRenewalAt;
    this.nextRenewalAt = Math.max(this.nextRenewalAt + this.timing.renewMs, firedAt);
    if (late > this.timing.renewMs) {
      this.stats.lateRenewals += 1;
      this.o.log.warn(
        {
          term: this.info.term,
          lateMs: Math.round(late),
          loopDelayP99Ms: Math.round(this.loopDelay.percentile(99) / 1e6),
          loopDelayMaxMs: Math.round(this.loopDelay.max / 1e6),
        },
        'a lease renewal ran late: the event loop was starved',
      );
      this.loopDelay.reset();
    }
    if (this.renewing) return this.schedule(); // the last one is still out: its answer proves as much
    this.renewing = true;
    const sentAt = performance.now();
    const client = this.session;
    try {
      const { term, holder } = await readTerm(client);
      if (client !== this.session || this.lost !== undefined) return;
      if (term !== this.info.term) return this.lose(`PostgreSQL names term ${term} (${holder}) as the leader's`);
      this.proven(sentAt);
    } catch (err) {
      if (client === this.session) this.suspend(`renewing the lease failed: ${errorMessage(err)}`);
    } finally {
      this.renewing = false;
      this.schedule();
    }
  }

  private proven(sentAt: number): void {
    const wasFresh = performance.now() < this.provenUntil;
    const gap = sentAt + this.timing.leaseMs - FENCE_MARGIN_MS - this.provenUntil;
    this.stats.worstGapMs = Math.max(this.stats.worstGapMs, Math.round(gap));
    this.provenUntil = Math.max(this.provenUntil, sentAt + this.timing.leaseMs - FENCE_MARGIN_MS);
    if (!wasFresh && this.fresh()) for (const l of this.freshListeners) l();
  }

  /** The session is gone or unusable: stop acting, and try to take the same term up again on a new one. */
  private suspend(reason: string): void {
    if (this.lost !== undefined || this.suspended !== undefined) return;
    this.suspended = reason;
    clearTimeout(this.renewer);
    this.o.log.warn({ term: this.info.term, reason }, 'the lead is not proven: acting on nothing until the same term is taken up again');
    // Its backend may outlive the socket a moment (or, cut off, until the server's idle timeout): known by pid below.
    const oldPid = (this.session as pg.Client & { processID?: number | null }).processID ?? undefined;
    void this.session.end().catch(() => undefined);
    void this.resume(reason, oldPid);
  }

  private async resume(reason: string, oldPid: number | undefined): Promise<void> {
    const deadline = performance.now() + this.timing.resumeMs;
    while (this.lost === undefined) {
      if (performance.now() > deadline) return this.lose(`${reason}, and no new session proved the lead within ${this.timing.resumeMs} ms`);
      let client: pg.Client | undefined;
      try {
        client = await openSession(this.o, this.timing);
        const sentAt = performance.now();
        if (!(await retake(client, oldPid, this.o.name))) {
          await client.end().catch(() => undefined);
          return this.lose(`${reason}, and another controller holds the lock now`);
        }
        const { term, holder } = await readTerm(client);
        if (term !== this.info.term) {
          await client.end().catch(() => undefined);
          return this.lose(`${reason}, and PostgreSQL names term ${term} (${holder}) as the leader's now`);
        }
        if (this.lost !== undefined) return void (await client.end().catch(() => undefined));
        // The lock taken again and the term still ours: nobody led in between. Same term, new session.
        this.session = client;
        this.watch(client);
        this.suspended = undefined;
        this.stats.resumed += 1;
        this.o.log.warn({ term: this.info.term, after: reason }, 'took the same term up again on a new database session: still leading');
        this.nextRenewalAt = performance.now() + this.timing.renewMs;
        this.provenUntil = 0;
        this.proven(sentAt);
        this.schedule();
        return;
      } catch {
        await client?.end().catch(() => undefined);
        await sleep(this.timing.renewMs);
      }
    }
  }

  /** Gives the lead up (a clean stop): the standby queued for the lock gets it at once. */
  async release(): Promise<void> {
    if (this.lost === undefined) {
      this.lost = 'released';
      clearTimeout(this.renewer);
      this.loopDelay.disable();
      await this.session.query('SELECT pg_advisory_unlock($1)', [LEADER_LOCK_KEY]).catch(() => undefined);
    }
    await this.session.end().catch(() => undefined);
  }
}
