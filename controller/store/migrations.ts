/**
 * The database's schema, versioned (SQLite's `PRAGMA user_version`): each migration runs once, in
 * order, each in a transaction with the version it reaches, so an older database opens cleanly
 * after an upgrade and one that was interrupted half-way is never half-migrated. A database newer
 * than this controller is refused rather than written in a shape it does not know.
 *
 * Version 0 is a database from before versioning (OnAir 0.1 created its tables as it went): the
 * first migrations are written to be harmless on one that already has them.
 */
import type Database from 'better-sqlite3';
import { CATALOG_SCHEMA } from './catalog-store.ts';
import { IDENTITY_SCHEMA } from '../identity/identities.ts';
import { PLAN_SCHEMA } from './plan-store.ts';
import { ALERTING_SCHEMA } from '../alerting/alerting-schema.ts';
import { CONSOLE_SESSIONS_SCHEMA } from './session-rows.ts';
import { WALL_LAYOUTS_SCHEMA } from './wall-layout-rows.ts';

const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, online INTEGER NOT NULL, session INTEGER NOT NULL,
  last_seen_at INTEGER, heartbeat_deadline_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  agent TEXT NOT NULL, device TEXT NOT NULL, status TEXT NOT NULL, since INTEGER NOT NULL,
  reported TEXT NOT NULL, detail TEXT, driver TEXT, kind TEXT, PRIMARY KEY (agent, device));
CREATE TABLE IF NOT EXISTS slot_assignments (
  slot TEXT PRIMARY KEY, active_agent TEXT, active_device TEXT, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, type TEXT NOT NULL,
  agent TEXT, device TEXT, slot TEXT, by TEXT, reason TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
`;

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

const hasColumn = (db: Database.Database, table: string, column: string): boolean =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((c) => c.name === column);

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the tables of OnAir 0.1: registry, event log, catalog, plan, identities',
    up: (db) => db.exec(REGISTRY_SCHEMA + CATALOG_SCHEMA + PLAN_SCHEMA + IDENTITY_SCHEMA),
  },
  {
    version: 2,
    description:
      "identities.mosquitto_hash: each login's Mosquitto password-file hash (identities enrolled before get one at their next rotation)",
    up: (db) => {
      if (!hasColumn(db, 'identities', 'mosquitto_hash')) db.exec('ALTER TABLE identities ADD COLUMN mosquitto_hash TEXT');
    },
  },
  {
    version: 3,
    description: "events by type: the console's filters and alarm acknowledgements read one type without scanning the log",
    up: (db) => db.exec('CREATE INDEX IF NOT EXISTS events_type ON events (type, seq)'),
  },
  {
    version: 4,
    description:
      "identities.kdf: each hash's scrypt cost (agents' and controllers' credentials are rehashed at a machine's cost at their next login)",
    up: (db) => {
      if (!hasColumn(db, 'identities', 'kdf')) db.exec("ALTER TABLE identities ADD COLUMN kdf TEXT NOT NULL DEFAULT 'scrypt:16384:8:1'");
    },
  },
  {
    version: 5,
    description: 'events by slot and by device: an events request for one slot or device reads its newest rows without scanning the log',
    up: (db) =>
      db.exec(
        'CREATE INDEX IF NOT EXISTS events_slot ON events (slot, seq); CREATE INDEX IF NOT EXISTS events_device ON events (device, seq)',
      ),
  },
  {
    version: 6,
    description:
      'emergency response: people, studios, contact points, the duty rota, runbooks, alerts, incidents and the notification queue',
    up: (db) => db.exec(ALERTING_SCHEMA),
  },
  {
    version: 7,
    description:
      "console_sessions: the console's sessions (a hash of each id, never the id), so a controller that restarts or takes over keeps them",
    up: (db) => db.exec(CONSOLE_SESSIONS_SCHEMA),
  },
  {
    version: 8,
    description: "wall_layouts: each wall's arrangement per studio (tile order, sizes, hidden tiles), per person and per named screen",
    up: (db) => db.exec(WALL_LAYOUTS_SCHEMA),
  },
  {
    version: 10,
    description: "alerts.owner: the login holding each alert (issue 24's take/release), so 'the alerts I hold' is one indexed read",
    up: (db) => {
      if (!hasColumn(db, 'alerts', 'owner')) db.exec('ALTER TABLE alerts ADD COLUMN owner TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS alerts_owner ON alerts (owner, state)');
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` to SCHEMA_VERSION; throws (changing nothing) on a database from a newer OnAir. */
export function migrate(
  db: Database.Database,
  onMigrated?: (report: MigrationReport) => void,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationReport {
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest)
    throw new Error(
      `the database's schema is version ${from}, newer than this controller knows (${latest}): run the OnAir version that wrote it, or restore a backup`,
    );
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(`${m.version}: ${m.description}`);
  }
  const report = { from, to: Math.max(from, latest), applied };
  if (applied.length > 0) onMigrated?.(report);
  return report;
}
