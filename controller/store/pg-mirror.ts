/**
 * The PostgreSQL backend. The controller keeps deciding on a working copy of the database in memory
 * (the same SQLite schema, migrations and queries as the embedded default, so no read or write on the
 * hot path waits for a network), and every change to it reaches PostgreSQL in order:
 *
 * - The PostgreSQL tables are derived from the migrated SQLite schema (same tables, columns and keys;
 *   a column a later migration adds is added there too), so the two can never drift apart.
 * - At start (and at every takeover) the working copy is loaded from PostgreSQL: current state only.
 *   History (HISTORY_TABLES: the event log, which only grows) is never loaded: it is read where it
 *   lives, bounded (controller/store/history-postgres.ts). An event the leader writes is sent like any
 *   change and leaves the working copy once PostgreSQL committed it (its delete is not mirrored).
 *   The devices' metric samples are history the same way (controller/store/health-samples-postgres.ts).
 * - Triggers on every table append each change to an outbox in the working copy; a drain sends the
 *   outbox to PostgreSQL in one transaction per batch that first checks the leader's term
 *   (controller/pair/leadership.ts): a controller that lost the lead cannot write a single row.
 * - While PostgreSQL refuses writes the outbox holds them, bounded only by memory, and the storage
 *   alarm says so; they go in order when it takes them again.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

type Affinity = 'integer' | 'real' | 'text' | 'blob';
interface Column {
  name: string;
  affinity: Affinity;
  notNull: boolean;
}
export interface MirroredTable {
  name: string;
  columns: Column[];
  key: string[];
}

const OUTBOX = '_onair_outbox';
/** Append-only tables that stay in PostgreSQL: not loaded at takeover, a local delete not mirrored. */
export const HISTORY_TABLES: ReadonlySet<string> = new Set(['events', 'health_samples']);
const q = (id: string): string => `"${id.replaceAll('"', '""')}"`;

function affinityOf(declared: string): Affinity {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  if (t.includes('BLOB')) return 'blob';
  return 'text';
}

/** Every table of the working copy (not SQLite's own, not the outbox), with its columns and key. */
export function mirroredTables(db: Database.Database): MirroredTable[] {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != ? ORDER BY name")
    .pluck()
    .all(OUTBOX) as string[];
  return names.map((name) => {
    const info = db.prepare(`PRAGMA table_info(${q(name)})`).all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
    const key = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (key.length === 0) throw new Error(`table ${name} has no primary key: it cannot be mirrored`);
    return { name, key, columns: info.map((c) => ({ name: c.name, affinity: affinityOf(c.type), notNull: c.notnull === 1 || c.pk > 0 })) };
  });
}

const PG_TYPE: Record<Affinity, string> = { integer: 'BIGINT', real: 'DOUBLE PRECISION', text: 'TEXT', blob: 'BYTEA' };

/** The PostgreSQL table for a SQLite one: same name, columns (by affinity) and primary key. */
export function postgresTable(t: MirroredTable): string {
  const cols = t.columns.map((c) => `${q(c.name)} ${PG_TYPE[c.affinity]}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${q(t.name)} (${cols.join(', ')}, PRIMARY KEY (${t.key.map(q).join(', ')}))`;
}

/** Every column of every table PostgreSQL has in the current schema: what syncPostgresSchema compares with. */
const CATALOGUE = `SELECT c.relname AS table_name, a.attname AS column_name FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid JOIN pg_namespace n ON c.relnamespace = n.oid
       WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`;

/** Creates what is missing in PostgreSQL (tables, and columns a later migration added), from one catalogue query. */
export async function syncPostgresSchema(client: pg.ClientBase, tables: MirroredTable[]): Promise<void> {
  await addMissing(client, tables, (await client.query<CatalogueRow>(CATALOGUE)).rows);
}

type CatalogueRow = { table_name: string; column_name: string };

/** The DDL for what the catalogue lacks; nothing is sent when nothing is missing (the usual case). */
async function addMissing(client: pg.ClientBase, tables: MirroredTable[], rows: CatalogueRow[]): Promise<void> {
  const existing = new Map<string, Set<string>>();
  for (const r of rows) existing.set(r.table_name, (existing.get(r.table_name) ?? new Set()).add(r.column_name));
  for (const t of tables) {
    const columns = existing.get(t.name);
    if (!columns) {
      await client.query(postgresTable(t));
      continue;
    }
    for (const c of t.columns) {
      // A column added later is nullable there: rows written before it stay valid (the migration's default is applied on load).
      if (!columns.has(c.name)) await client.query(`ALTER TABLE ${q(t.name)} ADD COLUMN IF NOT EXISTS ${q(c.name)} ${PG_TYPE[c.affinity]}`);
    }
  }
}

/** Rows read from PostgreSQL in one snapshot, to copy into a working copy. */
export type Snapshot = Array<{ t: MirroredTable; rows: Array<Record<string, unknown>> }>;

/** Reads `tables` (never HISTORY_TABLES) in one snapshot, and the last event number. */
export async function readSnapshot(client: pg.ClientBase, tables: MirroredTable[]): Promise<{ snapshot: Snapshot; lastSeq: number }> {
  const snapshot: Snapshot = [];
  let lastSeq: number;
  // One snapshot of every table: a leader writing meanwhile cannot leave the copy half old, half new.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const t of tables)
      if (!HISTORY_TABLES.has(t.name))
        snapshot.push({ t, rows: (await client.query<Record<string, unknown>>(`SELECT * FROM ${q(t.name)}`)).rows });
    lastSeq = Number((await client.query<{ seq: string | null }>('SELECT MAX(seq) AS seq FROM events')).rows[0]?.seq ?? 0);
  } finally {
    await client.query('COMMIT');
  }
  return { snapshot, lastSeq };
}

