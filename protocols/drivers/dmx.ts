/** The `dmx` driver's options, actions and metrics: light enough to load anywhere (the driver itself loads on first use). */
import { Type, type Static } from '@sinclair/typebox';
import { NO_PARAMS, driverSpec, takes } from './spec.ts';

export const DmxOptions = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'the widget, e.g. /dev/serial/by-id/usb-ENTTEC_DMX_USB_PRO_…' }),
    address: Type.Integer({ minimum: 1, maximum: 512, description: 'DMX start address of the fixture' }),
    footprint: Type.Integer({ minimum: 1, maximum: 512, default: 1 }),
    uid: Type.Optional(
      Type.String({
        pattern: '^[0-9a-fA-F]{4}:[0-9a-fA-F]{8}$',
        description: 'RDM UID mmmm:dddddddd; without it only the widget is checked',
      }),
    ),
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

export const dmxSpec = driverSpec({
  name: 'dmx',
  requestDeadline: (o) => ({ field: 'answerTimeoutMs', ms: Number(o.answerTimeoutMs) }),
  optionsSchema: DmxOptions,
  actions: DMX_ACTIONS,
  actionParams: {
    activate: takes(
      {
        scene: Type.String({ minLength: 1 }),
        level: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'percent of the scene' })),
      },
      { scene: 'scenes' },
    ),
    standby: NO_PARAMS,
    'set-scene': takes(
      { scene: Type.String({ minLength: 1 }), level: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) },
      { scene: 'scenes' },
    ),
    blackout: NO_PARAMS,
    'set-levels': takes({ levels: Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: 512 }) }),
  },
  metrics: {
    firmware: 'widget firmware (label 3)',
    widgetSerial: 'widget serial number (label 10)',
    dmxAddress: 'configured start address',
    levels: "the fixture's channel levels as sent, comma-separated",
    modelId: 'RDM DEVICE_INFO model id',
    footprint: 'RDM DEVICE_INFO DMX footprint',
    rdmStartAddress: 'RDM DEVICE_INFO start address',
    temperatureC: 'RDM SENSOR_VALUE of the temperature sensor',
    lampHours: 'RDM LAMP_HOURS (wear)',
    deviceHours: 'RDM DEVICE_HOURS (wear)',
    rdmTimeoutsPerMin: 'RDM requests the fixture did not answer (label 12), last 60 s',
    garbageBytesPerMin: 'bytes dropped while resynchronising, last 60 s',
  },
});
