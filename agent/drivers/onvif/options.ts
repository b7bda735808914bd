/** The `onvif` driver's options and actions: light enough to load with every agent; the driver loads on first use. */
import { Type, type Static } from '@sinclair/typebox';

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

/** What the catalog and the driver both need: written once. */
export const onvifSpec = { name: 'onvif', optionsSchema: OnvifOptions, actions: ONVIF_ACTIONS };
