/**
 * The devices' metric samples on PostgreSQL: `health_samples` is history there (pg-mirror.ts
 * HISTORY_TABLES), so a takeover never loads it and a sample sent leaves the working copy
 * (store-postgres.ts). Reads go where the rows live, over a connection of their own (never the
 * leader's session, whose lease renewals must not queue behind them), merged with the samples the
 * working copy has not sent yet; retention prunes PostgreSQL itself.
 */
import pg from 'pg';
import { pgClientConfig, type PgConnectionSettings } from './pg-connection.ts';
import {
  rowsToSamples,
  SAMPLES_READ_MAX,
  type HealthSample,
  type HealthSampleStore,
  type SampleRow,
  type SqliteHealthSamples,
} from './health-samples.ts';
import type { CorruptRowHandler } from './stored-rows.ts';

/** A read that takes longer is cancelled by the server. */
const STATEMENT_TIMEOUT_MS = 30_000;

export class PostgresHealthSamples implements HealthSampleStore {
  private readonly pool: pg.Pool;
  /** Retention's index on t (the mirrored table has its primary key only): made once, before the first prune. */
  private indexed: Promise<unknown> | undefined;

  constructor(
    connection: PgConnectionSettings,
    private readonly local: SqliteHealthSamples,
    private readonly onCorrupt: CorruptRowHandler,
  ) {
    this.pool = new pg.Pool({
      ...pgClientConfig(connection, { application_name: 'onair-controller health samples' }),
      max: 1,
      idleTimeoutMillis: 30_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    this.pool.on('error', () => undefined); // an idle client's failure: the next query opens another
  }

  save(sample: HealthSample): void {
    this.local.save(sample); // the outbox carries it to PostgreSQL
  }

  async range(agent: string, device: string, since: number, until: number): Promise<HealthSample[]> {
    const r = await this.pool.query<SampleRow>(
      `SELECT * FROM (SELECT agent, device, t, metrics FROM health_samples WHERE agent = $1 AND device = $2 AND t >= $3 AND t <= $4
        ORDER BY t DESC LIMIT ${SAMPLES_READ_MAX}) s ORDER BY t ASC`,
      [agent, device, since, until],
    );
    const byTime = new Map<number, HealthSample>();
    for (const s of rowsToSamples(r.rows, this.onCorrupt)) byTime.set(s.t, s);
    for (const s of this.local.read(agent, device, since, until)) byTime.set(s.t, s); // not sent yet: newer
    return [...byTime.values()].sort((a, b) => a.t - b.t);
  }

  async prune(before: number, batch: number): Promise<number> {
    this.indexed ??= this.pool
      .query('CREATE INDEX IF NOT EXISTS onair_health_samples_t ON health_samples (t)')
      .catch(() => (this.indexed = undefined));
    await this.indexed;
    const limit = Math.max(1, Math.floor(batch));
    const r = await this.pool.query(
      `DELETE FROM health_samples WHERE ctid IN (SELECT ctid FROM health_samples WHERE t < $1 LIMIT ${limit})`,
      [before],
    );
    await this.local.prune(before, limit); // rows the working copy still holds unsent are past retention too
    return r.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
