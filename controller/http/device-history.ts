/**
 * `device.history`: a device's metrics over a range ending now, for the device page's trends. The
 * store's samples (one per device per `history.healthSampleMs`, kept for days) up to where the
 * in-memory hour begins, then that hour's finer samples; the sample still being filled is added,
 * so the newest minute shows before it is saved. Downsampled here (controller/fleet/downsample.ts),
 * so a week is at most `maxPoints` points on the wire and in the page. With it, each metric's unit
 * and whether the device is flapping, judged on its device.state events by alerting's numbers.
 */
import type { Clock } from '../../lib/clock.ts';
import { HISTORY_MAX_POINTS, type DeviceHistoryView } from '../../protocols/console-operations.ts';
import { eventsOf } from '../../protocols/events.ts';
import { flapping, FLAP_WINDOW_MS } from '../../protocols/flapping.ts';
import { unitsOf } from '../../protocols/metric-units.ts';
import type { OperationParams } from '../../protocols/contract.ts';
import { downsample, type TimedValues } from '../fleet/downsample.ts';
import type { HealthHistory } from '../fleet/health-history.ts';
import type { HealthSampleStore } from '../store/health-samples.ts';
import type { History } from '../store/history.ts';

export interface DeviceHistoryDependencies {
  clock: Clock;
  events: Pick<History, 'events'>;
  memory: Pick<HealthHistory, 'view' | 'unsaved' | 'sampleMs'>;
  /** The store's samples, their interval, and alerting's flap window; without them, the hour in memory and the default window. */
  samples?: { store: Pick<HealthSampleStore, 'range' | 'save'>; sampleMs: number; flapWindowMs: number } | undefined;
}

/** A chart's line breaks where no sample came for this many sample intervals. */
const GAP_INTERVALS = 3;

export async function deviceHistory(p: OperationParams<'device.history'>, d: DeviceHistoryDependencies): Promise<DeviceHistoryView> {
  const until = d.clock.now();
  const since = until - p.rangeMs;
  const windowMs = d.samples?.flapWindowMs ?? FLAP_WINDOW_MS;
  const [stored, changes] = await Promise.all([
    d.samples ? d.samples.store.range(p.agent, p.device, since, until) : [],
    d.events.events({ device: p.device, type: 'device.state', since: until - windowMs, limit: 10_000 }),
  ]);
  const memory = recentSamples(d.memory.view(p.agent, p.device, until).trend);
  const memoryFrom = memory[0]?.t ?? Infinity;
  const unsaved = d.memory.unsaved(p.agent, p.device);
  const older: TimedValues[] = stored.filter((s) => s.t < memoryFrom);
  if (unsaved && unsaved.t < memoryFrom && !older.some((s) => s.t === unsaved.t)) older.push(unsaved);
  const samples = [...older, ...memory];
  const trend = downsample(samples, {
    since,
    until,
    maxPoints: p.maxPoints ?? HISTORY_MAX_POINTS,
    minBucketMs: Math.min(d.memory.sampleMs, d.samples?.sampleMs ?? Infinity),
    gapMs: GAP_INTERVALS * (d.samples?.sampleMs ?? d.memory.sampleMs),
  });
  const flap = flapping(
    eventsOf(changes, 'device.state')
      .filter((e) => e.agent === p.agent)
      .map((e) => ({ ts: e.ts, to: e.data.to })),
    until,
    { windowMs },
  );
  return {
    agent: p.agent,
    device: p.device,
    since,
    until,
    trend,
    units: unitsOf(Object.keys(trend.series)),
    flapping: flap ? { ...flap, windowMs } : null,
  };
}

/** The in-memory hour as samples (each with the metrics it had). */
function recentSamples(trend: DeviceHistoryView['trend']): TimedValues[] {
  return trend.t.map((t, i) => {
    const values: Record<string, number> = {};
    for (const name in trend.series) {
      const v = trend.series[name]![i];
      if (v !== null && v !== undefined) values[name] = v;
    }
    return { t, values };
  });
}
