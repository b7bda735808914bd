/**
 * The event log read back: history, kept apart from the state the controller decides on
 * (controller/store/store.ts). History only grows, so nothing here loads it in one piece: every read is
 * bounded (a LIMIT, a page), reports read the period asked for plus a bounded context before it,
 * and a retention setting prunes it in bounded batches. Reads are asynchronous: on PostgreSQL they
 * go over a pool of their own (controller/store/history-postgres.ts), never over the leader's session
 * that renews its lease; on SQLite each query is bounded and pages yield to the event loop.
 */
import type Database from 'better-sqlite3';
import type { ControllerEvent, EventsParams, EventTypeName } from '../../protocols/events.ts';
import { checkedEvents, parseJson, type CorruptRowHandler } from './stored-rows.ts';
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';
import { buildReport, type ReportInput, type ReportQuery } from '../plan/report.ts';

/** The event types a reliability report reads (controller/plan/report.ts). */
export const REPORT_TYPES: readonly EventTypeName[] = [
  'show.started',
  'show.ended',
  'slot.state',
  'device.state',
  'stream.state',
  'failover.started',
  'failover.succeeded',
  'failover.failed',
  'program.cut',
  'job.finished',
  'content.fault',
];
/** Types whose last events before a report's period say where things stood when it began. */
export const CONTEXT_TYPES: readonly EventTypeName[] = [
  'show.started',
  'show.ended',
  'slot.state',
  'device.state',
  'stream.state',
  'failover.started',
  'content.fault',
];
/** Events of each context type read before a report's period (its newest ones). */
export const REPORT_CONTEXT = 5_000;
/** Rows per page when a report reads its period. */
export const PAGE = 5_000;
/** Rows one pruning statement deletes. */
export const PRUNE_BATCH = 5_000;

export interface History {
  /** The newest `limit` (default 1,000, at most 10,000) events that match, oldest first. */
  events(query: EventsParams): Promise<ControllerEvent[]>;
  /** One event by its number. */
  event(seq: number): Promise<ControllerEvent | undefined>;
  /** The on-air override an engineer or the config last set by hand (shows aside). */
  lastOnAir(): Promise<boolean | undefined>;
  /**
   * What a report of (since, until] needs, oldest first: the report's event types in the period,
   * read in pages, and the newest REPORT_CONTEXT events of each context type before it (what was
   * on air, down or failed when the period began). On PostgreSQL, whole past days may come as
   * device day summaries instead of their device changes (controller/plan/report.ts ReportInput).
   */
  reportEvents(since: number, until: number): Promise<ReportInput>;
  /** The reliability report of a period (controller/plan/report.ts), from reportEvents; off the event loop where it can be. */
  report(query: ReportQuery): Promise<ReliabilityReport>;
  /** Deletes up to `batch` events older than `before`; returns how many it deleted. */
  prune(before: number, batch?: number): Promise<number>;
  close(): Promise<void>;
}

/** The events written but not yet in the database the history reads (held in memory, or not yet sent). */
export type HeldEvents = () => readonly ControllerEvent[];

export interface EventRow {
  seq: number | string;
  ts: number | string;
  type: ControllerEvent['type'];
  agent: string | null;
  device: string | null;
  slot: string | null;
  by: string | null;
  reason: string | null;
  data: string;
}

/** Rows as events; a row that no longer matches its schema is reported and skipped. */
export function rowsToEvents(rows: EventRow[], onCorrupt: CorruptRowHandler): ControllerEvent[] {
  const values: Array<{ key: string; value: { type?: unknown } }> = [];
  for (const r of rows) {
    const data = parseJson(r.data);
    if (!data.ok) {
      onCorrupt('events', String(r.seq), data.reason);
      continue;
    }
    values.push({
      key: String(r.seq),
      value: {
        seq: Number(r.seq),
        ts: Number(r.ts),
        type: r.type,
        ...(r.agent ? { agent: r.agent } : {}),
        ...(r.device ? { device: r.device } : {}),
        ...(r.slot ? { slot: r.slot } : {}),
        ...(r.by ? { by: r.by } : {}),
        ...(r.reason ? { reason: r.reason } : {}),
        data: data.value,
      } as { type?: unknown },
    });
  }
  return checkedEvents(values, onCorrupt);
}

export const matches =
  (q: EventsParams) =>
  (e: ControllerEvent): boolean =>
    (q.since === undefined || e.ts >= q.since) &&
    (!q.slot || e.slot === q.slot) &&
    (!q.device || e.device === q.device) &&
    (!q.type || e.type === q.type);

