/**
 * Day summaries of a long history on PostgreSQL, so a report of months does not sort or ship
 * millions of rows each time it is asked for. Once a day (UTC) is over, its state events without
 * the repeats of their streams (controller/plan/report.ts withoutRepeats: the report drops the same
 * ones, so this is bookkeeping, not a rule) are copied once into `history_transitions`, each
 * device's figures of the day are folded by the report's own rules into a DeviceDay
 * (controller/plan/report-devices.ts) in `history_device_days`, and the day is recorded in
 * `history_days` with the last event number it saw. A report then reads whole past days from
 * there — DeviceDays, slot changes, and the changes of the few devices a show reads — and only the
 * edges of its period from `events`. A day written into after its summary is summarized no longer
 * (read from `events`) until it is summarized again. Two leaders may overlap (a takeover while the
 * old one still runs): a day is claimed in the statement that copies it, so it is copied once.
 */
import type pg from 'pg';
import { STATE_TYPES, summarizeDeviceDay } from '../plan/report.ts';
import { rowsToEvents, type EventRow } from './history.ts';

export const DAY_MS = 86_400_000;
/** A day is summarized this long after it ended: later events with its times are still read from `events`, but rarely. */
const SETTLE_MS = 15 * 60_000;

export const SUMMARY_TABLES = `
  CREATE TABLE IF NOT EXISTS history_days (day BIGINT PRIMARY KEY, upto BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS history_transitions (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, type TEXT NOT NULL, agent TEXT, device TEXT, slot TEXT, by TEXT, reason TEXT, data TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS history_transitions_ts ON history_transitions (ts);
  ALTER TABLE history_days ADD COLUMN IF NOT EXISTS devices BOOLEAN NOT NULL DEFAULT false;
  CREATE TABLE IF NOT EXISTS history_device_days (day BIGINT NOT NULL, device TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (day, device));
  CREATE INDEX IF NOT EXISTS history_transitions_type ON history_transitions (type, ts);
  CREATE INDEX IF NOT EXISTS history_transitions_device ON history_transitions (device, ts);
  CREATE TABLE IF NOT EXISTS history_watermark (one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one), seq BIGINT NOT NULL)`;

/**
 * The state events (types $3) with ts in the ranges given, without the repeats of their stream: an
 * event whose by, reason and data are those of the previous one (by seq) of the same type, agent,
 * device and slot. Byte-wise ("C") keys: the sort only groups. No order: readers sort by seq.
 */
export const collapsedStates = (ranges: string): string => `
  SELECT seq, ts, type, agent, device, slot, by, reason, data FROM (
    SELECT seq, ts, type, agent, device, slot, by, reason, data,
      lag(seq) OVER w IS NOT NULL AND data = lag(data) OVER w AND COALESCE(reason, '') = COALESCE(lag(reason) OVER w, '') AND COALESCE(by, '') = COALESCE(lag(by) OVER w, '') AS repeat
    FROM events WHERE (${ranges}) AND type = ANY($1::text[])
    WINDOW w AS (PARTITION BY type COLLATE "C", COALESCE(agent, '') COLLATE "C", COALESCE(device, '') COLLATE "C", COALESCE(slot, '') COLLATE "C" ORDER BY seq)
  ) s WHERE NOT repeat`;

/** `ts` in any of the half-open ranges (integers we computed, so written in the statement). */
export const inRanges = (ranges: ReadonlyArray<readonly [number, number]>): string =>
  ranges.length === 0 ? 'false' : ranges.map(([a, b]) => `(ts >= ${Math.floor(a)} AND ts < ${Math.floor(b)})`).join(' OR ');

/**
 * Summarizes every day that is over (by PostgreSQL's clock) and not yet summarized, oldest first;
 * returns how many it summarized. `stop` ends it between days. A day is its state changes copied
 * into `history_transitions` and each device's figures of the day (controller/plan/report-devices.ts
 * DeviceDay, from those copies) in `history_device_days`; a day summarized by a version without
 * the latter gets them now. One transaction a day: a day is claimed with both or neither.
 */
export async function summarizeDays(db: Pick<pg.ClientBase, 'query'>, stop: () => boolean): Promise<number> {
  const bounds = await db.query<{ first: string | null; last: string }>(
    `SELECT (SELECT MIN(ts) FROM events) AS first, floor((extract(epoch FROM clock_timestamp()) * 1000 - ${SETTLE_MS}) / ${DAY_MS})::bigint AS last`,
  );
  const first = bounds.rows[0]?.first;
  if (first === null || first === undefined) return 0;
  await forgetLateDays(db);
  const done = new Map(
    (await db.query<{ day: string; devices: boolean }>('SELECT day, devices FROM history_days')).rows.map((r) => [
      Number(r.day),
      r.devices,
    ]),
  );
  let made = 0;
  for (let day = Math.floor(Number(first) / DAY_MS); day < Number(bounds.rows[0]!.last) && !stop(); day += 1) {
    if (done.get(day) === true) continue;
    const range = inRanges([[day * DAY_MS, (day + 1) * DAY_MS]]);
    await db.query('BEGIN');
    try {
      // A day pruned in part is summarized again (controller/store/history-postgres.ts prune): its copies left stay.
      await db.query(
        `WITH claimed AS (INSERT INTO history_days (day, upto) SELECT $2, COALESCE(MAX(seq), 0) FROM events ON CONFLICT DO NOTHING RETURNING day)
         INSERT INTO history_transitions SELECT * FROM (${collapsedStates(range)}) c WHERE EXISTS (SELECT 1 FROM claimed) ON CONFLICT DO NOTHING`,
        [[...STATE_TYPES], day],
      );
      // Another leader summarizing the same day holds this row until it commits.
      const claimed = await db.query<{ devices: boolean }>('SELECT devices FROM history_days WHERE day = $1 FOR UPDATE', [day]);
      if (claimed.rows[0]?.devices === false) await summarizeDevices(db, day);
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    made += 1;
  }
  return made;
}

/** Rows made into events at a time: the event loop (a leader's lease renewals) gets a turn in between. */
const CHUNK = 2_000;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Each device's DeviceDay of a claimed day, from the day's copied state changes. */
async function summarizeDevices(db: Pick<pg.ClientBase, 'query'>, day: number): Promise<void> {
  const rows = (
    await db.query<EventRow>("SELECT * FROM history_transitions WHERE ts >= $1 AND ts < $2 AND type = 'device.state' ORDER BY seq", [
      day * DAY_MS,
      (day + 1) * DAY_MS,
    ])
  ).rows;
  const events = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    // A corrupt row is left out here as a report leaves it out (and names it there).
    events.push(...rowsToEvents(rows.slice(i, i + CHUNK), () => undefined));
    await yieldToLoop();
  }
  const summaries = summarizeDeviceDay(day, events);
  await db.query('DELETE FROM history_device_days WHERE day = $1', [day]);
  if (summaries.length) {
    await db.query('INSERT INTO history_device_days (day, device, summary) SELECT $1, unnest($2::text[]), unnest($3::text[])', [
      day,
      summaries.map((d) => d.key),
      summaries.map((d) => JSON.stringify(d)),
    ]);
  }
  await db.query('UPDATE history_days SET devices = true WHERE day = $1', [day]);
}

