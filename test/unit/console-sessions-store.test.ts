/** Console sessions kept in the store's table (an in-memory SQLite, migrated): what a second process finds there. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConsoleSessions, sessionIdHash } from '../../controller/http/console-sessions.ts';
import { migrate } from '../../controller/store/migrations.ts';
import { SessionRows } from '../../controller/store/session-rows.ts';
import { ManualClock } from '../../lib/clock.ts';

function table() {
  const db = new Database(':memory:');
  migrate(db);
  return { db, rows: new SessionRows(db) };
}

describe('console sessions in the store', () => {
  it('a session opened by one process is valid in the next, with the same CSRF token and expiry; only a hash is stored', () => {
    const { db, rows } = table();
    const clock = new ManualClock(1_000);
    const first = new ConsoleSessions({ clock, idleMs: 10_000, rows });
    const { id, session } = first.open('eve', 'engineer');
    const stored = db.prepare('SELECT * FROM console_sessions').all() as Array<Record<string, unknown>>;
    expect(stored).toEqual([expect.objectContaining({ id_hash: sessionIdHash(id), user: 'eve', role: 'engineer', expires_at: 11_000 })]);
    expect(JSON.stringify(stored)).not.toContain(id);
    expect(JSON.stringify(stored)).not.toContain(session.csrf);

    clock.advance(5_000);
    const second = new ConsoleSessions({ clock, idleMs: 10_000, rows }); // the takeover
    expect(second.find(id)).toMatchObject({ user: 'eve', role: 'engineer', csrf: session.csrf });
    expect(second.find('not-a-session')).toBeUndefined();
  });

  it('renews the stored expiry in steps, and a session idle past it is over in the next process too', () => {
    const { db, rows } = table();
    const clock = new ManualClock(0);
    const first = new ConsoleSessions({ clock, idleMs: 10_000, rows });
    const { id } = first.open('eve', 'engineer');
    const expiry = () => (db.prepare('SELECT expires_at FROM console_sessions').pluck().get() as number | undefined) ?? null;
    clock.advance(500);
    first.find(id);
    expect(expiry()).toBe(10_000); // less than a step (1 s here): not written
    clock.advance(1_000);
    first.find(id);
    expect(expiry()).toBe(11_500);
    clock.advance(11_501);
    expect(new ConsoleSessions({ clock, idleMs: 10_000, rows }).find(id)).toBeUndefined();
    expect(expiry()).toBeNull(); // the expired row went with the load
  });

  it('a logout and a person’s revocation remove their rows; expired rows go in bounded batches', () => {
    const { db, rows } = table();
    const clock = new ManualClock(0);
    const sessions = new ConsoleSessions({ clock, idleMs: 1_000, rows });
    const a = sessions.open('vic', 'viewer');
    sessions.open('vic', 'viewer');
    const c = sessions.open('eve', 'engineer');
    sessions.close(a.id);
    expect(sessions.endFor('vic')).toBe(1);
    const users = () => db.prepare('SELECT user FROM console_sessions').pluck().all();
    expect(users()).toEqual(['eve']);
    expect(new ConsoleSessions({ clock, idleMs: 1_000, rows }).find(c.id)?.user).toBe('eve');

    for (let i = 0; i < 7; i += 1) rows.save({ idHash: `old-${i}`, user: 'old', role: 'viewer', expiresAt: 10 }, 0);
    expect(rows.removeExpired(500, 5)).toBe(5);
    expect(rows.removeExpired(500, 5)).toBe(2);
    expect(users()).toEqual(['eve']);
  });

  it('a row that no longer checks is reported and skipped', () => {
    const { db } = table();
    const corrupt: string[] = [];
    const rows = new SessionRows(db, (t, key, reason) => corrupt.push(`${t} ${key} ${reason}`));
    db.prepare("INSERT INTO console_sessions VALUES ('h', 'eve', 'emperor', 100, NULL)").run();
    expect(new ConsoleSessions({ clock: new ManualClock(0), rows }).find('x')).toBeUndefined();
    expect(corrupt).toHaveLength(1);
  });

  it('says whether the sessions written are committed where a takeover reads them (Store.durable), bounded', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const answers: Array<Promise<boolean> | undefined> = [undefined, Promise.resolve(false), Promise.reject(new Error('gone'))];
    const asked: number[] = [];
    const rows = new SessionRows(db, undefined, (ms) => (asked.push(ms), answers.shift()));
    const sessions = new ConsoleSessions({ clock: new ManualClock(0), rows });
    sessions.open('eve', 'engineer');
    expect(await sessions.committed()).toBe(true); // SQLite alone: written in place
    expect(await sessions.committed(200)).toBe(false); // PostgreSQL did not confirm in time
    expect(await sessions.committed()).toBe(false);
    expect(asked).toEqual([500, 200, 500]);
    expect(await new ConsoleSessions({ clock: new ManualClock(0) }).committed()).toBe(true);
  });
});
