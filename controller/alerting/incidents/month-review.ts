/**
 * The month's review (the plan's monthly meeting), gathered: the technical failure rate per week
 * against the 1% target (the reliability report, controller/plan/report.ts, one week at a time so
 * a big month is read in bounded pieces), the incidents opened in it, maintenance done and overdue
 * by owner, and the gear ranked by failures (the weeks' device figures added up).
 */
import type { Incident } from '../../../protocols/alerting.ts';
import type { Job, ReliabilityReport, Schedule } from '../../../protocols/plan-schemas.ts';
import type { ReportQuery } from '../../plan/report.ts';

const WEEK_MS = 7 * 86_400_000;
export const TARGET = 0.01;

export interface MonthReview {
  month: string;
  studio?: string;
  since: number;
  until: number;
  target: number;
  weeks: Array<{ week: number; since: number; until: number; onAirMs: number; downOnAirMs: number; rate: number | null }>;
  total: { onAirMs: number; downOnAirMs: number; rate: number | null; targetMet: boolean | null };
  incidents: Array<{
    id: number;
    title: string;
    titleMessage?: Incident['titleMessage'];
    studio?: string;
    state: Incident['state'];
    openedAt: number;
    cause?: string;
    ackMs: number | null;
    resolveMs: number | null;
    impactMs: number;
  }>;
  maintenance: Array<{ owner: string; done: number; overdue: number; failed: number }>;
  overdue: Array<{ job: number; device: string; owner: string; dueAt: number; state: Job['state'] }>;
  gear: Array<{ device: string; failures: number; downMs: number; availability: number | null }>;
}

export interface MonthSources {
  /** One week's reliability report (the history's report: paged, off the event loop where it can be). */
  report: (q: ReportQuery) => Promise<ReliabilityReport>;
  incidents: (since: number, until: number) => Incident[];
  /** Maintenance jobs created since a time (newest first, bounded). */
  maintenanceJobs: (since: number) => Job[];
  schedules: () => Schedule[];
}

/** [since, until) of a YYYY-MM month in the controller machine's time zone. */
export function monthBounds(month: string): { since: number; until: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { since: new Date(y, m - 1, 1).getTime(), until: new Date(y, m, 1).getTime() };
}

/** Weeks from the 1st: days 1–7, 8–14, 15–21, 22–28 and the rest (so every month has comparable weeks 1–4). */
export function monthWeeks(since: number, until: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = since; from < until; from += WEEK_MS) out.push([from, Math.min(from + WEEK_MS, until)]);
  return out;
}

const rateOf = (down: number, onAir: number): number | null => (onAir > 0 ? down / onAir : null);

export async function gatherMonth(src: MonthSources, q: { month: string; studio?: string; now: number }): Promise<MonthReview> {
  const { since, until: monthEnd } = monthBounds(q.month);
  const until = Math.max(since, Math.min(monthEnd, q.now));
  const weeks: MonthReview['weeks'] = [];
  const gear = new Map<string, { failures: number; downMs: number; observedMs: number }>();
  for (const [i, [from, to]] of monthWeeks(since, until).entries()) {
    const r = await src.report({ since: from, until: to, target: TARGET, ...(q.studio ? { studio: q.studio } : {}) });
    weeks.push({ week: i + 1, since: from, until: to, onAirMs: r.onAirMs, downOnAirMs: r.downOnAirMs, rate: r.technicalFailureRate });
    for (const d of r.devices) {
      const g = gear.get(`${d.agent}/${d.device}`) ?? { failures: 0, downMs: 0, observedMs: 0 };
      gear.set(`${d.agent}/${d.device}`, {
        failures: g.failures + d.failures,
        downMs: g.downMs + d.downMs,
        observedMs: g.observedMs + d.observedMs,
      });
    }
  }
  const onAirMs = weeks.reduce((s, w) => s + w.onAirMs, 0);
  const downOnAirMs = weeks.reduce((s, w) => s + w.downOnAirMs, 0);
  const rate = rateOf(downOnAirMs, onAirMs);
  return {
    month: q.month,
    ...(q.studio ? { studio: q.studio } : {}),
    since,
    until,
    target: TARGET,
    weeks,
    total: { onAirMs, downOnAirMs, rate, targetMet: rate === null ? null : rate < TARGET },
    incidents: src
      .incidents(since, monthEnd)
      .filter((i) => !q.studio || i.studio === q.studio)
      .map((i) => ({
        id: i.id,
        title: i.title,
        ...(i.titleMessage ? { titleMessage: i.titleMessage } : {}),
        ...(i.studio ? { studio: i.studio } : {}),
        state: i.state,
        openedAt: i.openedAt,
        ...(i.review?.cause ? { cause: i.review.cause } : {}),
        ackMs: i.ackedAt === undefined ? null : i.ackedAt - i.openedAt,
        resolveMs: i.resolvedAt === undefined ? null : i.resolvedAt - i.openedAt,
        impactMs: i.impactMs,
      })),
    ...maintenanceByOwner(src, since, monthEnd, q.now),
    gear: [...gear.entries()]
      .map(([device, g]) => ({
        device,
        failures: g.failures,
        downMs: g.downMs,
        availability: g.observedMs > 0 ? 1 - g.downMs / g.observedMs : null,
      }))
      .sort((a, b) => b.failures - a.failures || b.downMs - a.downMs || a.device.localeCompare(b.device)),
  };
}

const UNASSIGNED = '';

/** Done: passed in the month; overdue: its due time passed (by the month's end or now) without a pass by then; failed: failed or timed out. */
function maintenanceByOwner(src: MonthSources, since: number, until: number, now: number): Pick<MonthReview, 'maintenance' | 'overdue'> {
  const scheduleOwner = new Map(src.schedules().map((s) => [s.id, s.owner]));
  const cutoff = Math.min(until, now);
  const jobs = src.maintenanceJobs(since).filter((j) => j.createdAt < until);
  const owners = new Map<string, { done: number; overdue: number; failed: number }>();
  const overdue: MonthReview['overdue'] = [];
  for (const j of jobs) {
    const owner = j.owner ?? (j.schedule ? scheduleOwner.get(j.schedule) : undefined) ?? UNASSIGNED;
    const o = owners.get(owner) ?? { done: 0, overdue: 0, failed: 0 };
    const passedAt = j.state === 'passed' ? j.finishedAt : undefined;
    if (passedAt !== undefined && passedAt >= since && passedAt < until) o.done += 1;
    if (j.state === 'failed' || j.state === 'timed_out') o.failed += 1;
    if (j.dueAt !== undefined && j.dueAt < cutoff && (passedAt === undefined || passedAt > j.dueAt)) {
      o.overdue += 1;
      overdue.push({ job: j.id, device: `${j.agent}/${j.device}`, owner, dueAt: j.dueAt, state: j.state });
    }
    owners.set(owner, o);
  }
  return {
    maintenance: [...owners.entries()]
      .map(([owner, o]) => ({ owner, ...o }))
      .sort((a, b) => b.overdue - a.overdue || a.owner.localeCompare(b.owner)),
    overdue: overdue.sort((a, b) => a.dueAt - b.dueAt),
  };
}
