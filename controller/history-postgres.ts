/**
 * History on PostgreSQL: the events table read where it lives, over a small pool of its own — never
 * over the leader's session, whose lease renewals must not queue behind a report. The working copy
 * (controller/pg-mirror.ts) holds no history: an event written by the leader stays there only until
 * PostgreSQL committed it, and reads merge those in (`held`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { ReliabilityReport } from '../protocols/plan-schemas.ts';
import { buildReport, type ReportQuery } from './report.ts';
import type { ReportJob } from './report-worker.ts';
import type { ControllerEvent, EventsParams } from '../protocols/events.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import { pgClientConfig, type PgConnectionSettings } from './pg-connection.ts';
import type { CorruptRowHandler } from './stored-rows.ts';
import { LAST_ON_AIR_SQL, CONTEXT_TYPES, eventsFilter, matches, merged, onAirFlag, PAGE, PRUNE_BATCH, REPORT_CONTEXT, REPORT_TYPES, rowsToEvents, type EventRow, type HeldEvents, type History } from './history.ts';

/** The indexes history reads need (the mirrored tables get their primary keys only). */
const INDEXES = { onair_events_ts: '(ts, seq)', onair_events_type: '(type, seq)', onair_events_slot: '(slot, seq)', onair_events_device: '(device, seq)' } as const;
/** A history read that takes longer is cancelled by the server (a report asks again with a shorter period). */
const STATEMENT_TIMEOUT_MS = 30_000;

/** Events in a report's period up to which it is computed in-process (beyond, in a worker thread). */
const IN_PROCESS_MAX = 20_000;

