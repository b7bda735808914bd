/**
 * Reliability reports, computed from the event log alone (pure: events in, report out), so the
 * report for a past period is the same every time it is asked for.
 *
 * The technical failure rate the studio plans for is on-air time with at least one of the show's
 * slots down (or failing over: the program is hit until the backup is confirmed), or its stream
 * impaired (reconnecting, stopped, offline, or its encoder degraded: dropped frames over the
 * profile's limit), or what viewers saw faulty (black, frozen or silent program, stalled playback:
 * controller/plan/report-content.ts), divided by on-air time, against a 1% target. A failure counts from the agent's first failed probe (the
 * program was hit before OnAir could be sure), not from the moment it was declared.
 */
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';
import { eventsOf, type ControllerEvent, type EventOf } from '../../protocols/events.ts';
import { deviceReports, failedAt, type DeviceDays } from './report-devices.ts';
import { isDown } from '../../protocols/failover-rule.ts';
import { deviceKey } from '../../protocols/device-ref.ts';
import { contentIntervals, showContent } from './report-content.ts';

export { summarizeDeviceDay, type DeviceDay, type DeviceDays } from './report-devices.ts';

type Interval = [number, number];
/** The events that carry a state change in data.to. */
type StateEvent = EventOf<'slot.state'> | EventOf<'device.state'>;
type ShowReport = ReliabilityReport['shows'][number];

export interface ReportQuery {
  since: number;
  until: number;
  studio?: string;
  target?: number;
}

const DOWN_SLOT = new Set<string>(['down', 'failing_over']);

/**
 * What a report is computed from: the log of its period (and the context before it), and for the
 * whole days `devices` covers, each device's day summaries instead of its changes (a long history
 * on PostgreSQL: controller/store/history-days.ts). In those days the log need only hold the changes of
 * the devices a show's figures read (`showDevices`).
 */
export interface ReportInput {
  events: readonly ControllerEvent[];
  devices?: DeviceDays;
}

export function buildReport(input: readonly ControllerEvent[] | ReportInput, q: ReportQuery): ReliabilityReport {
  const { events: log, devices: summaries } = 'events' in input ? input : { events: input, devices: undefined };
  const events = withoutRepeats(log);
  const target = q.target ?? 0.01;
  const shows = showIntervals(events, q).map((s) => showReport(events, s));
  const onAirMs = sum(shows.map((s) => s.onAirMs));
  const downOnAirMs = sum(shows.map((s) => s.downMs));
  const rate = onAirMs > 0 ? downOnAirMs / onAirMs : null;
  const members = q.studio ? new Set(shows.flatMap((s) => s.members)) : undefined;
  return {
    since: q.since,
    until: q.until,
    ...(q.studio ? { studio: q.studio } : {}),
    target,
    onAirMs,
    downOnAirMs,
    technicalFailureRate: rate,
    targetMet: rate === null ? null : rate < target,
    shows: shows.map(({ members: _m, ...s }) => s),
    devices: deviceReports(log, q, members, summaries),
    tests: { preshow: passRate(events, q, 'preshow', members), maintenance: passRate(events, q, 'maintenance', members) },
  };
}

/** The state streams: one per device and one per slot (controller/store/history-postgres.ts collapses their repeats the same way). */
export const STATE_TYPES = ['device.state', 'slot.state'] as const;

/**
 * The devices whose state changes a show's figures read (its failures, when a slot was hit, a
 * failover's recovery): the shows' members, the slots' live devices, the devices failed over from.
 * Every other device's changes matter to its device figures only, which day summaries can give.
 */
export function showDevices(events: readonly ControllerEvent[]): Set<string> {
  const devices = new Set<string>();
  for (const e of events) {
    if (e.type === 'show.started') for (const s of e.data.slots) for (const m of s.members) devices.add(m);
    else if (e.type === 'slot.state') devices.add(e.data.active);
    else if (e.type === 'failover.started' || e.type === 'failover.succeeded' || e.type === 'failover.failed') devices.add(e.data.from);
  }
  return devices;
}

