import { describe, expect, it } from 'vitest';
import { dueWork, occurrences } from '../../controller/plan/scheduler.ts';
import type { Schedule, Show } from '../../protocols/plan-schemas.ts';

const T = Date.UTC(2026, 10, 26, 19, 0); // a show at 19:00 UTC
const MIN = 60_000;
const show = (over: Partial<Show> = {}): Show => ({
  id: 'news',
  studio: 'studio-a',
  title: 'News',
  startsAt: T,
  endsAt: T + 30 * MIN,
  slots: ['studio-a/cam'],
  preShowMinutes: 30,
  state: 'scheduled',
  startedAt: null,
  endedAt: null,
  ...over,
});
const nightly: Schedule = {
  id: 'nightly',
  cron: '0 3 * * *',
  timezone: 'UTC',
  target: { studio: 'studio-a' },
  intrusive: true,
  windowMinutes: 60,
  createdAt: 0,
  createdBy: 't',
};
const plan = (shows: Show[], schedules: Schedule[] = [], done = new Set<string>()) => ({
  shows,
  schedules,
  preshowDone: (id: string) => done.has(id),
});

describe('the scheduler (pure: plan + time span → due work)', () => {
  it('pre-show checks fall due at T-minus, once', () => {
    expect(dueWork(plan([show()]), T - 32 * MIN, T - 31 * MIN).preshow).toEqual([]);
    expect(dueWork(plan([show()]), T - 31 * MIN, T - 30 * MIN).preshow.map((s) => s.id)).toEqual(['news']);
    expect(dueWork(plan([show()], [], new Set(['news'])), T - 30 * MIN, T - 29 * MIN).preshow).toEqual([]);
    expect(dueWork(plan([show({ preShowMinutes: 5 })]), T - 30 * MIN, T - 29 * MIN).preshow).toEqual([]);
  });

  it('a show goes on air at its start and off at its end', () => {
    expect(dueWork(plan([show()]), T - MIN, T - 1).start).toEqual([]);
    expect(dueWork(plan([show()]), T - MIN, T).start.map((s) => s.id)).toEqual(['news']);
    const onAir = show({ state: 'on_air', startedAt: T });
    expect(dueWork(plan([onAir]), T, T + 29 * MIN).end).toEqual([]);
    expect(dueWork(plan([onAir]), T, T + 30 * MIN).end.map((s) => s.id)).toEqual(['news']);
  });

  it('catches up after downtime: a show whose start passed goes on air if it has not ended; one that has ended does not', () => {
    expect(dueWork(plan([show()]), T + 10 * MIN, T + 10 * MIN).start.map((s) => s.id)).toEqual(['news']);
    expect(dueWork(plan([show()]), T + 40 * MIN, T + 40 * MIN).start).toEqual([]);
    expect(dueWork(plan([show({ state: 'cancelled' })]), T - MIN, T).start).toEqual([]);
  });

  it('opens a maintenance window at each cron time in the span, with its closing time', () => {
    const day = Date.UTC(2026, 10, 26);
    expect(dueWork(plan([], [nightly]), day, day + 3 * 3_600_000 - 1).windows).toEqual([]);
    const due = dueWork(plan([], [nightly]), day, day + 3 * 3_600_000).windows;
    expect(due).toEqual([{ schedule: nightly, opensAt: day + 3 * 3_600_000, closesAt: day + 4 * 3_600_000 }]);
    // A controller that was down for a week catches up the last three nights, not every missed one.
    const week = day + 7 * 86_400_000 + 3.5 * 3_600_000;
    expect(occurrences(nightly, day, week)).toEqual([5, 6, 7].map((d) => day + d * 86_400_000 + 3 * 3_600_000));
    expect(occurrences({ cron: '*/15 * * * *' }, day, day + 3_600_000)).toEqual([day + 30 * MIN, day + 45 * MIN, day + 60 * MIN]);
    expect(occurrences({ cron: '*/15 * * * *' }, day + 15 * MIN, day + 30 * MIN)).toEqual([day + 30 * MIN]); // (from, to]: the end, not the start
  });

  it('a schedule whose times cannot be computed is reported, and the others still open their windows', () => {
    const broken: Schedule = { ...nightly, id: 'broken', timezone: 'Europe/Atlantis' };
    const day = Date.UTC(2026, 10, 26);
    const due = dueWork(plan([], [broken, nightly]), day, day + 3 * 3_600_000);
    expect(due.windows.map((w) => w.schedule.id)).toEqual(['nightly']);
    expect(due.problems).toEqual([{ schedule: 'broken', error: expect.stringContaining('Europe/Atlantis') }]);
  });
});