/** `?` placeholders as PostgreSQL's `$n`. */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export class PostgresHistory implements History {
  private readonly pool: pg.Pool;
  private readonly indexed: Promise<void>;
  /** Its own session, without the reads' statement timeout: an index on a long history takes a while. */
  private readonly indexer: pg.Client | undefined;
  private closed = false;
  /**
   * The last on-air change as the takeover's snapshot read it (null: none; undefined once an event
   * of this leader reached PostgreSQL): a new leader must not wait for this pool's first connection
   * (a new backend and a SCRAM login) to know whether a show is on air.
   */
  private readonly lastOnAirAtOpen: () => string | null | undefined;

  constructor(
    private readonly connection: PgConnectionSettings,
    private readonly held: HeldEvents,
    private readonly onCorrupt: CorruptRowHandler,
    log?: Logger,
    options: { indexes?: boolean; lastOnAirAtOpen?: () => string | null | undefined } = {},
  ) {
    this.lastOnAirAtOpen = options.lastOnAirAtOpen ?? (() => undefined);
    this.pool = new pg.Pool({ ...pgClientConfig(connection, { application_name: 'onair-controller history' }), max: 2, idleTimeoutMillis: 30_000, statement_timeout: STATEMENT_TIMEOUT_MS });
    this.pool.on('error', () => undefined); // an idle client's failure: the next query opens another
    // One connection opened now, while the takeover loads the state: the first read (lastOnAir at start) does not wait for it.
    this.pool.connect().then((c) => c.release(), () => undefined);
    if (options.indexes === false) {
      this.indexer = undefined;
      this.indexed = Promise.resolve();
      return;
    }
    // Built once, in the background, without blocking writes: a takeover never waits for it.
    const indexer = new pg.Client(pgClientConfig(connection, { application_name: 'onair-controller history indexes' }));
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
    // Held first: an event committed (and so dropped from the working copy) after this is in PostgreSQL's answer.
    const held = this.held().filter(matches(q));
    const rows = await this.rows(`SELECT * FROM events ${where} ORDER BY seq DESC LIMIT ${limit}`, args);
    return merged(rowsToEvents(rows.reverse(), this.onCorrupt), held).slice(-limit);
  }

  async event(seq: number): Promise<ControllerEvent | undefined> {
    const held = this.held().find((e) => e.seq === seq);
    return held ?? rowsToEvents(await this.rows('SELECT * FROM events WHERE seq = ?', [seq]), this.onCorrupt)[0];
  }

  async lastOnAir(): Promise<boolean | undefined> {
    const held = this.held().filter((e) => e.type === 'onair.changed').at(-1);
    if (held) return onAirFlag(JSON.stringify(held.data));
    const atOpen = this.lastOnAirAtOpen();
    if (atOpen !== undefined) return onAirFlag(atOpen ?? undefined);
    const rows = await this.rows(LAST_ON_AIR_SQL, []);
    return onAirFlag(rows[0]?.data);
  }

  async reportEvents(since: number, until: number): Promise<ControllerEvent[]> {
    const wanted = new Set<string>(REPORT_TYPES);
    const held = this.held().filter((e) => wanted.has(e.type) && e.ts <= until);
    // Each page checked as it comes; the event loop is free while PostgreSQL answers the next.
    const events: ControllerEvent[] = [];
    for (const type of CONTEXT_TYPES) {
      // type DESC, seq DESC: the (type, seq) index read backwards, stopping after REPORT_CONTEXT rows.
      events.push(...rowsToEvents(await this.rows(`SELECT * FROM events WHERE type = ? AND ts < ? ORDER BY type DESC, seq DESC LIMIT ${REPORT_CONTEXT}`, [type, since]), this.onCorrupt));
    }
    // The period by (ts, seq), the index's order: a keyset, so each page starts where the last ended.
    // The next page is asked for before this one is checked: PostgreSQL reads while this thread parses.
    const page = (after: [number, number]) => this.rows(`SELECT * FROM events WHERE (ts, seq) > (?, ?) AND ts <= ? AND type = ANY(?::text[]) ORDER BY ts, seq LIMIT ${PAGE}`, [...after, until, REPORT_TYPES]);
    for (let next = page([since, -1]); ; ) {
      const batch = await next;
      const full = batch.length === PAGE;
      if (full) next = page([Number(batch.at(-1)!.ts), Number(batch.at(-1)!.seq)]);
      events.push(...rowsToEvents(batch, this.onCorrupt));
      if (!full) break;
    }
    return merged(events, held);
  }

  /**
   * A report in a worker thread (controller/report-worker.ts) when the controller runs from its
   * build; in-process when it runs from its sources (tests), where no compiled worker exists.
   */
  async report(query: ReportQuery): Promise<ReliabilityReport> {
    const worker = new URL('./report-worker.js', import.meta.url);
    const wanted = new Set<string>(REPORT_TYPES);
    const held = this.held().filter((e) => wanted.has(e.type) && e.ts <= query.until);
    // A short period in-process (a worker's start costs more than it saves); a long one, or sources without a build, as said.
    const inPeriod = await this.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE ts >= $1 AND ts <= $2 LIMIT ${IN_PROCESS_MAX + 1}) p`, [query.since, query.until]);
    if (Number(inPeriod.rows[0]?.n ?? 0) <= IN_PROCESS_MAX || !existsSync(fileURLToPath(worker))) return buildReport(await this.reportEvents(query.since, query.until), query);
    const job: ReportJob = { connection: this.connection, query, held };
    const answer = await new Promise<{ report?: ReliabilityReport; corrupt?: Array<[string, string, string]>; error?: string }>((resolve, reject) => {
      const w = new Worker(worker, { workerData: job });
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the report's worker ended (${code}) without an answer`)));
    });
    for (const [table, key, reason] of answer.corrupt ?? []) this.onCorrupt(table, key, reason);
    if (!answer.report) throw new Error(answer.error ?? 'the report could not be computed');
    return answer.report;
  }

  async prune(before: number, batch = PRUNE_BATCH): Promise<number> {
    const r = await this.pool.query(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < $1 ORDER BY seq LIMIT ${Math.max(1, Math.floor(batch))})`, [before]);
    return r.rowCount ?? 0;
  }

  /** Ends the pool; an index still being built goes on server-side (its session ends with it). */
  async close(): Promise<void> {
    this.closed = true;
    await this.indexer?.end().catch(() => undefined);
    await Promise.race([this.pool.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }
}
