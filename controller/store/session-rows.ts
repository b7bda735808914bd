/**
 * The console's sessions in the shared store (`console_sessions`, mirrored to PostgreSQL like every
 * table and loaded by whichever controller takes over), so a takeover does not log everyone out in
 * the middle of an incident. Only a SHA-256 of each session id is kept: the id itself lives in the
 * person's cookie alone, and a copy of the database (a backup, the PostgreSQL mirror) opens no session.
 */
import type Database from 'better-sqlite3';
import { Type } from '@sinclair/typebox';
import { RoleName } from '../../protocols/schemas.ts';
import type { Role } from '../../protocols/access.ts';
import { checkedRows, type CorruptRowHandler } from './stored-rows.ts';

export const CONSOLE_SESSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash TEXT PRIMARY KEY, user TEXT NOT NULL, role TEXT NOT NULL, expires_at INTEGER NOT NULL, body TEXT);
CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions (expires_at);
CREATE INDEX IF NOT EXISTS console_sessions_user ON console_sessions (user);
`;

/** What a row must hold to open a session again. */
const StoredSession = Type.Object({
  idHash: Type.String({ minLength: 1 }),
  user: Type.String({ minLength: 1 }),
  role: RoleName,
  expiresAt: Type.Integer(),
});

export interface StoredSessionRow {
  idHash: string;
  user: string;
  role: Role;
  /** The last use plus the idle limit: past it the session is over. */
  expiresAt: number;
}

/** Expired rows deleted per statement: one login never holds the database for long. */
export const EXPIRED_BATCH = 500;

/** The queries on `console_sessions` (the HTTP side reaches them through the controller's face). */
export class SessionRows {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly onCorrupt: CorruptRowHandler = () => undefined,
    /** Store.durable: on a pair, resolves once what was written is committed in PostgreSQL. */
    private readonly durable: (timeoutMs: number) => Promise<boolean> | undefined = () => undefined,
  ) {
    this.s = {
      save: db.prepare(
        `INSERT INTO console_sessions (id_hash, user, role, expires_at, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id_hash) DO UPDATE SET user = excluded.user, role = excluded.role, expires_at = excluded.expires_at`,
      ),
      renew: db.prepare('UPDATE console_sessions SET expires_at = ? WHERE id_hash = ?'),
      remove: db.prepare('DELETE FROM console_sessions WHERE id_hash = ?'),
      removeUser: db.prepare('DELETE FROM console_sessions WHERE user = ?'),
      removeExpired: db.prepare(
        'DELETE FROM console_sessions WHERE id_hash IN (SELECT id_hash FROM console_sessions WHERE expires_at < ? LIMIT ?)',
      ),
      live: db.prepare(
        'SELECT id_hash, user, role, expires_at FROM console_sessions WHERE expires_at >= ? ORDER BY expires_at DESC LIMIT ?',
      ),
    };
  }

  save(row: StoredSessionRow, openedAt: number): void {
    this.s.save.run(row.idHash, row.user, row.role, row.expiresAt, JSON.stringify({ openedAt }));
  }

  /** True once every write so far is durable (at once with SQLite alone); false after `timeoutMs`. */
  async committed(timeoutMs: number): Promise<boolean> {
    return (await this.durable(timeoutMs)) ?? true;
  }

  renew(idHash: string, expiresAt: number): void {
    this.s.renew.run(expiresAt, idHash);
  }

  remove(idHash: string): void {
    this.s.remove.run(idHash);
  }

  removeUser(user: string): number {
    return this.s.removeUser.run(user).changes;
  }

  /** At most `batch` rows expired before `now`; returns how many went. */
  removeExpired(now: number, batch = EXPIRED_BATCH): number {
    return this.s.removeExpired.run(now, batch).changes;
  }

  /** The sessions not expired at `now`, the longest-idle first (the `max` most recently used); a row that does not check is skipped. */
  live(now: number, max: number): StoredSessionRow[] {
    type Row = { id_hash: string; user: string; role: string; expires_at: number };
    const rows = (this.s.live.all(now, max) as Row[]).reverse().map((r) => ({
      key: r.id_hash.slice(0, 12),
      value: { idHash: r.id_hash, user: r.user, role: r.role, expiresAt: r.expires_at },
    }));
    return checkedRows(StoredSession, 'console_sessions', rows, this.onCorrupt) as StoredSessionRow[];
  }
}
