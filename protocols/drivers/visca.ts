/** The `visca` driver's options, actions and metrics: light enough to load anywhere (the driver itself loads on first use). */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

/** [CAM_Memory] presets 0-254 (PTZOptics uses the whole byte; Sony models fewer: the camera answers a syntax error). */
const Preset = Type.Integer({ minimum: 0, maximum: 254 });

export const ViscaOptions = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'serial device, e.g. /dev/serial/by-id/usb-FTDI_…' }),
    baudRate: Type.Union([Type.Literal(9600), Type.Literal(19200), Type.Literal(38400)], { default: 9600 }),
    address: Type.Integer({ minimum: 1, maximum: 7, default: 1 }),
    /** How long the camera may take to ACK or answer (9600 baud: ~17 ms per 16-byte packet each way). */
    answerTimeoutMs: Type.Integer({ minimum: 20, default: 150 }),
    /** How long a preset move may take to complete. */
    moveTimeoutMs: Type.Integer({ minimum: 100, default: 15_000 }),
    /** Power-on from standby takes seconds on most models. */
    powerTimeoutMs: Type.Integer({ minimum: 100, default: 20_000 }),
  },
  { additionalProperties: false },
);
export type ViscaOptions = Static<typeof ViscaOptions>;

export const VISCA_ACTIONS = ['activate', 'standby', 'recall-preset', 'set-preset', 'power-on', 'power-standby'] as const;

export const viscaSpec = driverSpec({
  name: 'visca',
  requestDeadline: (o) => ({ field: 'answerTimeoutMs', ms: Number(o.answerTimeoutMs) }),
  optionsSchema: ViscaOptions,
  actions: VISCA_ACTIONS,
  actionParams: {
    activate: takes({ preset: Type.Optional(Preset) }),
    standby: NO_PARAMS,
    'recall-preset': takes({ preset: Preset }),
    'set-preset': takes({ preset: Preset }),
    'power-on': NO_PARAMS,
    'power-standby': NO_PARAMS,
  },
  metrics: {
    power: 'on or standby (CAM_PowerInq)',
    vendorId: 'CAM_VersionInq vendor id, hex',
    modelId: 'CAM_VersionInq model id, hex',
    romRevision: 'CAM_VersionInq ROM revision, hex',
    garbageBytesPerMin: 'bytes dropped while resynchronising, last 60 s',
    oversizedFramesPerMin: 'runs longer than a VISCA packet, last 60 s',
    unmatchedRepliesPerMin: 'replies that answered nothing we asked, last 60 s',
    cameraErrorsPerMin: 'commands the camera refused (error replies), last 60 s',
  },
});
