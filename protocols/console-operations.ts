/**
 * What the engineer's console asks beyond the CLI's operations: a device's latest health with its
 * metric trend, and acknowledging an alarm. Part of the one OPERATIONS table in contract.ts, so MQTT
 * clients and the HTTP API have them too.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeviceStatus, HealthCheck, Id, Metrics, Timestamp } from './schemas.ts';
import { MetricUnit } from './metric-units.ts';

export const MetricTrend = Type.Object(
  {
    sampleMs: Type.Integer({
      minimum: 1,
      description: 'one sample per device at most this often (the last health message of each interval)',
    }),
    t: Type.Array(Timestamp, { description: 'sample times, oldest first, within the last hour' }),
    series: Type.Record(Type.String(), Type.Array(Type.Union([Type.Number(), Type.Null()])), {
      description: 'each numeric metric, one value per sample time (null: not reported then)',
    }),
  },
  { additionalProperties: false },
);
export type MetricTrend = Static<typeof MetricTrend>;

export const DeviceHealthView = Type.Object(
  {
    agent: Id,
    device: Id,
    /** The agent's last report: null before the first health message since the controller started. */
    latest: Type.Union([
      Type.Object(
        { status: DeviceStatus, checks: Type.Array(HealthCheck), metrics: Metrics, ts: Timestamp, driver: Type.String() },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    trend: MetricTrend,
  },
  { additionalProperties: false },
);
export type DeviceHealthView = Static<typeof DeviceHealthView>;

/** The ranges the device page offers; the server takes any range up to the longest. */
export const HISTORY_RANGES_MS = [3_600_000, 6 * 3_600_000, 24 * 3_600_000, 7 * 86_400_000] as const;
/** Points a history answer holds at most (downsampled on the server). */
export const HISTORY_MAX_POINTS = 1_000;

export const DeviceHistoryView = Type.Object(
  {
    agent: Id,
    device: Id,
    since: Timestamp,
    until: Timestamp,
    /** From the store: sampleMs is the width of one point, each the mean of its samples; a point of nulls marks a gap. */
    trend: MetricTrend,
    units: Type.Record(Type.String(), MetricUnit, {
      description: "each metric's unit (protocols/metric-units.ts); a metric without one is absent",
    }),
    flapping: Type.Union([
      Type.Object(
        {
          failures: Type.Integer({ minimum: 1, description: 'transitions to failed within the window' }),
          firstAt: Timestamp,
          lastAt: Timestamp,
          windowMs: Type.Integer({ minimum: 1 }),
        },
        {
          additionalProperties: false,
          description: 'the device failed again and again (protocols/flapping.ts): the same numbers as alerting',
        },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
export type DeviceHistoryView = Static<typeof DeviceHistoryView>;

export const CONSOLE_OPERATIONS = {
  'device.health': {
    params: Type.Object({ agent: Id, device: Id }, { additionalProperties: false }),
    data: DeviceHealthView,
    description:
      "A device's latest health (each check with its detail, its metrics) and the trend of its numeric metrics over the last hour.",
  },
  'device.history': {
    params: Type.Object(
      {
        agent: Id,
        device: Id,
        rangeMs: Type.Integer({ minimum: 60_000, maximum: HISTORY_RANGES_MS.at(-1)!, description: 'the range, ending now' }),
        maxPoints: Type.Optional(Type.Integer({ minimum: 10, maximum: HISTORY_MAX_POINTS, default: HISTORY_MAX_POINTS })),
      },
      { additionalProperties: false },
    ),
    data: DeviceHistoryView,
    description:
      "A device's numeric metrics over a range ending now, from the store (kept across restarts for history.healthRetentionDays), downsampled to at most maxPoints; each metric's unit; and whether the device is flapping.",
  },
  'alarm.ack': {
    params: Type.Object(
      {
        seq: Type.Integer({ minimum: 1, description: 'the alarm event being acknowledged' }),
        note: Type.Optional(Type.String({ maxLength: 500 })),
      },
      { additionalProperties: false },
    ),
    data: Type.Object(
      { seq: Type.Integer(), ackSeq: Type.Integer({ description: 'the alarm.acked event recording it' }) },
      { additionalProperties: false },
    ),
    description:
      'Acknowledge an alarm (an alarm, slot.down, failover.failed or a NO-GO checklist event): recorded as an alarm.acked event with who did it.',
  },
} as const;
