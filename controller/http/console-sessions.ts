/**
 * The console's logins: a random session id in an HttpOnly, SameSite=Strict cookie, and a second
 * value (the CSRF token) that the page must echo in a header on every write. A cross-site form can
 * carry the cookie (older browsers) but cannot read the token. The token is derived from the id (a
 * hash under its own label), so any controller holding the cookie's session gives the same token.
 *
 * With `rows` (the shared store's console_sessions, controller/store/session-rows.ts) sessions
 * survive a restart and a takeover: the table holds a SHA-256 of each id, never the id, and is read
 * once when the HTTP side starts; requests are answered from the map in front of it. A session's
 * renewed expiry is written at most once per `renewStep` (so a busy page does not write per request):
 * after a takeover a session may end up to that much earlier than it would have.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Role } from '../../protocols/access.ts';
import type { SessionRows } from '../store/session-rows.ts';

export interface ConsoleSession {
  user: string;
  role: Role;
  csrf: string;
  /** Last use; a session idle longer than `idleMs` is over. */
  usedAt: number;
}

/** A session in the map: its CSRF token is known once its cookie was seen (it is derived from the id). */
type HeldSession = Omit<ConsoleSession, 'csrf'> & { csrf?: string; storedExpiresAt: number };

export const SESSION_COOKIE = 'onair_session';
export const CSRF_HEADER = 'x-onair-csrf';

/** What is stored of a session id: its SHA-256, so a copy of the table opens nothing. */
export const sessionIdHash = (id: string): string => createHash('sha256').update(id).digest('base64url');
const csrfOf = (id: string): string => createHash('sha256').update('onair-csrf\0').update(id).digest('base64url');

export interface ConsoleSessionsOptions {
  clock: Clock;
  /** A show day (12 h) by default. */
  idleMs?: number;
  /** Sessions held at most: past it the least recently used one ends. */
  max?: number;
  /** The shared store's table; without it sessions live in this process alone. */
  rows?: SessionRows | undefined;
  log?: Logger | undefined;
}

export class ConsoleSessions {
  /** By id hash, least recently used first. */
  private readonly sessions = new Map<string, HeldSession>();

  constructor(private readonly o: ConsoleSessionsOptions) {
    const now = o.clock.now();
    this.stored('load the stored sessions', (rows) => {
      rows.removeExpired(now);
      for (const r of rows.live(now, this.max))
        this.sessions.set(r.idHash, { user: r.user, role: r.role, usedAt: r.expiresAt - this.idleMs, storedExpiresAt: r.expiresAt });
    });
  }

  get idleMs(): number {
    return this.o.idleMs ?? 12 * 3_600_000;
  }

  private get max(): number {
    return this.o.max ?? 10_000;
  }

  /** How far the renewed expiry may run ahead of the stored one. */
  private get renewStep(): number {
    return Math.min(60_000, this.idleMs / 10);
  }

  open(user: string, role: Role): { id: string; session: ConsoleSession } {
    const id = randomBytes(32).toString('base64url');
    const hash = sessionIdHash(id);
    const now = this.o.clock.now();
    const session = { user, role, csrf: csrfOf(id), usedAt: now };
    this.sessions.set(hash, { ...session, storedExpiresAt: now + this.idleMs });
    this.stored('store a new session', (rows) => {
      rows.save({ idHash: hash, user, role, expiresAt: now + this.idleMs }, now);
      rows.removeExpired(now); // one bounded batch per login: the table never grows past the live sessions for long
    });
    if (this.sessions.size > this.max) this.end(this.sessions.keys().next().value!);
    return { id, session };
  }

  /**
   * Resolves once the sessions written so far are committed where a takeover reads them (on a pair,
   * PostgreSQL; at once otherwise), or after `timeoutMs`: a login is answered after it, so a leader
   * killed right after answering does not take the new session with it. False when not committed.
   */
  async committed(timeoutMs = 500): Promise<boolean> {
    if (!this.o.rows) return true;
    return this.o.rows.committed(timeoutMs).catch(() => false);
  }

  /** The live session of a cookie value, its idle time renewed; undefined when unknown or expired. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const hash = sessionIdHash(id);
    const held = this.sessions.get(hash);
    if (!held) return undefined;
    const now = this.o.clock.now();
    if (now - held.usedAt > this.idleMs) {
      this.end(hash);
      return undefined;
    }
    held.usedAt = now;
    held.csrf ??= csrfOf(id);
    this.sessions.delete(hash); // re-insert: the Map stays least recently used first
    this.sessions.set(hash, held);
    const expiresAt = now + this.idleMs;
    if (expiresAt - held.storedExpiresAt >= this.renewStep) {
      held.storedExpiresAt = expiresAt;
      this.stored('renew a session', (rows) => rows.renew(hash, expiresAt));
    }
    return held as HeldSession & ConsoleSession;
  }

  /** A write from a session must carry its CSRF token (constant-time compare). */
  static csrfMatches(session: ConsoleSession, header: unknown): boolean {
    if (typeof header !== 'string') return false;
    const [a, b] = [Buffer.from(session.csrf), Buffer.from(header)];
    return a.length === b.length && timingSafeEqual(a, b);
  }

  close(id: string | undefined): void {
    if (id) this.end(sessionIdHash(id));
  }

  /** A person removed, re-added or given a new password or role: their open sessions end, here and in the store. */
  endFor(user: string): number {
    let ended = 0;
    for (const [hash, s] of this.sessions) if (s.user === user && this.sessions.delete(hash)) ended += 1;
    this.stored("end a person's sessions", (rows) => rows.removeUser(user));
    return ended;
  }

  private end(hash: string): void {
    this.sessions.delete(hash);
    this.stored('remove a session', (rows) => rows.remove(hash));
  }

  /** A store that refuses a write costs the session its life across a takeover, never the request. */
  private stored(what: string, work: (rows: SessionRows) => void): void {
    if (!this.o.rows) return;
    try {
      work(this.o.rows);
    } catch (err) {
      this.o.log?.warn({ err: (err as Error).message }, `could not ${what} in the store: console sessions stay in this process`);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}
