/** The `shure` driver's options, actions and metrics: light enough to load anywhere (the driver itself loads on first use). */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

export const ShureOptions = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1, description: 'receiver IP or name (TCP); or give `path`' })),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 2202 }),
    path: Type.Optional(Type.String({ minLength: 1, description: 'serial device, for receivers on RS-232' })),
    baudRate: Type.Integer({ default: 9600 }),
    channel: Type.Integer({ minimum: 1, maximum: 4, default: 1 }),
    answerTimeoutMs: Type.Integer({ minimum: 20, default: 150 }),
    /** SAMPLE metering period; 0 turns metering off. */
    meterRateMs: Type.Integer({ minimum: 0, default: 1_000 }),
    /** Missed heartbeats in a row before the connection is dropped and made again. */
    reconnectAfterMissed: Type.Integer({ minimum: 1, default: 3 }),
    lowBatteryBars: Type.Integer({ minimum: 0, maximum: 5, default: 1 }),
    lowRunTimeMinutes: Type.Integer({ minimum: 0, default: 30 }),
    weakRfDbm: Type.Integer({ default: -85 }),
    /** ULX-D and Axient Digital have AUDIO_MUTE; QLX-D does not (mute it at the mixer). */
    muteControl: Type.Boolean({ default: true, description: 'the receiver has AUDIO_MUTE; false for QLX-D' }),
  },
  { additionalProperties: false },
);
export type ShureOptions = Static<typeof ShureOptions>;

export const SHURE_ACTIONS = ['activate', 'standby', 'mute', 'unmute', 'set-gain'] as const;

export const shureSpec = driverSpec({
  name: 'shure',
  requestDeadline: (o) => ({ field: 'answerTimeoutMs', ms: Number(o.answerTimeoutMs) }),
  optionsSchema: ShureOptions,
  actions: SHURE_ACTIONS,
  actionParams: {
    activate: NO_PARAMS,
    standby: NO_PARAMS,
    mute: NO_PARAMS,
    unmute: NO_PARAMS,
    'set-gain': takes({ gain: Type.Integer({ minimum: -18, maximum: 42, description: 'dB' }) }),
  },
  metrics: {
    transmitter: 'TX_TYPE (UNKN: none)',
    batteryBars: 'BATT_BARS 0-5',
    batteryMinutes: 'BATT_RUN_TIME, minutes left',
    muted: 'AUDIO_MUTE',
    gainDb: 'AUDIO_GAIN in dB',
    interference: 'RF_INT_DET: NONE or CRITICAL',
    rfDbm: 'RF level from SAMPLE metering, dBm',
    audioDbfs: 'audio level from SAMPLE metering, dBFS',
    antenna: 'antenna diversity from SAMPLE (AX, XB, XX)',
    garbageBytesPerMin: 'bytes outside < > messages, last 60 s',
    errRepliesPerMin: 'REP ERR answers, last 60 s',
  },
});
