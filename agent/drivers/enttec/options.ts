/** The `dmx` driver's options and actions: light enough to load with every agent; the driver loads on first use. */
import { Type, type Static } from '@sinclair/typebox';

export const DmxOptions = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'the widget, e.g. /dev/serial/by-id/usb-ENTTEC_DMX_USB_PRO_…' }),
    address: Type.Integer({ minimum: 1, maximum: 512, description: 'DMX start address of the fixture' }),
    footprint: Type.Integer({ minimum: 1, maximum: 512, default: 1 }),
    uid: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}:[0-9a-fA-F]{8}$', description: 'RDM UID mmmm:dddddddd; without it only the widget is checked' })),
    /** Named scenes: the fixture's channel levels (0-255) in footprint order. */
    scenes: Type.Record(Type.String(), Type.Array(Type.Integer({ minimum: 0, maximum: 255 })), { default: {} }),
    temperatureSensor: Type.Integer({ minimum: 0, maximum: 254, default: 0 }),
    maxTemperatureC: Type.Integer({ default: 85 }),
    lampRatedHours: Type.Optional(Type.Integer({ minimum: 1 })),
    answerTimeoutMs: Type.Integer({ minimum: 20, default: 150 }),
  },
  { additionalProperties: false },
);
export type DmxOptions = Static<typeof DmxOptions>;

export const DMX_ACTIONS = ['activate', 'standby', 'set-scene', 'blackout', 'set-levels'] as const;

/** What the catalog and the driver both need: written once. */
export const dmxSpec = { name: 'dmx', optionsSchema: DmxOptions, actions: DMX_ACTIONS };
