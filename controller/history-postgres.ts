/**
 * History on PostgreSQL: the events table read where it lives, over a small pool of its own — never
 * over the leader's session, whose lease renewals must not queue behind a report. The working copy
 * (controller/pg-mirror.ts) holds no history: an event written by the leader stays there only until
 * PostgreSQL committed it, and reads merge those in (`held`).
 */
import pg from 'pg';
import type { ControllerEvent, EventsParams } from '../protocols/events.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import { clientConfig, type PostgresConnection } from './pg-connection.ts';
import type { CorruptRowHandler } from './stored-rows.ts';
import { eventsFilter, matches, merged, onAirFlag, PAGE, PRUNE_BATCH, REPORT_CONTEXT, REPORT_TYPES, rowsToEvents, type EventRow, type HeldEvents, type History } from './history.ts';

/** The indexes history reads need (the mirrored tables get their primary keys only). */
const INDEXES = { onair_events_ts: '(ts, seq)', onair_events_type: '(type, seq)' } as const;
/** A history read that takes longer is cancelled by the server (a report asks again with a shorter period). */
const STATEMENT_TIMEOUT_MS = 30_000;

/** `?` placeholders as PostgreSQL's `$n`. */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export class PostgresHistory implements History {
  private readonly pool: pg.Pool;
  private readonly indexed: Promise<void>;
  /** Its own session, without the reads' statement timeout: an index on a long history takes a while. */
  private readonly indexer: pg.Client;
  private closed = false;

  constructor(
    connection: PostgresConnection,
    private readonly held: HeldEvents,
    private readonly onCorrupt: CorruptRowHandler,
    log?: Logger,
  ) {
    this.pool = new pg.Pool({ ...clientConfig(connection, 'onair-controller history'), max: 2, idleTimeoutMillis: 30_000, statement_timeout: STATEMENT_TIMEOUT_MS });
    this.pool.on('error', () => undefined); // an idle client's failure: the next query opens another
    // Built once, in the background, without blocking writes: a takeover never waits for it.
    const indexer = new pg.Client(clientConfig(connection, 'onair-controller history indexes'));
    indexer.on('error', () => undefined);
    this.indexer = indexer;
    const pool = { query: <R extends pg.QueryResultRow>(sql: string, args?: unknown[]) => indexer.query<R>(sql, args) };
    this.indexed = (async () => {
      await indexer.connect();
      // A build cut short (its session ended) leaves an invalid index that IF NOT EXISTS would keep for ever.
      const invalid = await pool.query<{ name: string }>('SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = ANY($1::text[])', [Object.keys(INDEXES)]);
      for (const { name } of invalid.rows) await pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      for (const [name, columns] of Object.entries(INDEXES)) await pool.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON events ${columns}`);
    })()
      .catch((err: unknown) => void (this.closed || log?.warn({ err: errorMessage(err) }, 'could not create the indexes of the event history; reads stay correct but slower')))
      .finally(() => indexer.end().catch(() => undefined));
  }

  /** Resolves once the history's indexes exist (or could not be made). */
  ready(): Promise<void> {
    return this.indexed;
  }

  private async rows(sql: string, args: unknown[]): Promise<EventRow[]> {
    return (await this.pool.query<EventRow>(numbered(sql), args)).rows;
  }

  async events(q: EventsParams): Promise<ControllerEvent[]> {
    const limit = q.limit ?? 1_000;
    const { where, args } = eventsFilter(q);
    const rows = await this.rows(`SELECT * FROM events ${where} ORDER BY seq DESC LIMIT ${limit}`, args);
    return merged(rowsToEvents(rows.reverse(), this.onCorrupt), this.held().filter(matches(q))).slice(-limit);
  }

  async event(seq: number): Promise<ControllerEvent | undefined> {
    return this.held().find((e) => e.seq === seq) ?? rowsToEvents(await this.rows('SELECT * FROM events WHERE seq = ?', [seq]), this.onCorrupt)[0];
  }

  async lastOnAir(): Promise<boolean | undefined> {
    const held = this.held().filter((e) => e.type === 'onair.changed').at(-1);
    if (held) return onAirFlag(JSON.stringify(held.data));
    const rows = await this.rows("SELECT data FROM events WHERE type = 'onair.changed' ORDER BY seq DESC LIMIT 1", []);
    return onAirFlag(rows[0]?.data);
  }

  async reportEvents(since: number, until: number): Promise<ControllerEvent[]> {
    const context = await this.rows(
      `SELECT c.* FROM unnest(?::text[]) AS t(type) CROSS JOIN LATERAL (SELECT * FROM events e WHERE e.type = t.type AND e.ts < ? ORDER BY e.seq DESC LIMIT ${REPORT_CONTEXT}) c`,
      [['show.started', 'show.ended', 'slot.state', 'device.state', 'stream.state', 'failover.started'], since],
    );
    const rows: EventRow[] = [...context];
    const first = Number((await this.pool.query<{ seq: string | null }>('SELECT MIN(seq) AS seq FROM events WHERE ts >= $1', [since])).rows[0]?.seq ?? NaN);
    if (Number.isFinite(first)) {
      for (let from = first; ; ) {
        const batch = await this.rows(`SELECT * FROM events WHERE seq >= ? AND ts >= ? AND ts <= ? AND type = ANY(?::text[]) ORDER BY seq LIMIT ${PAGE}`, [from, since, until, REPORT_TYPES]);
        rows.push(...batch);
        if (batch.length < PAGE) break;
        from = Number(batch.at(-1)!.seq) + 1;
      }
    }
    const wanted = new Set<string>(REPORT_TYPES);
    return merged(rowsToEvents(rows, this.onCorrupt), this.held().filter((e) => wanted.has(e.type) && e.ts <= until));
  }

  async prune(before: number, batch = PRUNE_BATCH): Promise<number> {
    const r = await this.pool.query(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < $1 ORDER BY seq LIMIT ${Math.max(1, Math.floor(batch))})`, [before]);
    return r.rowCount ?? 0;
  }

  /** Ends the pool; an index still being built goes on server-side (its session ends with it). */
  async close(): Promise<void> {
    this.closed = true;
    await this.indexer.end().catch(() => undefined);
    await Promise.race([this.pool.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }
}