/**
 * The log without repeats: a state event that says word for word what the previous event of its
 * stream said (same type, agent, device, slot, by, reason and data; only its time differs) is no
 * change — the device or slot was already there — so it counts as no second failure, lists no
 * second entry and does not move when a stay began. Its stream's first event stays. A reader may
 * drop repeats before they get here (PostgreSQL does, so a long history of repeats does not
 * travel); dropping them again here is then a no-op.
 */
export function withoutRepeats(events: readonly ControllerEvent[]): ControllerEvent[] {
  const last = new Map<string, string>();
  const kept: ControllerEvent[] = [];
  for (const e of events) {
    if (e.type === 'device.state' || e.type === 'slot.state') {
      const stream = `${e.type}\u0000${e.agent ?? ''}\u0000${e.device ?? ''}\u0000${e.slot ?? ''}`;
      const said = JSON.stringify([e.by ?? '', e.reason ?? '', e.data]);
      if (last.get(stream) === said) continue;
      last.set(stream, said);
    }
    kept.push(e);
  }
  return kept;
}

interface ShowSpan {
  show: string;
  title: string;
  studio: string;
  from: number;
  to: number;
  slots: Array<{ slot: string; members: string[] }>;
  stream?: string;
}

function showIntervals(events: readonly ControllerEvent[], q: ReportQuery): ShowSpan[] {
  const spans: ShowSpan[] = [];
  const open = new Map<string, ShowSpan>();
  for (const e of events) {
    if (e.type === 'show.started') {
      const d = e.data;
      const span = {
        show: d.show,
        title: d.title || d.show,
        studio: d.studio,
        from: e.ts,
        to: q.until,
        slots: d.slots,
        ...(d.stream ? { stream: d.stream } : {}),
      };
      open.set(d.show, span);
      spans.push(span);
    } else if (e.type === 'show.ended') {
      const span = open.get(e.data.show);
      if (span) ((span.to = Math.min(e.ts, q.until)), open.delete(span.show));
    }
  }
  return spans
    .filter((s) => (!q.studio || s.studio === q.studio) && s.to > q.since && s.from < q.until)
    .map((s) => ({ ...s, from: Math.max(s.from, q.since), to: Math.min(s.to, q.until) }));
}

function showReport(events: readonly ControllerEvent[], s: ShowSpan): ShowReport & { members: string[] } {
  const slotIds = new Set(s.slots.map((x) => x.slot));
  const members = new Set(s.slots.flatMap((x) => x.members));
  const within = (e: ControllerEvent) => e.ts >= s.from && e.ts <= s.to;
  const slots = s.slots.map(({ slot }) => {
    const ofSlot = (e: ControllerEvent): e is StateEvent => e.type === 'slot.state' && e.slot === slot;
    const down = conditionIntervals(
      events,
      ofSlot,
      (c) => DOWN_SLOT.has(c),
      s.from,
      s.to,
      (e, index) => slotHitAt(events, e, index),
    );
    const degraded = conditionIntervals(events, ofSlot, (c) => c === 'degraded', s.from, s.to);
    return { slot, down, degraded, degradedMs: length(degraded), downMs: length(down) };
  });
  const stream =
    s.stream === undefined ? undefined : streamFigures(events, s, s.stream, slots.find((x) => x.slot === s.stream)?.degraded ?? []);
  const failures = eventsOf(events, 'device.state')
    .filter((e) => within(e) && isDown(e.data.to) && members.has(`${e.agent}/${e.device}`))
    .map((e) => ({ ts: e.ts, agent: e.agent ?? '', device: e.device ?? '', to: e.data.to, reason: e.reason ?? '' }));
  const failovers = events
    .map((e, index) => ({ e, index }))
    .filter(
      (x): x is { e: EventOf<'failover.succeeded' | 'failover.failed'>; index: number } =>
        (x.e.type === 'failover.succeeded' || x.e.type === 'failover.failed') &&
        within(x.e) &&
        x.e.slot !== undefined &&
        slotIds.has(x.e.slot),
    )
    .map(({ e, index }) => ({
      ts: e.ts,
      slot: e.slot!,
      from: e.data.from,
      to: e.type === 'failover.succeeded' ? e.data.to : '',
      by: e.by ?? '',
      reason: e.reason ?? '',
      succeeded: e.type === 'failover.succeeded',
      ...recovery(events, index),
    }));
  const content = showContent(events, { from: s.from, to: s.to, studio: s.studio, members });
  const programCuts = eventsOf(events, 'program.cut')
    .filter((e) => within(e) && e.slot !== undefined && slotIds.has(e.slot))
    .map((e) => ({
      ts: e.ts,
      slot: e.slot!,
      switcher: e.data.switcher,
      from: e.data.from,
      to: e.data.to,
      cut: e.data.cut,
      sinceFailoverMs: e.data.sinceFailoverMs,
    }));
  return {
    show: s.show,
    title: s.title,
    studio: s.studio,
    startedAt: s.from,
    endedAt: s.to,
    onAirMs: s.to - s.from,
    downMs: length(
      union([
        ...slots.flatMap((x) => x.down),
        ...(stream?.impairments.map((i): Interval => [i.from, i.to]) ?? []),
        ...contentIntervals(content),
      ]),
    ),
    failures,
    failovers,
    slots: slots.map(({ slot, degradedMs, downMs }) => ({ slot, degradedMs, downMs })),
    ...(stream ? { stream } : {}),
    content,
    programCuts,
    members: [...members],
  };
}

