/** Will it last the show: the pure forecast (literal metric values), the checklist's verdicts, and the on-air alarms. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { forecast, forecastRules, proposeBackup, type ForecastRule, type Reading } from '../../controller/plan/endurance.ts';
import { EnduranceWatch } from '../../controller/plan/endurance-watch.ts';
import { applyEndurance } from '../../controller/plan/endurance-checklist.ts';
import type { Checklist, Show } from '../../protocols/plan-schemas.ts';
import type { NewEvent } from '../../protocols/events.ts';
import type { DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 19, 30); // 19:30 UTC
const SHOW_END = Date.UTC(2026, 11, 7, 21, 0); // 21:00 UTC
const mic: DeviceRef = { agent: 'agent-a', device: 'mic-1' };
const battery: ForecastRule = { kind: 'battery', minutesMetric: 'batteryMinutes', barsMetric: 'batteryBars', minutesPerBar: 60 };
const lamp: ForecastRule = { kind: 'lamp', metric: 'deviceHours', ratedHours: 50_000 };
const temperature: ForecastRule = { kind: 'trend', metric: 'temperatureC', above: 85, minSpanMs: 5 * MIN };
const clockDrift: ForecastRule = { kind: 'trend', metric: 'clockOffsetMs', above: 2000, below: -2000, minSpanMs: 5 * MIN };

const readings = (latest: Record<string, Reading>, series: Record<string, Reading[]> = {}) => ({
  latest: new Map(Object.entries(latest)),
  series: new Map(Object.entries(series)),
});
/** A reading a minute apart for each value, the last one at T0. */
const every = (minutes: number, values: number[]): Reading[] =>
  values.map((value, i) => ({ value, at: T0 - (values.length - 1 - i) * minutes * MIN }));

