/**
 * The scheduler: pure — the plan and a time span in, the work that falls due out. It decides
 * nothing else (the shows service starts shows, the job runner runs jobs), so it is tested with
 * plain numbers for time. Cron occurrences come from croner.
 */
import { Cron } from 'croner';
import type { Schedule, Show } from '../../protocols/plan-schemas.ts';

export interface DueWork {
  /** Scheduled shows whose start has come (and whose end has not): go on air. */
  start: Show[];
  /** Shows on air whose end has come: go off air. */
  end: Show[];
  /** Scheduled shows whose pre-show time has come and whose checks have not run yet. */
  preshow: Show[];
  /** Maintenance windows that opened in the span. */
  windows: Array<{ schedule: Schedule; opensAt: number; closesAt: number }>;
  /** Schedules whose times could not be computed: reported, and the others still run. */
  problems: Array<{ schedule: string; error: string }>;
}

export const preShowAt = (show: Show): number => show.startsAt - Math.round(show.preShowMinutes * 60_000);

/**
 * Work due in the span (from, to]. Shows are judged by their state, not only by the span, so a show
 * whose start passed while the controller was down still goes on air if it has not ended.
 */
export function dueWork(
  plan: { shows: Show[]; schedules: Schedule[]; preshowDone: (show: string) => boolean },
  from: number,
  to: number,
): DueWork {
  const work: DueWork = { start: [], end: [], preshow: [], windows: [], problems: [] };
  for (const show of plan.shows) {
    if (show.state === 'scheduled') {
      if (show.startsAt <= to && show.endsAt > to) work.start.push(show);
      else if (preShowAt(show) <= to && show.startsAt > to && !plan.preshowDone(show.id)) work.preshow.push(show);
    } else if (show.state === 'on_air' && show.endsAt <= to) {
      work.end.push(show);
    }
  }
  for (const schedule of plan.schedules) {
    try {
      for (const opensAt of occurrences(schedule, from, to)) {
        work.windows.push({ schedule, opensAt, closesAt: opensAt + schedule.windowMinutes * 60_000 });
      }
    } catch (err) {
      work.problems.push({ schedule: schedule.id, error: (err as Error).message });
    }
  }
  return work;
}

/**
 * Cron occurrences in (from, to], oldest first: the latest `max` of them. A controller that was down
 * catches up the window open now and the few before it, never a backlog of every missed night.
 */
export function occurrences(schedule: Pick<Schedule, 'cron' | 'timezone'>, from: number, to: number, max = 3): number[] {
  // previousRuns is strictly before its reference; runs fall on whole seconds, so to + 1 includes `to`.
  return cronOf(schedule)
    .previousRuns(max, new Date(to + 1))
    .map((d) => d.getTime())
    .filter((t) => t > from)
    .reverse();
}

export function nextRuns(schedule: Pick<Schedule, 'cron' | 'timezone'>, after: number, count: number): number[] {
  return cronOf(schedule)
    .nextRuns(count, new Date(after))
    .map((d) => d.getTime());
}

/** Throws a clear error for a pattern or time zone croner does not accept (a zone fails only when a time is computed). */
export function checkCron(schedule: Pick<Schedule, 'cron' | 'timezone'>): void {
  try {
    cronOf(schedule).nextRun(new Date());
  } catch (err) {
    throw new Error(
      `cron "${schedule.cron}"${schedule.timezone ? ` (${schedule.timezone})` : ''} is not valid: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function cronOf(schedule: Pick<Schedule, 'cron' | 'timezone'>): Cron {
  return new Cron(schedule.cron, { paused: true, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) });
}