const OUTAGE = new Set(['reconnecting', 'stopped', 'offline']);

/**
 * A show's stream from its stream.state events: outages (reconnecting, stopped, offline) with the
 * cause the first event gave, plus the time its slot was degraded (an encoder dropping frames).
 */
function streamFigures(
  events: readonly ControllerEvent[],
  s: ShowSpan,
  slot: string,
  degraded: Interval[],
): NonNullable<ShowReport['stream']> {
  const states = eventsOf(events, 'stream.state').filter((e) => e.data.show === s.show && e.ts <= s.to);
  const outages: Array<{ from: number; to: number; cause: string }> = [];
  let open: { from: number; cause: string } | undefined;
  for (const e of states) {
    const condition = e.data.condition;
    if (OUTAGE.has(condition)) open ??= { from: Math.max(e.ts, s.from), cause: e.reason ?? `the stream was ${condition}` };
    else if (open) (outages.push({ ...open, to: Math.min(e.ts, s.to) }), (open = undefined));
  }
  if (open) outages.push({ ...open, to: s.to });
  const causeAt = (at: number): string => {
    const change = findLast(events, events.length, (e) => e.type === 'slot.state' && e.slot === slot && e.ts <= at);
    return `the stream's encoder was degraded${change >= 0 && events[change]!.reason ? `: ${events[change]!.reason}` : ''}`;
  };
  const impairments = [...outages, ...degraded.map(([from, to]) => ({ from, to, cause: causeAt(from) }))]
    .filter((i) => i.to > i.from)
    .sort((a, b) => a.from - b.from);
  return {
    slot,
    framesDropped: Math.max(0, ...states.map((e) => e.data.framesDropped)),
    reconnects: states.filter((e) => e.data.condition === 'reconnecting').length,
    longestOutageMs: Math.max(0, ...outages.map((o) => o.to - o.from)),
    impairedMs: length(union(impairments.map((i): Interval => [i.from, i.to]))),
    impairments,
  };
}

/** Index of the device's last failure (a state change to failed or offline) before `before`, or -1. */
const lastFailure = (events: readonly ControllerEvent[], before: number, device: string): EventOf<'device.state'> | undefined => {
  const at = findLast(events, before, (e) => e.type === 'device.state' && `${e.agent}/${e.device}` === device && isDown(e.data.to));
  return at < 0 ? undefined : (events[at] as EventOf<'device.state'>);
};