describe('the forecast, table-driven', () => {
  const cases: Array<{
    name: string;
    rule: ForecastRule;
    latest: Record<string, Reading>;
    series?: Record<string, Reading[]>;
    outcome: 'lasts' | 'short' | 'unknown';
    endsAt: number | null;
    message?: RegExp;
  }> = [
    {
      name: 'battery: 42 min left, show ends in 90 → short',
      rule: battery,
      latest: { batteryMinutes: { value: 42, at: T0 } },
      outcome: 'short',
      endsAt: T0 + 42 * MIN,
      message: /^agent-a\/mic-1's battery ends at 20:12, before the show ends at 21:00 \(42 min left; 42 min from now\)$/,
    },
    {
      name: 'battery: the reading is 10 min old, its minutes count from when it was taken',
      rule: battery,
      latest: { batteryMinutes: { value: 71, at: T0 - 10 * MIN } },
      outcome: 'short',
      endsAt: T0 + 61 * MIN,
      message: /ends at 20:31, before the show ends at 21:00 \(71 min left; 61 min from now\)/,
    },
    {
      name: 'battery: runs out exactly as the show ends → lasts, margin 0',
      rule: battery,
      latest: { batteryMinutes: { value: 90, at: T0 } },
      outcome: 'lasts',
      endsAt: SHOW_END,
      message: /lasts the show: ends at 21:00, 0 min after it/,
    },
    {
      name: 'battery: one minute short of the end → short',
      rule: battery,
      latest: { batteryMinutes: { value: 89, at: T0 } },
      outcome: 'short',
      endsAt: SHOW_END - MIN,
    },
    {
      name: 'battery: run time unknown (65535, not reported) → bars, roughly',
      rule: battery,
      latest: { batteryBars: { value: 2, at: T0 } },
      outcome: 'lasts',
      endsAt: T0 + 120 * MIN,
      message: /2 of 5 bars, roughly/,
    },
    {
      name: 'battery: one bar → short, roughly',
      rule: battery,
      latest: { batteryBars: { value: 1, at: T0 } },
      outcome: 'short',
      endsAt: T0 + 60 * MIN,
    },
    { name: 'battery: no reading at all → unknown', rule: battery, latest: {}, outcome: 'unknown', endsAt: null, message: /unknown/ },
    {
      name: 'lamp: 49,999 h of 50,000 → short (burning all show)',
      rule: lamp,
      latest: { deviceHours: { value: 49_999, at: T0 } },
      outcome: 'short',
      endsAt: T0 + 60 * MIN,
      message: /lamp life ends at 20:30/,
    },
    {
      name: 'lamp: 900 h → lasts',
      rule: lamp,
      latest: { deviceHours: { value: 900, at: T0 } },
      outcome: 'lasts',
      endsAt: T0 + 49_100 * 60 * MIN,
    },
    {
      name: 'temperature: +1 °C a minute from 60 → 85 at 19:55, short',
      rule: temperature,
      latest: { temperatureC: { value: 60, at: T0 } },
      series: { temperatureC: every(1, [54, 55, 56, 57, 58, 59, 60]) },
      outcome: 'short',
      endsAt: T0 + 25 * MIN,
      message: /temperatureC reaching 85 ends at 19:55/,
    },
    {
      name: 'temperature: steady → lasts (not heading there)',
      rule: temperature,
      latest: { temperatureC: { value: 45, at: T0 } },
      series: { temperatureC: every(1, [45, 45, 45, 45, 45, 45]) },
      outcome: 'lasts',
      endsAt: null,
      message: /not heading there/,
    },
    {
      name: 'temperature: cooling → lasts',
      rule: temperature,
      latest: { temperatureC: { value: 60, at: T0 } },
      series: { temperatureC: every(1, [70, 68, 66, 64, 62, 60]) },
      outcome: 'lasts',
      endsAt: null,
    },
    {
      name: 'temperature: two minutes of readings is no trend yet → unknown',
      rule: temperature,
      latest: { temperatureC: { value: 60, at: T0 } },
      series: { temperatureC: every(1, [58, 59, 60]) },
      outcome: 'unknown',
      endsAt: null,
      message: /not enough readings/,
    },
    {
      name: 'temperature: already over its limit → short, now',
      rule: temperature,
      latest: { temperatureC: { value: 86, at: T0 } },
      outcome: 'short',
      endsAt: T0,
    },
    {
      name: 'clock drift: -100 ms a minute from -1000 → -2000 at 19:40',
      rule: clockDrift,
      latest: { clockOffsetMs: { value: -1000, at: T0 } },
      series: { clockOffsetMs: every(1, [-500, -600, -700, -800, -900, -1000]) },
      outcome: 'short',
      endsAt: T0 + 10 * MIN,
      message: /clockOffsetMs reaching 2000 or -2000 ends at 19:40/,
    },
    {
      name: 'clock drift: +1 ms a minute from 0 → lasts the show',
      rule: clockDrift,
      latest: { clockOffsetMs: { value: 0, at: T0 } },
      series: { clockOffsetMs: every(1, [-5, -4, -3, -2, -1, 0]) },
      outcome: 'lasts',
      endsAt: T0 + 2000 * MIN,
    },
  ];

  it.each(cases)('$name', (c) => {
    const [v] = forecast(mic, [c.rule], readings(c.latest, c.series), SHOW_END, T0);
    expect(v).toMatchObject({ agent: 'agent-a', device: 'mic-1', outcome: c.outcome, endsAt: c.endsAt, showEndsAt: SHOW_END });
    expect(v!.marginMs).toBe(c.endsAt === null ? null : c.endsAt - SHOW_END);
    if (c.message) expect(v!.message).toMatch(c.message);
  });
});

