/**
 * Day summaries of a long history on PostgreSQL, so a report of months does not sort or ship
 * millions of rows each time it is asked for. Once a day (UTC) is over, its state events without
 * the repeats of their streams (controller/plan/report.ts withoutRepeats: the report drops the same
 * ones, so this is bookkeeping, not a rule) are copied once into `history_transitions`, and the day
 * is recorded in `history_days` with the last event number it saw. A report then reads whole past
 * days from there, and only the edges of its period (and anything written into a summarized day
 * afterwards) from `events`. Two leaders may overlap (a takeover while the old one still runs): a
 * day is claimed in the statement that copies it, so it is copied once.
 */
import type pg from 'pg';
import { STATE_TYPES } from '../plan/report.ts';

export const DAY_MS = 86_400_000;
/** A day is summarized this long after it ended: later events with its times are still read from `events`, but rarely. */
const SETTLE_MS = 15 * 60_000;

export const SUMMARY_TABLES = `
  CREATE TABLE IF NOT EXISTS history_days (day BIGINT PRIMARY KEY, upto BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS history_transitions (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, type TEXT NOT NULL, agent TEXT, device TEXT, slot TEXT, by TEXT, reason TEXT, data TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS history_transitions_ts ON history_transitions (ts)`;

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
 * returns how many it summarized. `stop` ends it between days.
 */
export async function summarizeDays(db: Pick<pg.ClientBase, 'query'>, stop: () => boolean): Promise<number> {
  const bounds = await db.query<{ first: string | null; last: string }>(
    `SELECT (SELECT MIN(ts) FROM events) AS first, floor((extract(epoch FROM clock_timestamp()) * 1000 - ${SETTLE_MS}) / ${DAY_MS})::bigint AS last`,
  );
  const first = bounds.rows[0]?.first;
  if (first === null || first === undefined) return 0;
  const done = new Set((await db.query<{ day: string }>('SELECT day FROM history_days')).rows.map((r) => Number(r.day)));
  let made = 0;
  for (let day = Math.floor(Number(first) / DAY_MS); day < Number(bounds.rows[0]!.last) && !stop(); day += 1) {
    if (done.has(day)) continue;
    const range = inRanges([[day * DAY_MS, (day + 1) * DAY_MS]]);
    await db.query(
      `WITH claimed AS (INSERT INTO history_days (day, upto) SELECT $2, COALESCE(MAX(seq), 0) FROM events ON CONFLICT DO NOTHING RETURNING day)
       INSERT INTO history_transitions SELECT * FROM (${collapsedStates(range)}) c WHERE EXISTS (SELECT 1 FROM claimed)`,
      [[...STATE_TYPES], day],
    );
    made += 1;
  }
  return made;
}

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
  const whole = days.filter(({ day }) => day * DAY_MS >= since && (day + 1) * DAY_MS <= end).sort((a, b) => a.day - b.day);
  const summarized: Array<[number, number]> = [];
  for (const { day } of whole) {
    const last = summarized.at(-1);
    if (last && last[1] === day * DAY_MS) last[1] += DAY_MS;
    else summarized.push([day * DAY_MS, (day + 1) * DAY_MS]);
  }
  const raw: Array<[number, number]> = [];
  let at = since;
  for (const [a, b] of summarized) {
    if (a > at) raw.push([at, a]);
    at = b;
  }
  if (end > at) raw.push([at, end]);
  return { summarized, raw, upto: whole.length ? Math.min(...whole.map((d) => d.upto)) : 0 };
}
