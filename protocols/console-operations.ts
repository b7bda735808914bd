/**
 * What the engineer's console asks beyond the CLI's operations: a device's latest health with its
 * metric trend, and acknowledging an alarm. Part of the one OPERATIONS table in contract.ts, so MQTT
 * clients and the HTTP API have them too.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeviceStatus, HealthCheck, Id, Metrics, Timestamp } from './schemas.ts';

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

export const CONSOLE_OPERATIONS = {
  'device.health': {
    params: Type.Object({ agent: Id, device: Id }, { additionalProperties: false }),
    data: DeviceHealthView,
    description:
      "A device's latest health (each check with its detail, its metrics) and the trend of its numeric metrics over the last hour.",
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
