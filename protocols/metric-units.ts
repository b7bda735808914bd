/**
 * The unit of each numeric metric the drivers report (protocols/drivers/*.ts name them and say what
 * they mean) and the picture-and-sound checks add (protocols/media.ts MEDIA_METRICS): the one table the console's trends read, so "−12" reads "−12 dBFS". Names are shared
 * across drivers (temperatureC from a camera and a light), so the table is keyed by metric name;
 * a metric not listed has no unit (a count, an id, a position).
 */
import { Type } from '@sinclair/typebox';

export const METRIC_UNIT_NAMES = [
  'celsius',
  'dB',
  'dBm',
  'dBFS',
  'LUFS',
  'percent',
  'ms',
  's',
  'min',
  'h',
  'bars',
  'kbps',
  'GB',
  'bytes',
  'perMin',
  'fps',
] as const;
export const MetricUnit = Type.Union(METRIC_UNIT_NAMES.map((u) => Type.Literal(u)));
export type MetricUnit = (typeof METRIC_UNIT_NAMES)[number];

export const METRIC_UNITS: Readonly<Record<string, MetricUnit>> = {
  temperatureC: 'celsius',
  gainDb: 'dB',
  rfDbm: 'dBm',
  audioDbfs: 'dBFS',
  shortTermLufs: 'LUFS',
  peakDbfs: 'dBFS',
  frameAgeMs: 'ms',
  playbackDelayMs: 'ms',
  segmentLateMs: 'ms',
  level: 'percent',
  cpuUsage: 'percent',
  renderSkippedPercent: 'percent',
  outputSkippedPercent: 'percent',
  streamSkippedPercent: 'percent',
  clockOffsetMs: 'ms',
  streamReconnectingMs: 'ms',
  uptimeS: 's',
  batteryMinutes: 'min',
  lampHours: 'h',
  deviceHours: 'h',
  batteryBars: 'bars',
  streamKbps: 'kbps',
  availableDiskGb: 'GB',
  recordDiskGb: 'GB',
  snapshotBytes: 'bytes',
  playlistBytes: 'bytes',
  activeFps: 'fps',
};

/** A metric's unit; `…PerMin` counts are per minute whatever their name (protocols/drivers/spec.ts). */
export function unitOf(metric: string): MetricUnit | undefined {
  if (Object.hasOwn(METRIC_UNITS, metric)) return METRIC_UNITS[metric];
  return metric.endsWith('PerMin') ? 'perMin' : undefined;
}

/** The units of the metrics named (those without one left out). */
export function unitsOf(metrics: Iterable<string>): Record<string, MetricUnit> {
  const units: Record<string, MetricUnit> = {};
  for (const m of metrics) {
    const u = unitOf(m);
    if (u) units[m] = u;
  }
  return units;
}
