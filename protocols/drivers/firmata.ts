/** The `firmata` driver's options, actions and metrics: light enough to load anywhere (the driver itself loads on first use). */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

const Pin = Type.Union([Type.Integer({ minimum: 0, maximum: 69 }), Type.String({ pattern: '^A[0-9]{1,2}$' })]);

export const FirmataOptions = Type.Object(
  {
    path: Type.String({ minLength: 1 }),
    baudRate: Type.Integer({ default: 57600 }),
    relays: Type.Record(Type.String(), Pin, { default: {} }),
    tallies: Type.Record(Type.String(), Pin, { default: {} }),
    lightSensor: Type.Optional(
      Type.Object({ pin: Pin, brightAbove: Type.Integer({ minimum: 0, maximum: 1023, default: 600 }) }, { additionalProperties: false }),
    ),
    /** How long johnny-five may take to bring the board up (StandardFirmata answers in under a second). */
    readyTimeoutMs: Type.Integer({ minimum: 500, default: 5_000 }),
    /** How long a probe waits for the board to answer a version query (a board with nothing else to say is asked). */
    answerTimeoutMs: Type.Integer({ minimum: 20, default: 300 }),
    /** A board silent this long (and not answering a version query) has its port closed and opened again. */
    staleAfterMs: Type.Integer({ minimum: 100, default: 1_500 }),
  },
  { additionalProperties: false },
);
export type FirmataOptions = Static<typeof FirmataOptions>;

export const FIRMATA_ACTIONS = [
  'relay-on',
  'relay-off',
  'power-cycle',
  'tally-on',
  'tally-off',
  'activate',
  'standby',
  'read-light',
] as const;

export const firmataSpec = driverSpec({
  name: 'firmata',
  requestDeadline: (o) => ({ field: 'answerTimeoutMs', ms: Number(o.answerTimeoutMs) }),
  optionsSchema: FirmataOptions,
  actions: FIRMATA_ACTIONS,
  actionParams: {
    'relay-on': takes({ relay: Type.String({ minLength: 1 }) }, { relay: 'relays' }),
    'relay-off': takes({ relay: Type.String({ minLength: 1 }) }, { relay: 'relays' }),
    'power-cycle': takes(
      { relay: Type.String({ minLength: 1 }), offMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })) },
      { relay: 'relays' },
    ),
    'tally-on': takes({ tally: Type.String({ minLength: 1 }) }, { tally: 'tallies' }),
    'tally-off': takes({ tally: Type.String({ minLength: 1 }) }, { tally: 'tallies' }),
    activate: takes({ tally: Type.Optional(Type.String({ minLength: 1 })) }, { tally: 'tallies' }),
    standby: takes({ tally: Type.Optional(Type.String({ minLength: 1 })) }, { tally: 'tallies' }),
    'read-light': NO_PARAMS,
  },
  metrics: {
    firmware: 'firmware name and version (REPORT_FIRMWARE)',
    'relay.*': 'a relay is closed (on)',
    'tally.*': 'a tally lamp is lit',
    light: 'light sensor raw reading 0-1023',
    bright: 'light sensor above brightAbove',
    garbledFramesPerMin: 'frames from the board that could not be parsed (dropped), last 60 s',
    garbageBytesPerMin: 'bytes from the board that belong to no Firmata message (skipped), last 60 s',
  },
});
