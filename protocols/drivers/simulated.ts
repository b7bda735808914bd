/** The `simulated` driver (in-process virtual camera, mic or light with injectable faults): options, actions, metrics. */
import { Type, type Static } from '@sinclair/typebox';
import { driverSpec } from './spec.ts';

/**
 * - dead: never answers (a hung device; only the caller's deadline ends the wait)
 * - error: answers every request with an error
 * - slow: answers after `delayMs`
 * - flapping: fails every other request
 * - degraded: answers, but its readings are out of the healthy range
 */
export const FAULT_MODES = ['none', 'dead', 'error', 'slow', 'flapping', 'degraded'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

const FaultSchema = Type.Object(
  {
    mode: Type.Union(FAULT_MODES.map((m) => Type.Literal(m))),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

export const SimulatedOptions = Type.Object(
  {
    kind: Type.Union([Type.Literal('camera'), Type.Literal('mic'), Type.Literal('light')]),
    fault: Type.Optional(FaultSchema),
  },
  { additionalProperties: false },
);
export type SimulatedOptions = Static<typeof SimulatedOptions>;

export const simulatedSpec = driverSpec({
  name: 'simulated',
  optionsSchema: SimulatedOptions,
  actions: [
    'activate',
    'standby',
    'power-on',
    'power-standby',
    'recall-preset',
    'set-preset',
    'set-scene',
    'blackout',
    'mute',
    'unmute',
    'set-gain',
    // Fault injection: the simulator's control plane, answered even by a "dead" device.
    'simulate.fault',
    'simulate.clear',
  ],
  metrics: {
    live: 'activated (on program)',
    temperatureC: 'camera or light temperature',
    preset: 'camera: last preset recalled',
    level: 'light: output level, percent',
    lampHours: 'light: lamp hours (wear)',
    batteryBars: 'mic: battery bars 0-5',
    rfDbm: 'mic: RF level',
    muted: 'mic: muted',
    gainDb: 'mic: gain',
    uptimeS: 'seconds since the device started (wear)',
  },
});
