/**
 * History on PostgreSQL: the events table read where it lives, over a small pool of its own — never
 * over the leader's session, whose lease renewals must not queue behind a report. The working copy
 * (controller/store/pg-mirror.ts) holds no history: an event written by the leader stays there only until
 * PostgreSQL committed it, and reads merge those in (`held`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';
import { buildReport, showDevices, STATE_TYPES, type DeviceDay, type ReportInput, type ReportQuery } from '../plan/report.ts';
import type { ReportJob } from '../plan/report-worker.ts';
import type { ControllerEvent, EventsParams } from '../../protocols/events.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage } from '../../lib/timeout.ts';
import {
  collapsedStates,
  currentDays,
  DAY_MS,
  dayRanges,
  deviceDaysOf,
  inRanges,
  planPeriod,
  SUMMARY_TABLES,
  summarizeDays,
  type SummarizedDay,
} from './history-days.ts';
import { pgClientConfig, type PgConnectionSettings } from './pg-connection.ts';
import type { CorruptRowHandler } from './stored-rows.ts';
import {
  LAST_ON_AIR_SQL,
  CONTEXT_TYPES,
  eventsFilter,
  matches,
  merged,
  onAirFlag,
  PRUNE_BATCH,
  REPORT_CONTEXT,
  REPORT_TYPES,
  rowsToEvents,
  type EventRow,
  type HeldEvents,
  type History,
} from './history.ts';

/** The indexes history reads need (the mirrored tables get their primary keys only). */
const INDEXES = {
  onair_events_ts: '(ts, seq)',
  onair_events_type: '(type, seq)',
  onair_events_slot: '(slot, seq)',
  onair_events_device: '(device, seq)',
} as const;
/** A history read that takes longer is cancelled by the server (a report asks again with a shorter period). */
const STATEMENT_TIMEOUT_MS = 30_000;

/** Events in a report's period up to which it is computed in-process (beyond, in a worker thread). */
const IN_PROCESS_MAX = 20_000;