/** A slot going down was hit when the failure of its live device began. */
function slotHitAt(events: readonly ControllerEvent[], e: StateEvent, index: number): number {
  const failure = e.type === 'slot.state' ? lastFailure(events, index, e.data.active) : undefined;
  return failure ? failedAt(failure) : e.ts;
}

/**
 * A failover's time to recover, from the failure that started it (automatic: its first failed
 * probe) or the engineer's request (manual), to the backup confirmed; and how long detection took.
 */
function recovery(events: readonly ControllerEvent[], doneAt: number): { recoverMs: number | null; detectMs: number | null } {
  const done = events[doneAt]!;
  const none = { recoverMs: null, detectMs: null };
  if (done.type !== 'failover.succeeded') return none;
  const startedAt = findLast(events, doneAt, (e) => e.type === 'failover.started' && e.slot === done.slot);
  if (startedAt < 0) return none;
  const started = events[startedAt]!;
  if (started.by !== 'controller') return { recoverMs: done.ts - started.ts, detectMs: null };
  const failure = lastFailure(events, startedAt + 1, done.data.from);
  if (!failure) return { recoverMs: done.ts - started.ts, detectMs: null };
  return {
    recoverMs: done.ts - failedAt(failure),
    detectMs: failure.data.failingSince === undefined ? null : failure.ts - failure.data.failingSince,
  };
}

/**
 * Intervals in [from, to] during which a state stream (events with data.to) was in one of `states`.
 * `enteredAt` dates the start of each stay (a failure began before it was declared), never before
 * the previous change of the stream.
 */
function conditionIntervals<E extends StateEvent>(
  events: readonly ControllerEvent[],
  match: (e: ControllerEvent) => e is E,
  inState: (condition: string) => boolean,
  from: number,
  to: number,
  enteredAt: (e: E, index: number) => number = (e) => e.ts,
): Interval[] {
  const out: Interval[] = [];
  let inside = false;
  let since = from;
  let lastChange = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i]!;
    if (!match(e)) continue;
    if (e.ts > to) break;
    const entering = inState(e.data.to);
    if (inside && !entering && e.ts > from) out.push([since, e.ts]);
    if (!inside && entering) since = Math.max(from, lastChange, Math.min(e.ts, enteredAt(e, i)));
    inside = entering;
    lastChange = e.ts;
  }
  if (inside) out.push([since, to]);
  return out.filter(([a, b]) => b > a);
}

/** Final results only: a pre-show test that failed and was retried counts once, by its retry. */
function passRate(
  events: readonly ControllerEvent[],
  q: ReportQuery,
  kind: 'preshow' | 'maintenance',
  only?: Set<string>,
): ReliabilityReport['tests']['preshow'] {
  const jobs = eventsOf(events, 'job.finished').filter(
    (e) => e.data.kind === kind && e.ts > q.since && e.ts <= q.until && (!only || only.has(deviceKey(e.agent ?? '', e.device ?? ''))),
  );
  const runOf = (e: EventOf<'job.finished'>) => `${e.agent}/${e.device}/${e.data.show ?? e.data.schedule ?? ''}`;
  const retried = new Set(jobs.filter((e) => e.data.attempt > 1).map(runOf));
  const final = jobs.filter((e) => !(e.data.attempt === 1 && e.data.state !== 'passed' && retried.has(runOf(e))));
  const passed = final.filter((e) => e.data.state === 'passed').length;
  const failed = final.filter((e) => e.data.state === 'failed' || e.data.state === 'timed_out').length;
  const skipped = final.filter((e) => e.data.state === 'skipped').length;
  return { passed, failed, skipped, passRate: passed + failed > 0 ? passed / (passed + failed) : null };
}

function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const length = (intervals: Interval[]): number => sum(intervals.map(([a, b]) => b - a));
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Index of the last event before `before` that matches, or -1. */
function findLast(events: readonly ControllerEvent[], before: number, match: (e: ControllerEvent) => boolean): number {
  for (let i = before - 1; i >= 0; i -= 1) if (match(events[i]!)) return i;
  return -1;
}
