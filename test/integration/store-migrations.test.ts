/**
 * The database has a schema version and migrations (real SQLite files): a database written before
 * versioning opens cleanly after an upgrade, its events are read back checked against their types,
 * and a database from a newer OnAir is refused without being touched.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../controller/store/migrations.ts';
import { Store } from '../../controller/store/store.ts';
import { cleanupAfterEach } from './helpers.ts';

const cleanup = cleanupAfterEach();

/** The tables as OnAir 0.1 created them, before versioning (no events_type index, no mosquitto_hash). */
function legacyDatabase(file: string): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE agents (id TEXT PRIMARY KEY, online INTEGER NOT NULL, session INTEGER NOT NULL, last_seen_at INTEGER, heartbeat_deadline_ms INTEGER NOT NULL);
    CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, type TEXT NOT NULL, agent TEXT, device TEXT, slot TEXT, by TEXT, reason TEXT, data TEXT NOT NULL);
    CREATE INDEX events_ts ON events (ts);
    CREATE TABLE identities (kind TEXT NOT NULL, name TEXT NOT NULL, role TEXT, salt BLOB NOT NULL, hash BLOB NOT NULL, created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL, revoked_at INTEGER, PRIMARY KEY (kind, name));
    INSERT INTO agents VALUES ('agent-a', 1, 7, 1000, 3000);
    INSERT INTO events (seq, ts, type, agent, device, data) VALUES (1, 1000, 'device.state', 'agent-a', 'cam-1', '{"from":"ok","to":"failed","failingSince":900}');
    INSERT INTO events (seq, ts, type, slot, by, reason, data) VALUES (2, 1100, 'failover.succeeded', 'studio-a/cam', 'controller', 'cam-1 failed', '{"from":"agent-a/cam-1","to":"agent-b/cam-2","durationMs":80,"attempts":[]}');
    INSERT INTO events (seq, ts, type, data) VALUES (3, 1200, 'legacy.thing', '{}');
    INSERT INTO events (seq, ts, type, agent, device, data) VALUES (4, 1300, 'device.state', 'agent-a', 'cam-1', '{"from":"failed","to":"sideways"}');
    INSERT INTO events (seq, ts, type, data) VALUES (5, 1400, 'broker.lost', '{not json');
  `);
  db.close();
}

describe('the database schema and its migrations', () => {
  it('opens a database from before versioning: migrated, its valid events read back typed, the others reported', async () => {
    const dir = cleanup.tempDir();
    legacyDatabase(path.join(dir, 'onair.sqlite'));
    const corrupt: string[] = [];
    const migrated: string[][] = [];
    const store = new Store(dir, {
      onCorrupt: (table, key, reason) => corrupt.push(`${table}#${key}: ${reason}`),
      onMigrated: (r) => migrated.push(r.applied),
    });
    try {
      expect(migrated).toEqual([MIGRATIONS.map((m) => `${m.version}: ${m.description}`)]);
      const events = await store.history.events({ limit: 100 });
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      const first = events[0]!;
      expect(first.type === 'device.state' && first.data.failingSince).toBe(900);
      expect([...corrupt].sort()).toEqual([
        'events#3: unknown event type "legacy.thing" (written by a newer version?)',
        'events#4: /data/to: Expected union value',
        expect.stringMatching(/^events#5: not JSON/),
      ]);
      expect(store.loadAgents().map((a) => a.id)).toEqual(['agent-a']);
      // The new numbering continues after the old log's.
      expect(store.appendEvent({ type: 'broker.restored', ts: 2000, data: {} }).seq).toBe(6);
    } finally {
      await store.close();
    }
    const db = new Database(path.join(dir, 'onair.sqlite'), { readonly: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'events_type'").get()).toEqual({
      name: 'events_type',
    });
    db.close();
    // Opened again: nothing left to migrate.
    const again: unknown[] = [];
    await new Store(dir, { onMigrated: (r) => again.push(r) }).close();
    expect(again).toEqual([]);
  });

  it('refuses a database from a newer OnAir without touching it', () => {
    const dir = cleanup.tempDir();
    const file = path.join(dir, 'onair.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new Store(dir)).toThrow(
      `the database's schema is version ${SCHEMA_VERSION + 1}, newer than this controller knows (${SCHEMA_VERSION})`,
    );
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    after.close();
  });

  it('a migration that fails leaves the database at the last version that completed', () => {
    const dir = cleanup.tempDir();
    const db = new Database(path.join(dir, 'onair.sqlite'));
    const failing = [
      MIGRATIONS[0]!,
      {
        version: 2,
        description: 'breaks half-way',
        up: (d: Database.Database) => (d.exec('CREATE TABLE half (x)'), d.exec('SELECT nonsense FROM nowhere')),
      },
    ];
    expect(() => migrate(db, undefined, failing)).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });
});
