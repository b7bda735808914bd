/**
 * A reliability report's device figures (controller/plan/report.ts builds the rest): for each device,
 * the time it was observed, the time it was down (failed or offline, from its first failed probe),
 * its failures and repairs. They are one walk over each device's state changes in log order, and
 * the walk of a whole day can be folded once into a `DeviceDay` and applied later in one step: a
 * long history (PostgreSQL, controller/store/history-days.ts) keeps every past day's `DeviceDay`, so a
 * report of months reads days × devices summaries, not every change. Both the walk over events and
 * the day summaries go through `step` below: the rules are written once, and a report from
 * summaries equals the report from the events (test/unit/report-days.test.ts,
 * test/integration/history-summaries.test.ts) as long as each device's changes are numbered in
 * time order, as the one leader numbering them does (an event held through an outage keeps its
 * number); a change numbered out of time order (a clock set back) is taken in its day.
 */
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';
import { eventsOf, type ControllerEvent, type EventOf } from '../../protocols/events.ts';
import { isDown } from '../../protocols/failover-rule.ts';

type DeviceEvent = EventOf<'device.state'>;
type DeviceReport = ReliabilityReport['devices'][number];

/** When a device's failure began: its first failed probe if the agent measured it, else when it was declared. */
export const failedAt = (e: DeviceEvent): number => e.data.failingSince ?? e.ts;
/** A device's name in the report and in show members. */
export const deviceKey = (e: { agent?: string; device?: string }): string => `${e.agent}/${e.device}`;
/**
 * What a state change says; the same words again from the same device are a repeat, no change
 * (report.ts withoutRepeats: device.state events carry no slot, so a device is one stream).
 */
const saidOf = (e: DeviceEvent): string => JSON.stringify([e.by ?? '', e.reason ?? '', e.data]);

/** A device's figures so far, walking its changes. */
interface Walk {
  said?: string;
  /** Down after its last change. */
  inside: boolean;
  /** When the current down stay began. */
  since: number;
  /** The stay began at or before a day's first change (a day summary's walk): its start is the caller's. */
  headStay: boolean;
  /** When such a stay ended within the day. */
  headClosedAt?: number;
  lastChange: number;
  downMs: number;
  failures: number;
  repairs: number;
}

const newWalk = (): Walk => ({
  inside: false,
  since: 0,
  headStay: false,
  lastChange: Number.NEGATIVE_INFINITY,
  downMs: 0,
  failures: 0,
  repairs: 0,
});

function close(w: Walk, at: number): void {
  if (w.headStay) ((w.headClosedAt = at), (w.headStay = false));
  else if (at > w.since) w.downMs += at - w.since;
}

/**
 * The rule, one change at a time. A down stay begins at the failure's first failed probe, never
 * before the device's previous change nor before `from` (when it was first observed in the
 * period); failures and repairs count changes after `periodSince`.
 */
function step(w: Walk, e: DeviceEvent, from: number, periodSince: number): void {
  const said = saidOf(e);
  if (said === w.said) return;
  w.said = said;
  const entering = isDown(e.data.to);
  if (w.inside && !entering) close(w, e.ts);
  if (!w.inside && entering) ((w.since = Math.max(from, w.lastChange, Math.min(e.ts, failedAt(e)))), (w.headStay = false));
  w.inside = entering;
  w.lastChange = e.ts;
  if (e.ts > periodSince && entering && !isDown(e.data.from)) w.failures += 1;
  if (e.ts > periodSince && !entering && isDown(e.data.from)) w.repairs += 1;
}

/** A day's changes of one device after its first (`head`), folded: applied after the head in one step. */
interface DayRun {
  head: DeviceEvent;
  /** When the stay the head began or continued ended within the day (none: not down after the head, or down to the day's end). */
  headClosedAt?: number;
  /** Down time of the stays begun after the head and ended within the day. */
  downMs: number;
  failures: number;
  repairs: number;
  /** At the day's end: down, since when (absent: since the head's stay), the last change and what it said. */
  inside: boolean;
  since?: number;
  lastChange: number;
  said: string;
}

/** One device's day (UTC), summarized from its changes of that day. */
export interface DeviceDay {
  day: number;
  key: string;
  /** The time of its first change of the day (when it was first observed, if it is its first ever). */
  firstTs: number;
  /** The day walked from its first change... */
  withFirst: DayRun;
  /** ...and from its second, for when the first repeats what the device said before the day (absent: no second). */
  withoutFirst?: DayRun;
}