/** Whole days as ranges [from, to) in ms, adjacent days joined. */
export function dayRanges(days: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const day of [...days].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && last[1] === day * DAY_MS) last[1] += DAY_MS;
    else if (!last || last[1] < day * DAY_MS) ranges.push([day * DAY_MS, (day + 1) * DAY_MS]);
  }
  return ranges;
}

/**
 * A summarized day that got a state change after its summary (`seq` past its `upto`: an event
 * held through a database outage, a clock set back) is summarized no longer: read from the log,
 * and summarized again. Every event up to `history_watermark` has been checked so; a report checks
 * those after it (a few, newer than the last run) itself.
 */
async function forgetLateDays(db: Pick<pg.ClientBase, 'query'>): Promise<void> {
  await db.query('BEGIN');
  try {
    const mark = await db.query<{ seq: string }>('SELECT seq FROM history_watermark FOR UPDATE');
    const bounds = await db.query<{ newest: string; oldest: string | null }>(
      'SELECT COALESCE((SELECT MAX(seq) FROM events), 0) AS newest, (SELECT MIN(upto) FROM history_days) AS oldest',
    );
    const newest = Number(bounds.rows[0]!.newest);
    const from = mark.rows[0] ? Number(mark.rows[0].seq) : Number(bounds.rows[0]!.oldest ?? newest);
    await db.query(
      `WITH late AS (SELECT DISTINCT d.day FROM events e JOIN history_days d ON d.day = e.ts / ${DAY_MS} WHERE e.seq > $1 AND e.seq <= $2 AND e.seq > d.upto AND e.type = ANY($3::text[])),
         devices AS (DELETE FROM history_device_days WHERE day IN (SELECT day FROM late))
       DELETE FROM history_days WHERE day IN (SELECT day FROM late)`,
      [from, newest, [...STATE_TYPES]],
    );
    await db.query(
      'INSERT INTO history_watermark (one, seq) VALUES (true, $1) ON CONFLICT (one) DO UPDATE SET seq = GREATEST(history_watermark.seq, EXCLUDED.seq)',
      [newest],
    );
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export interface SummarizedDay {
  day: number;
  upto: number;
  /** It has DeviceDays. */
  devices: boolean;
}

/** The summarized days without the ones a state change was written into after their summary (`late`: committed or still held). */
export const currentDays = (days: readonly SummarizedDay[], late: ReadonlyArray<{ seq: number; ts: number }>): SummarizedDay[] =>
  days.filter(({ day, upto }) => !late.some((e) => e.seq > upto && Math.floor(e.ts / DAY_MS) === day));

/**
 * The summarized days of a period whose device figures come from their DeviceDays: whole days
 * after its start (a change at its very first millisecond is not the period's) with DeviceDays.
 */
export const deviceDaysOf = (since: number, until: number, days: readonly SummarizedDay[]): number[] =>
  days.filter(({ day, devices }) => devices && day * DAY_MS > since && (day + 1) * DAY_MS <= until + 1).map(({ day }) => day);

/** What a period's state events are read from: whole summarized days, and the ranges left (its edges, days not yet summarized). */
export interface PeriodPlan {
  summarized: Array<[number, number]>;
  raw: Array<[number, number]>;
  /** The smallest `upto` of the summarized days: events after it may have been written into them later. */
  upto: number;
}

/** Splits [since, until] (ts inclusive) into summarized days and the rest. */
export function planPeriod(since: number, until: number, days: ReadonlyArray<{ day: number; upto: number }>): PeriodPlan {
  const end = until + 1;
  const whole = days.filter(({ day }) => day * DAY_MS >= since && (day + 1) * DAY_MS <= end);
  const summarized = dayRanges(whole.map(({ day }) => day));
  const raw: Array<[number, number]> = [];
  let at = since;
  for (const [a, b] of summarized) {
    if (a > at) raw.push([at, a]);
    at = b;
  }
  if (end > at) raw.push([at, end]);
  return { summarized, raw, upto: whole.length ? Math.min(...whole.map((d) => d.upto)) : 0 };
}