/** Stored and held events together, by number, each once. */
export function merged(stored: readonly ControllerEvent[], held: readonly ControllerEvent[]): ControllerEvent[] {
  const bySeq = new Map<number, ControllerEvent>();
  for (const e of stored) bySeq.set(e.seq, e);
  for (const e of held) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The last on-air change's data (SQLite and PostgreSQL alike). */
export const LAST_ON_AIR_SQL = "SELECT data FROM events WHERE type = 'onair.changed' ORDER BY seq DESC LIMIT 1";

export function onAirFlag(data: string | undefined): boolean | undefined {
  if (data === undefined) return undefined;
  const parsed = parseJson(data);
  const d = (parsed.ok ? parsed.value : {}) as { onAir?: unknown; manualOnAir?: unknown };
  const flag = d.manualOnAir ?? d.onAir;
  return typeof flag === 'boolean' ? flag : undefined;
}

/** The WHERE clause of an events request (placeholders `?`; PostgreSQL's reader renumbers them). */
export function eventsFilter(q: EventsParams): { where: string; args: Array<string | number> } {
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (q.since !== undefined) (where.push('ts >= ?'), args.push(q.since));
  if (q.slot) (where.push('slot = ?'), args.push(q.slot));
  if (q.device) (where.push('device = ?'), args.push(q.device));
  if (q.type) (where.push('type = ?'), args.push(q.type));
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const inList = (types: readonly string[]): string => types.map((t) => `'${t}'`).join(', ');

/** The embedded backend: the events table of the controller's SQLite file, every query bounded. */
export class SqliteHistory implements History {
  constructor(
    private readonly db: Database.Database,
    private readonly held: HeldEvents,
    private readonly onCorrupt: CorruptRowHandler,
  ) {}

  /** Synchronous, bounded by `limit`: for in-process callers of the embedded backend (tests, diagnostics). */
  read(q: EventsParams = {}): ControllerEvent[] {
    const limit = q.limit ?? 1_000;
    const { where, args } = eventsFilter(q);
    const rows = this.db
      .prepare(`SELECT * FROM (SELECT * FROM events ${where} ORDER BY seq DESC LIMIT ${limit}) ORDER BY seq ASC`)
      .all(...args) as EventRow[];
    return merged(rowsToEvents(rows, this.onCorrupt), this.held().filter(matches(q))).slice(-limit);
  }

  async events(q: EventsParams): Promise<ControllerEvent[]> {
    return this.read(q);
  }

  async event(seq: number): Promise<ControllerEvent | undefined> {
    return (
      this.held().find((e) => e.seq === seq) ??
      rowsToEvents(this.db.prepare('SELECT * FROM events WHERE seq = ?').all(seq) as EventRow[], this.onCorrupt)[0]
    );
  }

  async lastOnAir(): Promise<boolean | undefined> {
    const held = this.held()
      .filter((e) => e.type === 'onair.changed')
      .at(-1);
    if (held) return onAirFlag(JSON.stringify(held.data));
    return onAirFlag((this.db.prepare(LAST_ON_AIR_SQL).get() as { data: string } | undefined)?.data);
  }

  async reportEvents(since: number, until: number): Promise<ReportInput> {
    // Each page checked as it comes, the event loop free in between.
    const events: ControllerEvent[] = [];
    const context = this.db.prepare(`SELECT * FROM events WHERE type = ? AND ts < ? ORDER BY seq DESC LIMIT ${REPORT_CONTEXT}`);
    for (const type of CONTEXT_TYPES) {
      events.push(...rowsToEvents(context.all(type, since) as EventRow[], this.onCorrupt));
      await yieldToLoop();
    }
    // The period by (ts, seq), the order of the ts index (which holds the rowid): a keyset, page by page.
    const page = this.db.prepare(
      `SELECT * FROM events WHERE (ts, seq) > (?, ?) AND ts <= ? AND type IN (${inList(REPORT_TYPES)}) ORDER BY ts, seq LIMIT ${PAGE}`,
    );
    for (let after: [number, number] = [since, -1]; ;) {
      const batch = page.all(...after, until) as EventRow[];
      events.push(...rowsToEvents(batch, this.onCorrupt));
      if (batch.length < PAGE) break;
      after = [Number(batch.at(-1)!.ts), Number(batch.at(-1)!.seq)];
      await yieldToLoop();
    }
    const wanted = new Set<string>(REPORT_TYPES);
    return {
      events: merged(
        events,
        this.held().filter((e) => wanted.has(e.type) && e.ts <= until),
      ),
    };
  }

  async report(query: ReportQuery): Promise<ReliabilityReport> {
    return buildReport(await this.reportEvents(query.since, query.until), query);
  }

  async prune(before: number, batch = PRUNE_BATCH): Promise<number> {
    return this.db
      .prepare(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? ORDER BY seq LIMIT ${Math.max(1, Math.floor(batch))})`)
      .run(before).changes;
  }

  async close(): Promise<void> {}
}