describe('forecast rules from a profile', () => {
  const health = {
    rules: [
      { metric: 'temperatureC', above: 85, status: 'failed' as const, kind: 'fault' as const, message: 'hot' },
      { metric: 'temperatureC', above: 75, status: 'degraded' as const, kind: 'fault' as const, message: 'warm' },
      { metric: 'clockOffsetMs', above: 2000, status: 'degraded' as const, kind: 'fault' as const, message: 'ahead' },
      { metric: 'clockOffsetMs', below: -2000, status: 'degraded' as const, kind: 'fault' as const, message: 'behind' },
    ],
  };
  it('takes a trend’s limits from the health rules (the failing threshold first) and fills the defaults', () => {
    const rules = forecastRules({
      health,
      endurance: {
        battery: {},
        ratedLampHours: 50_000,
        lampHoursMetric: 'deviceHours',
        trends: [{ metric: 'temperatureC' }, { metric: 'clockOffsetMs' }],
      },
    });
    expect(rules).toEqual([
      { kind: 'battery', minutesMetric: 'batteryMinutes', barsMetric: 'batteryBars', minutesPerBar: 60 },
      { kind: 'lamp', metric: 'deviceHours', ratedHours: 50_000 },
      { kind: 'trend', metric: 'temperatureC', above: 85, minSpanMs: 5 * MIN },
      { kind: 'trend', metric: 'clockOffsetMs', above: 2000, below: -2000, minSpanMs: 5 * MIN },
    ]);
    expect(forecastRules({ health })).toEqual([]);
  });
});

describe('the backup proposed', () => {
  const m = (device: string): DeviceRef => ({ agent: 'agent-b', device });
  const status: Record<string, DeviceStatus> = { 'mic-1': 'ok', 'mic-2': 'degraded', 'mic-3': 'ok', 'mic-4': 'failed' };
  it('is the member the failover rules would pick: ok before degraded, one that will not last either comes last', () => {
    const members = [m('mic-1'), m('mic-2'), m('mic-3'), m('mic-4')];
    const statusOf = (x: DeviceRef) => status[x.device];
    expect(proposeBackup(members, m('mic-1'), statusOf, () => false)).toEqual(m('mic-3'));
    expect(proposeBackup(members, m('mic-1'), statusOf, (x) => x.device === 'mic-3')).toEqual(m('mic-2'));
    expect(proposeBackup([m('mic-1'), m('mic-4')], m('mic-1'), statusOf, () => false)).toBeUndefined();
  });
});

const show = (over: Partial<Show> = {}): Show => ({
  id: 'news',
  studio: 'studio-a',
  title: 'news',
  startsAt: T0 + 30 * MIN,
  endsAt: SHOW_END,
  slots: ['studio-a/mic-host'],
  preShowMinutes: 30,
  state: 'scheduled',
  startedAt: null,
  endedAt: null,
  ...over,
});
const primary = { agent: 'agent-a', device: 'mic-1' };
const backup = { agent: 'agent-b', device: 'mic-2' };

function watch(clock: ManualClock) {
  const events: NewEvent[] = [];
  let live: DeviceRef = primary;
  const w = new EnduranceWatch({
    clock,
    log: silentLogger(),
    record: (e) => events.push(e),
    rulesOf: (ref) => (ref.device.startsWith('mic') ? { rules: [battery] } : undefined),
    slots: {
      definition: () => ({ id: 'studio-a/mic-host', primary, backups: [backup], params: {}, tallies: [] }),
      slotsOf: () => ['studio-a/mic-host'],
      liveOf: () => live,
    },
    status: () => 'ok',
  });
  const minutes = (ref: DeviceRef, batteryMinutes: number) =>
    w.noteHealth(ref.agent, ref.device, { status: 'ok', metrics: { batteryMinutes } });
  return { w, events, minutes, swapTo: (ref: DeviceRef) => (live = ref) };
}

