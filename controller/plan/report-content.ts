/**
 * What viewers saw, for a show's report (controller/plan/report.ts): the seconds of black, frozen and
 * silent program and of stalled playback, from the `content.fault` events the controller records
 * (controller/failover/content-watch.ts). They count in the show's failure time whatever the gear
 * said: a show whose gear was fine but whose program was black for 2 minutes reads as failed.
 *
 * A fault is the show's when its device is one of the show's members, or is in the show's studio, or
 * names no studio (one studio, or a platform every show goes out on). It counts from the event that
 * says it began (the check failed: black for its duration already) to the one that says it ended, or
 * to the show's end. Like stream.state, these events are rare and read as they are over the whole
 * period, also on a summarized history (controller/store/history-postgres.ts), so a report from day
 * summaries equals the full recomputation.
 */
import { countedAs, type CountedFault } from '../../protocols/content-policy.ts';
import type { ContentFault } from '../../protocols/media.ts';
import { eventsOf, type ControllerEvent } from '../../protocols/events.ts';
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';

export type ShowContent = ReliabilityReport['shows'][number]['content'];
type Fault = ShowContent['faults'][number];

export interface ContentSpan {
  from: number;
  to: number;
  studio: string;
  members: ReadonlySet<string>;
}

const COLUMN: Record<CountedFault, 'blackMs' | 'frozenMs' | 'silentMs' | 'stalledMs'> = {
  black: 'blackMs',
  frozen: 'frozenMs',
  silent: 'silentMs',
  stalled: 'stalledMs',
};

export function showContent(events: readonly ControllerEvent[], s: ContentSpan): ShowContent {
  const open = new Map<string, { since: number; agent: string; device: string; role: Fault['role']; fault: ContentFault }>();
  const spans: Fault[] = [];
  const close = (key: string, at: number): void => {
    const o = open.get(key)!;
    open.delete(key);
    const from = Math.max(o.since, s.from);
    const to = Math.min(at, s.to);
    if (to > from) spans.push({ from, to, agent: o.agent, device: o.device, role: o.role, fault: o.fault });
  };
  for (const e of eventsOf(events, 'content.fault')) {
    if (e.ts > s.to) break;
    const { role, fault, phase, studio } = e.data;
    const name = `${e.agent}/${e.device}`;
    if (role === 'source' || !countedAs(fault)) continue;
    if (!s.members.has(name) && studio !== undefined && studio !== s.studio) continue;
    const key = `${name}\u0000${fault}`;
    if (phase === 'started' && !open.has(key)) open.set(key, { since: e.ts, agent: e.agent ?? '', device: e.device ?? '', role, fault });
    else if (phase === 'ended' && open.has(key)) close(key, e.ts);
  }
  for (const key of [...open.keys()]) close(key, s.to);
  spans.sort((a, b) => a.from - b.from || a.device.localeCompare(b.device));
  const figures = { blackMs: 0, frozenMs: 0, silentMs: 0, stalledMs: 0 };
  for (const column of Object.values(COLUMN)) {
    const of = spans.filter((f) => COLUMN[countedAs(f.fault)!] === column).map((f): [number, number] => [f.from, f.to]);
    figures[column] = length(union(of));
  }
  return { ...figures, faults: spans };
}

/** The intervals a show's content faults cover (for its failure time). */
export const contentIntervals = (c: ShowContent): Array<[number, number]> => c.faults.map((f) => [f.from, f.to]);

function union(intervals: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const length = (intervals: Array<[number, number]>): number => intervals.reduce((sum, [a, b]) => sum + b - a, 0);