function dayRun(changes: readonly DeviceEvent[]): DayRun {
  const head = changes[0]!;
  const down = isDown(head.data.to);
  // The head's own effect depends on the walk it is applied to; everything after it does not
  // (in a whole day of a period, every change is after `from` and the period's start).
  const w: Walk = { ...newWalk(), said: saidOf(head), inside: down, headStay: down, lastChange: head.ts };
  for (const e of changes.slice(1)) step(w, e, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY);
  return {
    head,
    ...(w.headClosedAt !== undefined ? { headClosedAt: w.headClosedAt } : {}),
    downMs: w.downMs,
    failures: w.failures,
    repairs: w.repairs,
    inside: w.inside,
    ...(w.inside && !w.headStay ? { since: w.since } : {}),
    lastChange: w.lastChange,
    said: w.said!,
  };
}

/** The `DeviceDay`s of one day from its events (any types, log order; repeats may be there or not). */
export function summarizeDeviceDay(day: number, events: readonly ControllerEvent[]): DeviceDay[] {
  const streams = new Map<string, DeviceEvent[]>();
  for (const e of eventsOf(events, 'device.state')) {
    const key = deviceKey(e);
    const stream = streams.get(key);
    // Repeats within the day are dropped here already, as the walk would.
    if (stream && saidOf(stream.at(-1)!) === saidOf(e)) continue;
    if (stream) stream.push(e);
    else streams.set(key, [e]);
  }
  return [...streams].map(([key, changes]) => ({
    day,
    key,
    firstTs: changes[0]!.ts,
    withFirst: dayRun(changes),
    ...(changes.length > 1 ? { withoutFirst: dayRun(changes.slice(1)) } : {}),
  }));
}

function applyDay(w: Walk, d: DeviceDay, from: number, periodSince: number): void {
  const run = w.said === saidOf(d.withFirst.head) ? d.withoutFirst : d.withFirst;
  if (!run) return; // the day only repeated what the device said before it
  step(w, run.head, from, periodSince);
  if (run.headClosedAt !== undefined) close(w, run.headClosedAt);
  w.downMs += run.downMs;
  w.failures += run.failures;
  w.repairs += run.repairs;
  if (run.since !== undefined) w.since = run.since;
  w.inside = run.inside;
  w.lastChange = run.lastChange;
  w.said = run.said;
}

/** Whole days (UTC, [from, to) in ms) whose device changes come as `DeviceDay`s instead of events. */
export interface DeviceDays {
  covered: ReadonlyArray<readonly [number, number]>;
  days: readonly DeviceDay[];
}

/**
 * Each device's figures over the period, from its changes in the log (in log order, ts up to the
 * period's end) and, for the days `summaries` covers, from their `DeviceDay`s (the log's device
 * changes in those days are then not read here). A covered day must lie wholly after q.since.
 */
export function deviceReports(
  log: readonly ControllerEvent[],
  q: { since: number; until: number },
  only?: Set<string>,
  summaries?: DeviceDays,
): DeviceReport[] {
  const isCovered = (ts: number): boolean => summaries?.covered.some(([a, b]) => ts >= a && ts < b) ?? false;
  type Item = { change: DeviceEvent } | { day: DeviceDay };
  const timelines = new Map<string, Item[]>();
  const add = (key: string, item: Item): void => {
    if (only && !only.has(key)) return;
    const timeline = timelines.get(key);
    if (timeline) timeline.push(item);
    else timelines.set(key, [item]);
  };
  const days = [...(summaries?.days ?? [])].sort((a, b) => a.day - b.day);
  const pending = new Map<string, DeviceDay[]>();
  for (const d of days) pending.set(d.key, [...(pending.get(d.key) ?? []), d]);
  for (const e of eventsOf(log, 'device.state')) {
    if (e.ts > q.until || isCovered(e.ts)) continue;
    const key = deviceKey(e);
    const before = pending.get(key);
    // A day comes before the first change after it.
    while (before?.length && before[0]!.firstTs < e.ts) add(key, { day: before.shift()! });
    add(key, { change: e });
  }
  for (const [key, rest] of pending) for (const d of rest) add(key, { day: d });
  return [...timelines.keys()].sort().map((key) => {
    const timeline = timelines.get(key)!;
    const head = timeline[0]!;
    const observedFrom = Math.max(q.since, 'change' in head ? head.change.ts : head.day.firstTs);
    const w = newWalk();
    for (const item of timeline) {
      if ('change' in item) step(w, item.change, observedFrom, q.since);
      else applyDay(w, item.day, observedFrom, q.since);
    }
    if (w.inside) close(w, q.until);
    const observedMs = Math.max(0, q.until - observedFrom);
    const { downMs, failures, repairs } = w;
    const [agent, device] = key.split('/') as [string, string];
    return {
      agent,
      device,
      observedMs,
      downMs,
      availability: observedMs > 0 ? 1 - downMs / observedMs : null,
      failures,
      mtbfMs: failures > 0 ? Math.round((observedMs - downMs) / failures) : null,
      mttrMs: repairs > 0 ? Math.round(downMs / repairs) : null,
    };
  });
}