/** Writes a snapshot's rows into the working copy (synchronous, inside the caller's transaction if any). Returns the rows. */
export function applySnapshot(db: Database.Database, snapshot: Snapshot): number {
  let copied = 0;
  const statements = new Map<string, Database.Statement>();
  for (const { t, rows } of snapshot) {
    for (const row of rows) {
      // Columns PostgreSQL holds as NULL where SQLite has a default (a column a migration added) keep SQLite's default.
      const cols = t.columns.filter((c) => row[c.name] !== null && row[c.name] !== undefined);
      const sql = `INSERT OR REPLACE INTO ${q(t.name)} (${cols.map((c) => q(c.name)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      statement.run(...cols.map((c) => toSqlite(row[c.name], c.affinity)));
      copied += 1;
    }
  }
  return copied;
}

/**
 * Copies PostgreSQL's current state (every table but HISTORY_TABLES) into the (empty, migrated)
 * working copy. Returns the rows copied and the last event number (numbering goes on from there).
 */
export async function loadWorkingCopy(
  client: pg.ClientBase,
  db: Database.Database,
  tables: MirroredTable[],
): Promise<{ rows: number; lastSeq: number }> {
  const { snapshot, lastSeq } = await readSnapshot(client, tables);
  return { rows: db.transaction(() => applySnapshot(db, snapshot))(), lastSeq };
}

/** What a takeover reads besides the state tables, in the same round trip. */
export interface TakeoverReads {
  /** Read inside the snapshot (one row or a few: it runs on the leader's session). */
  inSnapshot?: string[];
  /** Sent after the snapshot's COMMIT (LISTEN takes effect only then). */
  after?: string[];
  /** A takeover's timeline: marks `answered` when PostgreSQL's answer is in, before it is copied. */
  mark?: (step: string) => void;
}

/** PostgreSQL's own rows into a working copy whose changes are captured already: nothing of them goes back to it. */
function copyIn(db: Database.Database, snapshot: Snapshot): number {
  return db.transaction(() => {
    const rows = applySnapshot(db, snapshot);
    forgetChangesAfter(db, 0);
    return rows;
  })();
}

/**
 * A takeover's load in ONE round trip (one simple-protocol query): the schema's catalogue, every
 * state table in one REPEATABLE READ snapshot, the last event number, then `reads`. On a loaded
 * machine each round trip waits for two processes' turns (measured at load 8: tens to hundreds of
 * ms each), and a round trip per table was most of a kill's takeover. What the catalogue shows
 * missing (a column a newer migration added) is added after; a table missing altogether (a first
 * start) fails the query, and the load falls back to creating the schema, then reading it.
 * Returns the rows copied, the last event number and the results of `reads` (in order). The working copy's changes
 * are captured already (captureChanges, made while standing by): the rows loaded are not sent back.
 */
export async function loadTakeoverState(
  client: pg.ClientBase,
  db: Database.Database,
  tables: MirroredTable[],
  reads: TakeoverReads = {},
): Promise<{ rows: number; lastSeq: number; results: Array<Array<Record<string, unknown>>> }> {
  const state = tables.filter((t) => !HISTORY_TABLES.has(t.name));
  const inSnapshot = reads.inSnapshot ?? [];
  const after = reads.after ?? [];
  // The catalogue inside the snapshot: a multi-statement query is one implicit transaction, whose isolation level is set before any read.
  const sql = [
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    CATALOGUE,
    ...state.map((t) => `SELECT * FROM ${q(t.name)}`),
    'SELECT MAX(seq) AS seq FROM events',
    ...inSnapshot,
    'COMMIT',
    ...after,
  ];
  let answers: Array<pg.QueryResult<Record<string, unknown>>>;
  try {
    answers = (await client.query(sql.join(';\n'))) as unknown as Array<pg.QueryResult<Record<string, unknown>>>;
    reads.mark?.('answered');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((err as { code?: string }).code !== '42P01') throw err; // undefined_table: a first start; anything else is a real failure
    await syncPostgresSchema(client, tables);
    const { snapshot, lastSeq } = await readSnapshot(client, tables);
    const results: Array<Array<Record<string, unknown>>> = [];
    for (const statement of [...inSnapshot, ...after]) results.push((await client.query<Record<string, unknown>>(statement)).rows);
    return { rows: copyIn(db, snapshot), lastSeq, results };
  }
  await addMissing(client, tables, answers[1]!.rows as CatalogueRow[]);
  const snapshot: Snapshot = state.map((t, i) => ({ t, rows: answers[2 + i]!.rows }));
  const lastSeq = Number(answers[2 + state.length]!.rows[0]?.seq ?? 0);
  const results = [
    ...inSnapshot.map((_, i) => answers[3 + state.length + i]!.rows),
    ...after.map((_, i) => answers[4 + state.length + inSnapshot.length + i]!.rows),
  ];
  return { rows: copyIn(db, snapshot), lastSeq, results };
}

function toSqlite(value: unknown, affinity: Affinity): unknown {
  if (affinity === 'integer' && typeof value === 'string') return Number(value); // BIGINT arrives as text
  return value;
}

/** A column's value in the outbox's JSON: a BLOB as bytea's hex text, which PostgreSQL's JSON→row conversion reads. */
const jsonValue = (c: Column, row: 'NEW' | 'OLD'): string =>
  c.affinity === 'blob' ? `'\\x' || hex(${row}.${q(c.name)})` : `${row}.${q(c.name)}`;
const jsonObject = (cols: Column[], row: 'NEW' | 'OLD'): string =>
  `json_object(${cols.map((c) => `'${c.name}', ${jsonValue(c, row)}`).join(', ')})`;

/** Puts every change to every table into the outbox, and tells `onChange` (the drain) at once. */
export function captureChanges(db: Database.Database, tables: MirroredTable[], onChange: () => void): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${OUTBOX} (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL, row TEXT NOT NULL)`,
  );
  db.function('onair_changed', () => (onChange(), null));
  for (const t of tables) {
    const keyCols = t.columns.filter((c) => t.key.includes(c.name));
    const upsert = `INSERT INTO ${OUTBOX} (tbl, op, row) VALUES ('${t.name}', 'upsert', ${jsonObject(t.columns, 'NEW')}); SELECT onair_changed();`;
    const remove = `INSERT INTO ${OUTBOX} (tbl, op, row) VALUES ('${t.name}', 'delete', ${jsonObject(keyCols, 'OLD')}); SELECT onair_changed();`;
    const keyMoved = t.key.map((k) => `OLD.${q(k)} IS NOT NEW.${q(k)}`).join(' OR ');
    db.exec(`
      CREATE TRIGGER ${q(`_onair_ins_${t.name}`)} AFTER INSERT ON ${q(t.name)} BEGIN ${upsert} END;
      CREATE TRIGGER ${q(`_onair_upd_${t.name}`)} AFTER UPDATE ON ${q(t.name)} BEGIN ${upsert} END;`);
    if (HISTORY_TABLES.has(t.name)) continue; // a sent event leaves the working copy; PostgreSQL keeps it
    db.exec(`
      CREATE TRIGGER ${q(`_onair_key_${t.name}`)} AFTER UPDATE ON ${q(t.name)} WHEN ${keyMoved} BEGIN ${remove} END;
      CREATE TRIGGER ${q(`_onair_del_${t.name}`)} AFTER DELETE ON ${q(t.name)} BEGIN ${remove} END;`);
  }
}

/** One change to one row, as the triggers wrote it. */
export interface Change {
  tbl: string;
  op: 'upsert' | 'delete';
  row: string;
}
interface OutboxRow extends Change {
  id: number;
}

/** Raised inside a drain when PostgreSQL names another leader: the rows are not written, and never will be by us. */
export class FencedError extends Error {}

export interface DrainDependencies {
  db: Database.Database;
  tables: MirroredTable[];
  /** The leader's connection (the one holding the lock) and its term; the check runs in each transaction. */
  client: pg.ClientBase;
  term: number;
  /** Rows per transaction. */
  batch?: number;
  /** After each commit: the last outbox id it covered, and the changes it sent. */
  onCommitted?: (lastId: number, sent: readonly Change[]) => void;
}

/**
 * Sends what the outbox holds, oldest first, one transaction per batch; a row leaves the outbox only
 * once PostgreSQL committed it. Within a batch only the last change of each row is sent (the batch
 * commits as one, so the end state is the same).
 */
export async function drainOutbox(d: DrainDependencies): Promise<number> {
  const read = d.db.prepare(`SELECT id, tbl, op, row FROM ${OUTBOX} ORDER BY id LIMIT ?`);
  const done = d.db.prepare(`DELETE FROM ${OUTBOX} WHERE id <= ?`);
  let sent = 0;
  for (;;) {
    const rows = read.all(d.batch ?? 500) as OutboxRow[];
    if (rows.length === 0) return sent;
    await sendChanges(d.client, d.tables, d.term, rows);
    done.run(rows.at(-1)!.id);
    d.onCommitted?.(rows.at(-1)!.id, rows);
    sent += rows.length;
  }
}

/** Everything the outbox still holds, oldest first (what a leader that lost its session could not send). */
export function heldChanges(db: Database.Database): Change[] {
  return db.prepare(`SELECT tbl, op, row FROM ${OUTBOX} ORDER BY id`).all() as Change[];
}

/**
 * Writes `changes` in one transaction, after checking that PostgreSQL still names `term` as the
 * leader's (`null`: no term, an administrator's write from the command line, as mosquitto_passwd
 * writes its file; `notify` is then sent on commit so the leader reads the table again).
 */
export async function sendChanges(
  client: pg.ClientBase,
  tables: MirroredTable[],
  term: number | null,
  changes: Change[],
  notify?: string,
): Promise<void> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const last = new Map<string, Change>();
  for (const r of changes) {
    const t = byName.get(r.tbl);
    if (!t) continue;
    const parsed = JSON.parse(r.row) as Record<string, unknown>;
    const key = `${r.tbl}\u0000${t.key.map((k) => JSON.stringify(parsed[k])).join('\u0000')}`;
    last.delete(key); // keep the order of the last change
    last.set(key, r);
  }
  await client.query('BEGIN');
  try {
    if (term !== null) {
      const held = await client.query<{ term: string }>('SELECT term FROM onair_leadership WHERE id = 1 FOR SHARE');
      const current = Number(held.rows[0]?.term ?? NaN);
      if (current !== term)
        throw new FencedError(`PostgreSQL names term ${current} as the leader's; this controller holds term ${term}: nothing is written`);
    }
    for (const t of tables)
      await writeTable(
        client,
        t,
        [...last.values()].filter((r) => r.tbl === t.name),
      );
    if (notify) await client.query(`NOTIFY ${q(notify)}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function writeTable(client: pg.ClientBase, t: MirroredTable, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  const deletes = changes.filter((c) => c.op === 'delete').map((c) => JSON.parse(c.row) as unknown);
  const upserts = changes.filter((c) => c.op === 'upsert').map((c) => JSON.parse(c.row) as unknown);
  const keyList = t.key.map(q).join(', ');
  if (deletes.length > 0) {
    const match = t.key.map((k) => `${q(t.name)}.${q(k)} = d.${q(k)}`).join(' AND ');
    await client.query(`DELETE FROM ${q(t.name)} USING json_populate_recordset(NULL::${q(t.name)}, $1::json) d WHERE ${match}`, [
      JSON.stringify(deletes),
    ]);
  }
  if (upserts.length > 0) {
    const cols = t.columns.map((c) => q(c.name)).join(', ');
    const others = t.columns.filter((c) => !t.key.includes(c.name));
    const onConflict =
      others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((c) => `${q(c.name)} = EXCLUDED.${q(c.name)}`).join(', ')}`;
    await client.query(
      `INSERT INTO ${q(t.name)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${q(t.name)}, $1::json) ON CONFLICT (${keyList}) ${onConflict}`,
      [JSON.stringify(upserts)],
    );
  }
}

/** Forgets what the outbox holds after `id` (changes a working copy took from PostgreSQL itself: nothing to send back). */
export function forgetChangesAfter(db: Database.Database, id: number): void {
  db.prepare(`DELETE FROM ${OUTBOX} WHERE id > ?`).run(id);
}

/** The newest change waiting in the outbox (0 when it is empty). */
export function newestPending(db: Database.Database): number {
  return (db.prepare(`SELECT MAX(id) FROM ${OUTBOX}`).pluck().get() as number | null) ?? 0;
}

/** Rows waiting in the outbox (what PostgreSQL has not taken yet). */
export function outboxSize(db: Database.Database): number {
  return (db.prepare(`SELECT COUNT(*) FROM ${OUTBOX}`).pluck().get() as number | undefined) ?? 0;
}
