/**
 * A device's samples brought down to a chart's worth of points (controller/fleet/downsample.ts):
 * a week of minutes is at most 1,000 points, each the mean of its bucket, gaps kept as gaps.
 */
import { describe, expect, it } from 'vitest';
import { downsample, type TimedValues } from '../../controller/fleet/downsample.ts';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const WEEK = 7 * 86_400_000;

describe('downsample', () => {
  it('a week of minute samples: at most 1,000 points, each the mean of its bucket, negative values kept', () => {
    const samples = Array.from({ length: WEEK / MIN }, (_, i) => ({
      t: T0 + i * MIN,
      values: { rfDbm: i % 2 === 0 ? -50 : -60, gainDb: i },
    }));
    const trend = downsample(samples, { since: T0, until: T0 + WEEK, maxPoints: 1_000, minBucketMs: 10_000, gapMs: 3 * MIN });
    expect(trend.t.length).toBeLessThanOrEqual(1_000);
    expect(trend.t.length).toBeGreaterThan(990);
    expect(trend.sampleMs).toBe(Math.ceil(WEEK / 1_000));
    expect(new Set(trend.series.rfDbm!.map((v) => Math.round(v!)))).toEqual(new Set([-55]));
    // Buckets of 10.08 samples: the first holds minutes 0..10, mean 5.
    expect(trend.series.gainDb![0]).toBe(5);
    expect(trend.t).toEqual([...trend.t].sort((a, b) => a - b));
  });

  it('never finer than the samples: an hour of 10-second samples stays 360 points', () => {
    const samples = Array.from({ length: 360 }, (_, i) => ({ t: T0 + i * 10_000, values: { temperatureC: 44 } }));
    const trend = downsample(samples, { since: T0, until: T0 + 3_600_000, maxPoints: 1_000, minBucketMs: 10_000, gapMs: 30_000 });
    expect(trend.t.length).toBe(360);
    expect(trend.sampleMs).toBe(10_000);
  });

  it('a gap longer than gapMs is one point of nulls (the chart breaks the line); a metric missing in a bucket is null', () => {
    const samples: TimedValues[] = [
      { t: T0, values: { a: 1, b: 2 } },
      { t: T0 + MIN, values: { a: 3 } },
      { t: T0 + 10 * MIN, values: { a: 5, b: 6 } },
    ];
    const trend = downsample(samples, { since: T0, until: T0 + 11 * MIN, maxPoints: 1_000, minBucketMs: MIN, gapMs: 3 * MIN });
    expect(trend.t).toEqual([T0, T0 + MIN, T0 + 2 * MIN, T0 + 10 * MIN]);
    expect(trend.series).toEqual({ a: [1, 3, null, 5], b: [2, null, null, 6] });
  });

  it('samples outside the range are left out; none at all is an empty trend', () => {
    const trend = downsample([{ t: T0 - 1, values: { a: 1 } }], {
      since: T0,
      until: T0 + MIN,
      maxPoints: 10,
      minBucketMs: 1_000,
      gapMs: 3_000,
    });
    expect(trend).toEqual({ sampleMs: 6_000, t: [], series: {} });
  });
});