describe('the pre-show checklist', () => {
  function checklist(): Checklist {
    return {
      show: 'news',
      studio: 'studio-a',
      startsAt: T0 + 30 * MIN,
      startedAt: T0,
      finishedAt: null,
      go: false,
      slots: [
        {
          slot: 'studio-a/mic-host',
          go: true,
          verdict: 'go',
          members: [
            { ...primary, role: 'primary', ready: true, result: 'passed', attempts: 1 },
            { ...backup, role: 'backup', ready: true, result: 'passed', attempts: 1 },
          ],
        },
      ],
    };
  }

  it('carries every member’s forecast; a primary that will not last is "swap before air", a warning by default', () => {
    const clock = new ManualClock(T0);
    const { w, minutes } = watch(clock);
    minutes(primary, 42);
    minutes(backup, 300);
    const c = checklist();
    const shortfalls = applyEndurance(c, show(), w);
    const slot = c.slots[0]!;
    expect(slot.endurance?.map((v) => [v.device, v.outcome])).toEqual([
      ['mic-1', 'short'],
      ['mic-2', 'lasts'],
    ]);
    expect(slot).toMatchObject({ go: true, verdict: 'go', enduranceShortfall: 'warning' });
    expect(slot.proposal).toMatch(
      /mic-1's battery ends at 20:12, before the show ends at 21:00 .* → swap before air, or put agent-b\/mic-2 in place/,
    );
    expect(shortfalls).toHaveLength(1);
  });

  it('is NO-GO when the show says so; nothing is said of a primary that lasts', () => {
    const clock = new ManualClock(T0);
    const { w, minutes } = watch(clock);
    minutes(primary, 42);
    const c = checklist();
    applyEndurance(c, show({ enduranceShortfall: 'no-go' }), w);
    expect(c.slots[0]).toMatchObject({ go: false, verdict: 'no-go', enduranceShortfall: 'no-go' });
    minutes(primary, 480);
    const fresh = checklist();
    expect(applyEndurance(fresh, show({ enduranceShortfall: 'no-go' }), w)).toEqual([]);
    expect(fresh.slots[0]).toMatchObject({ go: true, verdict: 'go' });
    expect(fresh.slots[0]!.enduranceShortfall).toBeUndefined();
  });
});

describe('on air', () => {
  const onAir = show({ state: 'on_air', startedAt: T0 });

  it('raises the alarm once, its lead time before the battery ends, naming the backup; clears it when swapped', () => {
    const clock = new ManualClock(T0);
    const { w, events, minutes, swapTo } = watch(clock);
    w.sync([onAir]);
    minutes(primary, 71); // ends 20:41, the show at 21:00: raised at 20:31
    w.tick();
    expect(events).toEqual([]);
    clock.set(T0 + 60 * MIN);
    minutes(primary, 11);
    w.tick();
    expect(events).toHaveLength(0);
    clock.set(T0 + 61 * MIN);
    w.tick();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'alarm',
      agent: 'agent-a',
      device: 'mic-1',
      slot: 'studio-a/mic-host',
      data: { severity: 'warning', cause: 'endurance', show: 'news' },
    });
    expect(events[0]!.reason).toMatch(/^agent-a\/mic-1's battery ends at 20:41, before the show ends at 21:00 .*; backup: agent-b\/mic-2/);
    minutes(primary, 10);
    w.tick();
    expect(events).toHaveLength(1); // once, not once per reading
    swapTo(backup);
    w.liveChanged('studio-a/mic-host');
    expect(events[1]).toMatchObject({ type: 'alarm', data: { severity: 'cleared' }, reason: expect.stringMatching(/swapped out/) });
  });

  it('raises at once inside the lead time, ignores a run time still being calculated, clears when charged', () => {
    const clock = new ManualClock(T0 + 80 * MIN);
    const { w, events, minutes } = watch(clock);
    w.sync([onAir]);
    minutes(primary, 5);
    expect(events.map((e) => e.data)).toEqual([{ severity: 'warning', cause: 'endurance', show: 'news' }]);
    w.noteHealth('agent-a', 'mic-1', { status: 'ok', metrics: {} }); // a new battery: 65534 "calculating", not reported
    expect(events).toHaveLength(1);
    minutes(primary, 400);
    expect(events[1]).toMatchObject({ data: { severity: 'cleared' }, reason: expect.stringMatching(/^cleared: .*lasts the show/) });
  });

  it('says nothing of a backup that is not live, nor of a show off air', () => {
    const clock = new ManualClock(T0);
    const { w, events, minutes } = watch(clock);
    minutes(primary, 5);
    w.tick();
    w.sync([onAir]);
    minutes(backup, 5);
    expect(events.filter((e) => e.device === 'mic-2')).toEqual([]);
    w.sync([]);
    clock.advance(3 * MIN);
    minutes(primary, 2);
    w.tick();
    expect(events.filter((e) => e.device === 'mic-1')).toHaveLength(1); // raised at sync, then the show went off air
  });
});
