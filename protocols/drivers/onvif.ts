/** The `onvif` driver's options, actions and metrics: light enough to load anywhere (the driver itself loads on first use). */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

/** A preset by name or by token: tokens are the camera's own strings (`1`, `p1`, `Wide`). */
const PresetRef = Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })]);

export const OnvifOptions = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 80 }),
    username: Type.Optional(Type.String()),
    /** Environment variable holding the password: secrets stay out of config files. */
    passwordEnv: Type.Optional(Type.String()),
    auth: Type.Union([Type.Literal('ws-security'), Type.Literal('digest')], { default: 'ws-security' }),
    maxClockOffsetMs: Type.Integer({ minimum: 0, default: 5_000 }),
    snapshot: Type.Boolean({ default: true }),
    requestTimeoutMs: Type.Integer({ minimum: 100, default: 2_000 }),
  },
  { additionalProperties: false },
);
export type OnvifOptions = Static<typeof OnvifOptions>;

export const ONVIF_ACTIONS = ['activate', 'standby', 'goto-preset', 'recall-preset', 'set-preset'] as const;

export const onvifSpec = driverSpec({
  name: 'onvif',
  requestDeadline: (o) => ({ field: 'requestTimeoutMs', ms: Number(o.requestTimeoutMs) }),
  optionsSchema: OnvifOptions,
  actions: ONVIF_ACTIONS,
  actionParams: {
    activate: takes({ preset: Type.Optional(PresetRef) }),
    standby: NO_PARAMS,
    'goto-preset': takes({ preset: PresetRef }),
    'recall-preset': takes({ preset: PresetRef }),
    'set-preset': takes({ name: Type.String({ minLength: 1 }) }),
  },
  metrics: {
    manufacturer: 'GetDeviceInformation',
    model: 'GetDeviceInformation',
    firmware: 'GetDeviceInformation',
    clockOffsetMs: 'camera clock minus the agent clock',
    snapshotBytes: 'size of the last snapshot JPEG',
    moveStatus: 'PTZ GetStatus pan/tilt move status (IDLE, MOVING)',
    pan: 'PTZ position',
    tilt: 'PTZ position',
    zoom: 'PTZ position',
  },
});
