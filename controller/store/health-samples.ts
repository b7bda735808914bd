/**
 * Each device's numeric metrics over days (`health_samples`): one row per device per sample interval
 * (controller/fleet/health-history.ts folds the health messages of an interval into one sample, so
 * the hot path writes nothing per message), written behind like every write (a refusing disk holds
 * them: controller/store/write-behind.ts), read back bounded for the device page's trends, and
 * pruned past `history.healthRetentionDays` (controller/store/retention.ts). On PostgreSQL it is
 * history (controller/store/pg-mirror.ts HISTORY_TABLES): sent rows leave the working copy and are
 * read where they live (controller/store/health-samples-postgres.ts).
 */
import type Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp } from '../../protocols/schemas.ts';
import { checkedRows, parseJson, type CorruptRowHandler } from './stored-rows.ts';

export const HEALTH_SAMPLES_SCHEMA = `
CREATE TABLE IF NOT EXISTS health_samples (
  agent TEXT NOT NULL, device TEXT NOT NULL, t INTEGER NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY (agent, device, t));
CREATE INDEX IF NOT EXISTS health_samples_t ON health_samples (t);
`;

/** Rows one range read returns at most: 7 days of minute samples are 10,080. */
export const SAMPLES_READ_MAX = 50_000;
/** Rows per page of a range read on SQLite (each page one short synchronous slice). */
const SAMPLES_PAGE = 1_000;

/** One interval of one device: the interval's start and each numeric metric's last value in it. */
export const HealthSample = Type.Object({
  agent: Id,
  device: Id,
  t: Timestamp,
  values: Type.Record(Type.String(), Type.Number()),
});
export type HealthSample = Static<typeof HealthSample>;

export interface HealthSampleStore {
  /** Written now, or held while the disk refuses (a later save of the same interval replaces it). */
  save(sample: HealthSample): void;
  /** The device's samples with since ≤ t ≤ until, oldest first (at most SAMPLES_READ_MAX). */
  range(agent: string, device: string, since: number, until: number): Promise<HealthSample[]>;
  /** Deletes up to `batch` samples older than `before`; returns how many it deleted. */
  prune(before: number, batch: number): Promise<number>;
  /** Its own connections, where it has them (PostgreSQL). */
  close?(): Promise<void>;
}

export interface SampleRow {
  agent: string;
  device: string;
  t: number | string;
  metrics: string;
}

/** Rows as samples; a row that no longer parses or matches is reported and skipped. */
export function rowsToSamples(rows: readonly SampleRow[], onCorrupt: CorruptRowHandler): HealthSample[] {
  const values: Array<{ key: string; value: unknown }> = [];
  for (const r of rows) {
    const key = `${r.agent}/${r.device}@${r.t}`;
    const parsed = parseJson(r.metrics);
    if (!parsed.ok) onCorrupt('health_samples', key, parsed.reason);
    else values.push({ key, value: { agent: r.agent, device: r.device, t: Number(r.t), values: parsed.value } });
  }
  return checkedRows(HealthSample, 'health_samples', values, onCorrupt);
}

export const RANGE_SQL = `SELECT * FROM (SELECT agent, device, t, metrics FROM health_samples WHERE agent = ? AND device = ? AND t >= ? AND t <= ?
  ORDER BY t DESC LIMIT ${SAMPLES_READ_MAX}) ORDER BY t ASC`;

/** The embedded backend (and, on PostgreSQL, the working copy the rows pass through). */
export class SqliteHealthSamples implements HealthSampleStore {
  private readonly s;

  constructor(
    db: Database.Database,
    /** Store's write-behind for keyed rows: the disk refusing holds the write, never throws into the health path. */
    private readonly write: (key: string, work: () => void) => void,
    private readonly onCorrupt: CorruptRowHandler,
  ) {
    this.s = {
      save: db.prepare(
        'INSERT INTO health_samples (agent, device, t, metrics) VALUES (?, ?, ?, ?) ON CONFLICT(agent, device, t) DO UPDATE SET metrics = excluded.metrics',
      ),
      range: db.prepare(RANGE_SQL),
      page: db.prepare(
        `SELECT agent, device, t, metrics FROM health_samples WHERE agent = ? AND device = ? AND t > ? AND t <= ? ORDER BY t LIMIT ${SAMPLES_PAGE}`,
      ),
      prune: db.prepare('DELETE FROM health_samples WHERE rowid IN (SELECT rowid FROM health_samples WHERE t < ? LIMIT ?)'),
    };
  }

  save(sample: HealthSample): void {
    const metrics = JSON.stringify(sample.values);
    this.write(`health:${sample.agent}/${sample.device}@${sample.t}`, () =>
      this.s.save.run(sample.agent, sample.device, sample.t, metrics),
    );
  }

  /** Synchronous, in one piece: the rows of this database only (on PostgreSQL, the few not sent yet). */
  read(agent: string, device: string, since: number, until: number): HealthSample[] {
    return rowsToSamples(this.s.range.all(agent, device, since, until) as SampleRow[], this.onCorrupt);
  }

  /** Page by page, the event loop free in between: a week of minutes took 90 ms in one piece (2-core VM, 2026-12-07). */
  async range(agent: string, device: string, since: number, until: number): Promise<HealthSample[]> {
    const samples: HealthSample[] = [];
    for (let after = since - 1; samples.length < SAMPLES_READ_MAX;) {
      const rows = this.s.page.all(agent, device, after, until) as SampleRow[];
      samples.push(...rowsToSamples(rows, this.onCorrupt));
      if (rows.length < SAMPLES_PAGE) break;
      after = Number(rows.at(-1)!.t);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return samples.slice(0, SAMPLES_READ_MAX);
  }

  async prune(before: number, batch: number): Promise<number> {
    return this.s.prune.run(before, Math.max(1, Math.floor(batch))).changes;
  }
}
