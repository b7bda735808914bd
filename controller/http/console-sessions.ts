/**
 * The console's logins: a random session id in an HttpOnly, SameSite=Strict cookie, and a second
 * random value (the CSRF token) that the page must echo in a header on every write. A cross-site
 * form can carry the cookie (older browsers) but cannot read the token. Sessions live in memory: a
 * controller restart logs everyone out, which a page answers by showing the login again.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import type { Role } from '../../protocols/access.ts';

export interface ConsoleSession {
  user: string;
  role: Role;
  csrf: string;
  /** Last use; a session idle longer than `idleMs` is over. */
  usedAt: number;
}

export const SESSION_COOKIE = 'onair_session';
export const CSRF_HEADER = 'x-onair-csrf';

export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();

  /** `idleMs`: a show day (12 h) by default; `max`: the oldest session goes past it. */
  constructor(private readonly o: { clock: Clock; idleMs?: number; max?: number }) {}

  get idleMs(): number {
    return this.o.idleMs ?? 12 * 3_600_000;
  }

  open(user: string, role: Role): { id: string; session: ConsoleSession } {
    const id = randomBytes(32).toString('base64url');
    const session = { user, role, csrf: randomBytes(24).toString('base64url'), usedAt: this.o.clock.now() };
    this.sessions.set(id, session);
    if (this.sessions.size > (this.o.max ?? 10_000)) this.sessions.delete(this.sessions.keys().next().value!);
    return { id, session };
  }

  /** The live session of a cookie value, its idle time renewed; undefined when unknown or expired. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.o.clock.now();
    if (now - session.usedAt > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.usedAt = now;
    this.sessions.delete(id); // re-insert: the Map stays least recently used first
    this.sessions.set(id, session);
    return session;
  }

  /** A write from a session must carry its CSRF token (constant-time compare). */
  static csrfMatches(session: ConsoleSession, header: unknown): boolean {
    if (typeof header !== 'string') return false;
    const [a, b] = [Buffer.from(session.csrf), Buffer.from(header)];
    return a.length === b.length && timingSafeEqual(a, b);
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** A person removed, re-added or given a new password or role: their open sessions end. */
  endFor(user: string): number {
    let ended = 0;
    for (const [id, s] of this.sessions) if (s.user === user && this.sessions.delete(id)) ended += 1;
    return ended;
  }

  get size(): number {
    return this.sessions.size;
  }
}
