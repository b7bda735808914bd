/**
 * A device's samples over a range brought down to a chart's worth of points (pure): the range is
 * cut into at most `maxPoints` equal buckets, each bucket with samples is one point at its start,
 * each metric the mean of its values there (null where none reported it). Where two points are
 * further apart than `gapMs` (the device was off, the controller was stopped), one point of nulls
 * marks the gap, so the chart breaks the line instead of drawing across hours.
 */
import type { MetricTrend } from '../../protocols/console-operations.ts';

export interface TimedValues {
  t: number;
  values: Readonly<Record<string, number>>;
}

/** `samples` oldest first, within [since, until]; `minBucketMs`: never finer than the samples themselves. */
export function downsample(
  samples: readonly TimedValues[],
  o: { since: number; until: number; maxPoints: number; minBucketMs: number; gapMs: number },
): MetricTrend {
  const span = Math.max(1, o.until - o.since);
  const bucketMs = Math.max(o.minBucketMs, Math.ceil(span / Math.max(1, o.maxPoints)));
  const names = new Set<string>();
  const buckets = new Map<number, { sum: Map<string, number>; count: Map<string, number> }>();
  for (const s of samples) {
    if (s.t < o.since || s.t > o.until) continue;
    const index = Math.floor((s.t - o.since) / bucketMs);
    let b = buckets.get(index);
    if (!b) buckets.set(index, (b = { sum: new Map(), count: new Map() }));
    for (const name in s.values) {
      const v = s.values[name]!;
      names.add(name);
      b.sum.set(name, (b.sum.get(name) ?? 0) + v);
      b.count.set(name, (b.count.get(name) ?? 0) + 1);
    }
  }
  const trend: MetricTrend = { sampleMs: bucketMs, t: [], series: {} };
  for (const name of names) trend.series[name] = [];
  let previous: number | undefined;
  for (const index of [...buckets.keys()].sort((a, b) => a - b)) {
    if (previous !== undefined && index > previous + 1 && (index - previous) * bucketMs > o.gapMs)
      push(trend, o.since + (previous + 1) * bucketMs, () => null);
    const b = buckets.get(index)!;
    push(trend, o.since + index * bucketMs, (name) => {
      const n = b.count.get(name);
      return n ? b.sum.get(name)! / n : null;
    });
    previous = index;
  }
  return trend;
}

function push(trend: MetricTrend, t: number, value: (name: string) => number | null): void {
  trend.t.push(t);
  for (const name in trend.series) trend.series[name]!.push(value(name));
}