/** Rows per FETCH of a report's period. */
const CURSOR_PAGE = 20_000;
/** work_mem of a report's read: its window sorts the state events of its period's edges. */
const SORT_MEMORY = '64MB';
const STATE_SET = new Set<string>(STATE_TYPES);
/** How often a seat summarizes the days that ended (controller/store/history-days.ts). */
const SUMMARIZE_EVERY_MS = 60 * 60_000;
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
  private summarizer: NodeJS.Timeout | undefined;
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
    options: { indexes?: boolean; lastOnAirAtOpen?: () => string | null | undefined; backgroundAfterMs?: number } = {},
  ) {
    this.lastOnAirAtOpen = options.lastOnAirAtOpen ?? (() => undefined);
    this.pool = new pg.Pool({
      ...pgClientConfig(connection, { application_name: 'onair-controller history' }),
      max: 2,
      idleTimeoutMillis: 30_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    this.pool.on('error', () => undefined); // an idle client's failure: the next query opens another
    // Its connections (each a new backend and a SCRAM login) and the index work are nothing a new
    // leader waits for, but on a loaded 2-core machine they took CPU from its takeover: a takeover
    // starts them once it had time to announce itself (backgroundAfterMs).
    const later = (work: () => void): void => {
      if (!options.backgroundAfterMs) return work();
      setTimeout(work, options.backgroundAfterMs).unref(); // closed meanwhile: each piece of work checks
    };
    // One connection opened ahead: the first console or report read does not wait for it.
    later(
      () =>
        void (
          this.closed ||
          this.pool.connect().then(
            (c) => c.release(),
            () => undefined,
          )
        ),
    );
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
      if (options.backgroundAfterMs) await new Promise<void>((resolve) => later(resolve));
      if (this.closed) return;
      await indexer.connect();
      // A build cut short (its session ended) leaves an invalid index that IF NOT EXISTS would keep for ever.
      const invalid = await pool.query<{ name: string }>(
        'SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND c.relname = ANY($1::text[])',
        [Object.keys(INDEXES)],
      );
      for (const { name } of invalid.rows) await pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      for (const [name, columns] of Object.entries(INDEXES))
        await pool.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON events ${columns}`);
      await pool.query(SUMMARY_TABLES);
      await summarizeDays(indexer, () => this.closed);
    })()
      .catch(
        (err: unknown) =>
          void (
            this.closed ||
            log?.warn(
              { err: errorMessage(err) },
              'could not create the indexes or the day summaries of the event history; reads stay correct but slower',
            )
          ),
      )
      .finally(() => indexer.end().catch(() => undefined));
    // Then each day once it is over; on a client of its own, so reports keep the pool.
    this.summarizer = setInterval(() => void this.summarize(log), SUMMARIZE_EVERY_MS);
    this.summarizer.unref();
  }

  /** Summarizes the days that ended and are not yet (as it does every hour); how many it summarized. */
  async summarize(log?: Logger): Promise<number> {
    const client = new pg.Client(pgClientConfig(this.connection, { application_name: 'onair-controller history days' }));
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(SUMMARY_TABLES);
      return await summarizeDays(client, () => this.closed);
    } catch (err) {
      if (!this.closed)
        log?.warn({ err: errorMessage(err) }, 'could not summarize the days of the event history; reports stay correct but slower');
      return 0;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Resolves once the history's indexes exist and the days that ended are summarized (or could not be). */
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
    const held = this.held()
      .filter((e) => e.type === 'onair.changed')
      .at(-1);
    if (held) return onAirFlag(JSON.stringify(held.data));
    const atOpen = this.lastOnAirAtOpen();
    if (atOpen !== undefined) return onAirFlag(atOpen ?? undefined);
    const rows = await this.rows(LAST_ON_AIR_SQL, []);
    return onAirFlag(rows[0]?.data);
  }

  async reportEvents(since: number, until: number): Promise<ReportInput> {
    const wanted = new Set<string>(REPORT_TYPES);
    const held = this.held().filter((e) => wanted.has(e.type) && e.ts <= until);
    // Each page checked as it comes; the event loop is free while PostgreSQL answers the next.
    const events: ControllerEvent[] = [];
    for (const type of CONTEXT_TYPES) {
      // type DESC, seq DESC: the (type, seq) index read backwards, stopping after REPORT_CONTEXT rows.
      events.push(
        ...rowsToEvents(
          await this.rows(`SELECT * FROM events WHERE type = ? AND ts < ? ORDER BY type DESC, seq DESC LIMIT ${REPORT_CONTEXT}`, [
            type,
            since,
          ]),
          this.onCorrupt,
        ),
      );
    }
    // The period: its other types as they are; its state events from the day summaries where a
    // whole day is summarized (and nothing was written into it since), and elsewhere (its edges, a
    // day not yet summarized) from `events`, PostgreSQL collapsing the repeats of each stream as
    // the summaries do. Each part is one statement read through a cursor, in large pages.
    const days = await this.summarizedDays(since, until, held);
    const plan = planPeriod(since, until, days);
    const whole = days.filter(({ day }) => plan.summarized.some(([a, b]) => day * DAY_MS >= a && day * DAY_MS < b));
    const transitions = 'SELECT seq, ts, type, agent, device, slot, by, reason, data FROM history_transitions WHERE';
    const parts: Array<[string, unknown[]]> = [
      [
        'SELECT seq, ts, type, agent, device, slot, by, reason, data FROM events WHERE ts >= $1 AND ts <= $2 AND type = ANY($3::text[])',
        [since, until, REPORT_TYPES.filter((t) => !STATE_SET.has(t))],
      ],
      [collapsedStates(inRanges(plan.raw)), [[...STATE_TYPES]]],
    ];
    if (whole.length) parts.push([`${transitions} type = 'slot.state' AND (${inRanges(plan.summarized)})`, []]);
    for (const [sql, args] of parts) await this.cursor(sql, args, events);
    // Device changes in summarized days: each device's figures from its DeviceDays where the days
    // have them; the changes themselves only of the devices a show reads, and of days without.
    const covered = deviceDaysOf(since, until, whole);
    const uncovered = whole.map(({ day }) => day).filter((day) => !covered.includes(day));
    if (uncovered.length) await this.cursor(`${transitions} type = 'device.state' AND (${inRanges(dayRanges(uncovered))})`, [], events);
    const read = [...showDevices([...events, ...held])];
    if (covered.length && read.length) {
      const devices = read.map((d) => d.slice(d.indexOf('/') + 1));
      await this.cursor(
        `${transitions} type = 'device.state' AND device = ANY($1::text[]) AND agent || '/' || device = ANY($2::text[]) AND (${inRanges(dayRanges(covered))})`,
        [devices, read],
        events,
      );
    }
    const summaries = covered.length
      ? (
          await this.pool.query<{ summary: string }>('SELECT summary FROM history_device_days WHERE day = ANY($1::bigint[])', [covered])
        ).rows.map((r) => JSON.parse(r.summary) as DeviceDay)
      : [];
    return { events: merged(events, held), devices: { covered: dayRanges(covered), days: summaries } };
  }

  /**
   * The summarized days of a period still as summarized (controller/store/history-days.ts): without
   * those a state change was written into since, committed after the last check or still held.
   */
  private async summarizedDays(since: number, until: number, held: readonly ControllerEvent[]): Promise<SummarizedDay[]> {
    const first = Math.floor(since / DAY_MS);
    const last = Math.floor(until / DAY_MS);
    const found = await this.pool
      .query<{ day: string; upto: string; devices: boolean; mark: string | null }>(
        'SELECT day, upto, devices, (SELECT seq FROM history_watermark) AS mark FROM history_days WHERE day >= $1 AND day <= $2',
        [first, last],
      )
      .catch(() => ({ rows: [] }));
    const days = found.rows.map((d) => ({ day: Number(d.day), upto: Number(d.upto), devices: d.devices }));
    if (!days.length) return days;
    const mark = found.rows[0]!.mark === null ? Math.min(...days.map((d) => d.upto)) : Number(found.rows[0]!.mark);
    const after = await this.rows(`SELECT seq, ts FROM events WHERE seq > ? AND ts >= ? AND ts < ? AND type = ANY(?::text[])`, [
      mark,
      first * DAY_MS,
      (last + 1) * DAY_MS,
      [...STATE_TYPES],
    ]);
    const late = [...after.map((e) => ({ seq: Number(e.seq), ts: Number(e.ts) })), ...held.filter((e) => STATE_SET.has(e.type))];
    return currentDays(days, late);
  }

  /** The rows of one statement as events appended to `events`, fetched through a cursor in pages of CURSOR_PAGE. */
  private async cursor(sql: string, args: unknown[], events: ControllerEvent[]): Promise<void> {
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query('BEGIN READ ONLY');
      // The collapse sorts the state events it reads: in memory rather than in temporary files.
      await client.query(`SET LOCAL work_mem = '${SORT_MEMORY}'`);
      await client.query(`DECLARE part NO SCROLL CURSOR FOR ${sql}`, args);
      for (;;) {
        const batch = (await client.query<EventRow>(`FETCH ${CURSOR_PAGE} FROM part`)).rows;
        events.push(...rowsToEvents(batch, this.onCorrupt));
        if (batch.length < CURSOR_PAGE) break;
      }
      await client.query('COMMIT');
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // A session whose transaction failed is not given back to the pool as it is.
      client.release(failed);
    }
  }

  /**
   * A report in a worker thread (controller/plan/report-worker.ts) when the controller runs from its
   * build; in-process when it runs from its sources (tests), where no compiled worker exists.
   */
  async report(query: ReportQuery): Promise<ReliabilityReport> {
    const worker = new URL('../plan/report-worker.js', import.meta.url);
    const wanted = new Set<string>(REPORT_TYPES);
    const held = this.held().filter((e) => wanted.has(e.type) && e.ts <= query.until);
    // A short period in-process (a worker's start costs more than it saves); a long one, or sources without a build, as said.
    const inPeriod = await this.pool.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE ts >= $1 AND ts <= $2 LIMIT ${IN_PROCESS_MAX + 1}) p`,
      [query.since, query.until],
    );
    if (Number(inPeriod.rows[0]?.n ?? 0) <= IN_PROCESS_MAX || !existsSync(fileURLToPath(worker)))
      return buildReport(await this.reportEvents(query.since, query.until), query);
    const job: ReportJob = { connection: this.connection, query, held };
    const answer = await new Promise<{ report?: ReliabilityReport; corrupt?: Array<[string, string, string]>; error?: string }>(
      (resolve, reject) => {
        const w = new Worker(worker, { workerData: job });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`the report's worker ended (${code}) without an answer`)));
      },
    );
    for (const [table, key, reason] of answer.corrupt ?? []) this.onCorrupt(table, key, reason);
    if (!answer.report) throw new Error(answer.error ?? 'the report could not be computed');
    return answer.report;
  }

  async prune(before: number, batch = PRUNE_BATCH): Promise<number> {
    const limit = Math.max(1, Math.floor(batch));
    const r = await this.pool.query(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < $1 ORDER BY seq LIMIT ${limit})`, [
      before,
    ]);
    // The summaries' copies too (never more of them than of events, so they are gone when the events are).
    await this.pool
      .query(
        `DELETE FROM history_transitions WHERE seq IN (SELECT seq FROM history_transitions WHERE ts < $1 ORDER BY seq LIMIT ${limit})`,
        [before],
      )
      .catch(() => undefined);
    // A day pruned, even in part, is no longer what its summary says: read from what is left, and summarized again if anything is.
    if (r.rowCount) {
      const day = Math.floor(before / DAY_MS);
      await this.pool.query('DELETE FROM history_device_days WHERE day <= $1', [day]).catch(() => undefined);
      await this.pool.query('DELETE FROM history_days WHERE day <= $1', [day]).catch(() => undefined);
    }
    return r.rowCount ?? 0;
  }

  /** Ends the pool; an index still being built goes on server-side (its session ends with it). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.summarizer);
    await this.indexer?.end().catch(() => undefined);
    await Promise.race([this.pool.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }
}
