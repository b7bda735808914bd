/** The `simulated` driver (in-process virtual camera, mic or light with injectable faults): options, actions, metrics. */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

/**
 * - dead: never answers (a hung device; only the caller's deadline ends the wait)
 * - error: answers every request with an error
 * - slow: answers after `delayMs`
 * - flapping: fails every other request
 * - degraded: answers, but its readings are out of the healthy range
 */
const Preset = Type.Integer({ minimum: 0, maximum: 255 });

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
  actionParams: {
    // One action serves the camera, the mic and the light it can be: what each kind reads.
    activate: takes({
      preset: Type.Optional(Preset),
      scene: Type.Optional(Type.String({ minLength: 1 })),
      level: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      channel: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
    standby: NO_PARAMS,
    'power-on': NO_PARAMS,
    'power-standby': NO_PARAMS,
    'recall-preset': takes({ preset: Preset }),
    'set-preset': takes({ preset: Preset }),
    'set-scene': takes({ scene: Type.String({ minLength: 1 }), level: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) }),
    blackout: NO_PARAMS,
    mute: NO_PARAMS,
    unmute: NO_PARAMS,
    'set-gain': takes({ gain: Type.Number({ minimum: -18, maximum: 42 }) }),
    'simulate.fault': takes({
      mode: Type.Union(FAULT_MODES.map((m) => Type.Literal(m))),
      delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    }),
    'simulate.clear': NO_PARAMS,
  },
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
