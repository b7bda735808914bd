/**
 * Will it last the show: from a device's latest readings (each with the time it was taken) and the
 * show's end, when the gear runs out — a wireless mic's battery, a lamp's rated life, a metric whose
 * trend reaches the limit its health rules set (a fixture's temperature, a camera's clock drift) —
 * and whether that is before the show ends. Pure: no clock, no I/O; `now` is the caller's.
 * The pre-show checklist (endurance-checklist.ts) and the on-air watch (endurance-watch.ts) use it.
 */
import type { EnduranceVerdict } from '../../protocols/plan-schemas.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import type { DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';
import { rankCandidates } from '../../protocols/failover-rule.ts';
import { refName, sameRef } from '../../protocols/device-ref.ts';

export interface Reading {
  value: number;
  at: number;
}

export type ForecastRule =
  | { kind: 'battery'; minutesMetric: string; barsMetric: string; minutesPerBar: number }
  | { kind: 'lamp'; metric: string; ratedHours: number }
  | { kind: 'trend'; metric: string; above?: number; below?: number; minSpanMs: number };

/**
 * A rough rate for battery bars, used only while the receiver does not know the run time (Shure's
 * 65535 "unknown", 65534 "calculating"). Conservative on purpose: Shure rates a ULX-D transmitter on
 * two AA batteries at up to about 9 hours, about 108 minutes a bar if bars fell evenly, but the last
 * bars fall faster, and an early "swap before air" costs less than a mic dying on air.
 */
export const DEFAULT_MINUTES_PER_BAR = 60;
/** On air, a shortfall is raised this long before the gear is forecast to run out (or at once inside it). */
export const DEFAULT_LEAD_MINUTES = 10;
/**
 * A trend needs at least this many readings spread over at least this long (a profile can ask for
 * longer): fewer is "unknown". Readings are noisy — an ONVIF camera's clock has one-second resolution —
 * and a line through a minute of them can point anywhere; five minutes of readings steady it.
 */
export const TREND_MIN_READINGS = 3;
export const DEFAULT_TREND_MIN_SPAN_MINUTES = 5;

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The forecasts a profile asks for, defaults filled in; a trend's limits default to its health rules'. */
export function forecastRules(profile: Pick<EquipmentProfile, 'endurance' | 'health'>): ForecastRule[] {
  const e = profile.endurance;
  if (!e) return [];
  const rules: ForecastRule[] = [];
  if (e.battery)
    rules.push({
      kind: 'battery',
      minutesMetric: e.battery.minutesMetric ?? 'batteryMinutes',
      barsMetric: e.battery.barsMetric ?? 'batteryBars',
      minutesPerBar: e.battery.minutesPerBar ?? DEFAULT_MINUTES_PER_BAR,
    });
  if (e.ratedLampHours !== undefined) rules.push({ kind: 'lamp', metric: e.lampHoursMetric ?? 'lampHours', ratedHours: e.ratedLampHours });
  for (const t of e.trends ?? []) {
    const own = profile.health.rules.filter((r) => r.metric === t.metric && r.kind !== 'maintenance');
    // The limit is where the gear fails, so a `failed` rule's threshold comes before a `degraded` one's.
    const pick = (side: 'above' | 'below'): number | undefined => {
      const failing = own.filter((r) => r.status === 'failed' && r[side] !== undefined).map((r) => r[side]!);
      const any = own.filter((r) => r[side] !== undefined).map((r) => r[side]!);
      const from = failing.length ? failing : any;
      if (from.length === 0) return undefined;
      return side === 'above' ? Math.min(...from) : Math.max(...from);
    };
    const above = t.above ?? pick('above');
    const below = t.below ?? pick('below');
    rules.push({
      kind: 'trend',
      metric: t.metric,
      ...(above !== undefined ? { above } : {}),
      ...(below !== undefined ? { below } : {}),
      minSpanMs: (t.minSpanMinutes ?? DEFAULT_TREND_MIN_SPAN_MINUTES) * MINUTE,
    });
  }
  return rules;
}

/** The metrics these rules read (a health message of a device is only looked at for these). */
export function watchedMetrics(rules: readonly ForecastRule[]): string[] {
  return rules.flatMap((r) => (r.kind === 'battery' ? [r.minutesMetric, r.barsMetric] : [r.metric]));
}

/** A device's readings: the latest of each watched metric, and recent ones of trend metrics (oldest first). */
export interface DeviceReadings {
  latest: ReadonlyMap<string, Reading>;
  series: ReadonlyMap<string, readonly Reading[]>;
}

/** One verdict per rule: when the device runs out of it, against the show's end. */
export function forecast(
  ref: DeviceRef,
  rules: readonly ForecastRule[],
  readings: DeviceReadings,
  showEndsAt: number,
  now: number,
): EnduranceVerdict[] {
  return rules.map((rule) => {
    const end = runsOutAt(rule, readings);
    return verdict(ref, rule, end, showEndsAt, now);
  });
}

interface End {
  /** When it runs out; null: not heading there. */
  at: number | null;
  /** The reading it rests on, in a technician's words. */
  basis: string;
  rough?: boolean;
}

/** undefined: no usable reading. */
function runsOutAt(rule: ForecastRule, r: DeviceReadings): End | undefined {
  switch (rule.kind) {
    case 'battery': {
      const minutes = r.latest.get(rule.minutesMetric);
      if (minutes) return { at: minutes.at + minutes.value * MINUTE, basis: `${minutes.value} min left` };
      const bars = r.latest.get(rule.barsMetric);
      if (!bars) return undefined;
      return { at: bars.at + bars.value * rule.minutesPerBar * MINUTE, basis: `${bars.value} of 5 bars, roughly`, rough: true };
    }
    case 'lamp': {
      const hours = r.latest.get(rule.metric);
      if (!hours) return undefined;
      // Burning all the while: the worst case for the show.
      const left = Math.max(0, rule.ratedHours - hours.value);
      return { at: hours.at + left * HOUR, basis: `${hours.value} h of ${rule.ratedHours} h used` };
    }
    case 'trend':
      return trendEnd(rule, r.series.get(rule.metric) ?? [], r.latest.get(rule.metric));
  }
}

/** Least squares over the recent readings: when the line reaches a limit (at once if the latest is past it). */
function trendEnd(
  rule: Extract<ForecastRule, { kind: 'trend' }>,
  series: readonly Reading[],
  latest: Reading | undefined,
): End | undefined {
  if (!latest) return undefined;
  const past = (rule.above !== undefined && latest.value >= rule.above) || (rule.below !== undefined && latest.value <= rule.below);
  if (past) return { at: latest.at, basis: `${latest.value} already at its limit` };
  const n = series.length;
  if (n < TREND_MIN_READINGS || series[n - 1]!.at - series[0]!.at < rule.minSpanMs) return undefined;
  const t0 = series[0]!.at;
  const meanT = series.reduce((s, x) => s + (x.at - t0), 0) / n;
  const meanV = series.reduce((s, x) => s + x.value, 0) / n;
  const sxx = series.reduce((s, x) => s + (x.at - t0 - meanT) ** 2, 0);
  const sxy = series.reduce((s, x) => s + (x.at - t0 - meanT) * (x.value - meanV), 0);
  const slope = sxy / sxx; // units per ms
  const perMinute = Math.round(slope * MINUTE * 100) / 100;
  const basis = `${latest.value} now, ${perMinute >= 0 ? '+' : ''}${perMinute} a minute over ${n} readings`;
  const reach = (limit: number | undefined, rising: boolean): number | undefined => {
    if (limit === undefined || slope === 0 || slope > 0 !== rising) return undefined;
    return Math.max(latest.at, Math.round(t0 + meanT + (limit - meanV) / slope));
  };
  const times = [reach(rule.above, true), reach(rule.below, false)].filter((t): t is number => t !== undefined);
  return { at: times.length ? Math.min(...times) : null, basis };
}

function verdict(ref: DeviceRef, rule: ForecastRule, end: End | undefined, showEndsAt: number, now: number): EnduranceVerdict {
  const name = refName(ref);
  const what = runsOut(rule);
  const metric = rule.kind === 'battery' ? rule.minutesMetric : rule.metric;
  const base = { agent: ref.agent, device: ref.device, runsOut: what, metric, showEndsAt };
  if (!end) {
    const why = rule.kind === 'trend' ? 'not enough readings for a trend yet' : 'no reading (or the device does not know yet)';
    return { ...base, outcome: 'unknown', endsAt: null, marginMs: null, message: `${name}'s ${what}: unknown, ${why}` };
  }
  const rough = end.rough ? { rough: true } : {};
  if (end.at === null)
    return {
      ...base,
      outcome: 'lasts',
      endsAt: null,
      marginMs: null,
      ...rough,
      message: `${name}'s ${what}: not heading there (${end.basis})`,
    };
  const marginMs = end.at - showEndsAt;
  // Running out exactly as the show ends still lasts the show.
  const short = marginMs < 0;
  const left = Math.max(0, Math.round((end.at - now) / MINUTE));
  const message = short
    ? `${name}'s ${what} ends at ${hhmm(end.at)}, before the show ends at ${hhmm(showEndsAt)} (${end.basis}; ${left} min from now)`
    : `${name}'s ${what} lasts the show: ends at ${hhmm(end.at)}, ${Math.round(marginMs / MINUTE)} min after it (${end.basis})`;
  return { ...base, outcome: short ? 'short' : 'lasts', endsAt: end.at, marginMs, ...rough, message };
}

function runsOut(rule: ForecastRule): string {
  if (rule.kind === 'battery') return 'battery';
  if (rule.kind === 'lamp') return 'lamp life';
  const limits = [rule.above !== undefined ? `${rule.above}` : '', rule.below !== undefined ? `${rule.below}` : ''].filter(Boolean);
  return `${rule.metric} reaching ${limits.join(' or ') || 'its limit'}`;
}

/** UTC hours and minutes, as the CLI prints times. */
export const hhmm = (ts: number): string => new Date(ts).toISOString().slice(11, 16);

/**
 * The backup to propose instead of a member that will not last: the member the failover rules would
 * pick (rankCandidates: ok before degraded, slot order), members that will not last either coming last.
 */
export function proposeBackup<T extends DeviceRef>(
  members: readonly T[],
  short: DeviceRef,
  statusOf: (m: T) => DeviceStatus | undefined,
  wontLast: (m: T) => boolean,
): T | undefined {
  return rankCandidates(members, statusOf, { exclude: (m) => sameRef(m, short), avoid: wontLast })[0];
}
