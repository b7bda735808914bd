/**
 * Equipment profiles: one declarative YAML file per model (hardware-profiles/). This schema is the
 * single source of the runtime validator, the TypeScript types and docs/schemas/profile.json, which
 * editors use for completion and checking. Shared: the controller stores profiles, agents apply them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DRIVER_NAMES } from './drivers/index.ts';
import { MediaSettings } from './media-config.ts';
import { DeviceStatus, MetricValue, Params } from './schemas.ts';

/** Profiles name `mergeSettings` as theirs: a unit's connection over its profile's. */
export { mergeSettings } from './settings-merge.ts';

export const ProfileKind = Type.Union(
  ['camera', 'microphone-receiver', 'light', 'lighting-interface', 'gpio-board', 'switcher', 'stream-encoder'].map((k) => Type.Literal(k)),
  { description: 'what the equipment is' },
);

/**
 * A slot whose backups all failed their pre-show self-test (its primary passed): GO with no backup,
 * or NO-GO. Said by the show, else by the primary's profile, else by its kind: NO-GO for a camera or a
 * microphone, GO otherwise (controller/plan/preshow/slot-verdicts.ts).
 */
export const WithoutBackup = Type.Union([Type.Literal('go'), Type.Literal('no-go')], {
  description:
    'a slot whose every backup failed its pre-show self-test: GO with no backup, or NO-GO (default: NO-GO for a camera or a microphone, GO otherwise)',
});
export type WithoutBackup = Static<typeof WithoutBackup>;

/**
 * What a forecast that gear will not last the show counts as (controller/plan/endurance.ts): a warning on
 * the pre-show checklist (the default), or NO-GO for the slot. Said by the show, else by the profile.
 */
export const EnduranceShortfall = Type.Union([Type.Literal('no-go'), Type.Literal('warning')], {
  description: 'gear forecast to run out before the show ends: NO-GO for its slot, or a warning (default: warning)',
});
export type EnduranceShortfall = Static<typeof EnduranceShortfall>;

/**
 * Will it last the show: what the controller forecasts from this gear's metrics (docs/media.md,
 * "Will it last the show"). Every field is optional; a metric the device does not report is "unknown".
 */
export const EnduranceRules = Type.Object(
  {
    battery: Type.Optional(
      Type.Object(
        {
          minutesMetric: Type.Optional(Type.String({ minLength: 1, description: 'run time left in minutes (default batteryMinutes)' })),
          barsMetric: Type.Optional(
            Type.String({ minLength: 1, description: 'fallback while the run time is unknown (default batteryBars)' }),
          ),
          minutesPerBar: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, description: 'rough minutes a bar lasts, for the fallback (default 60)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    ratedLampHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: "the lamp's (or LED engine's) rated life in hours" })),
    lampHoursMetric: Type.Optional(Type.String({ minLength: 1, description: 'hours used so far (default lampHours)' })),
    trends: Type.Optional(
      Type.Array(
        Type.Object(
          {
            metric: Type.String({ minLength: 1, description: 'e.g. temperatureC, clockOffsetMs' }),
            above: Type.Optional(
              Type.Number({ description: "the limit going up (default: the lowest `above` of the metric's health rules)" }),
            ),
            below: Type.Optional(
              Type.Number({ description: "the limit going down (default: the highest `below` of the metric's health rules)" }),
            ),
            minSpanMinutes: Type.Optional(
              Type.Number({ exclusiveMinimum: 0, description: 'readings over at least this long before a trend counts (default 5)' }),
            ),
          },
          { additionalProperties: false },
        ),
        { description: 'metrics whose least-squares trend over recent readings must not reach their limit before the show ends' },
      ),
    ),
    shortfall: Type.Optional(EnduranceShortfall),
  },
  { additionalProperties: false },
);
export type EnduranceRules = Static<typeof EnduranceRules>;

/** The drivers OnAir ships (protocols/drivers/), so a new driver is a profile's driver with no second list to keep. */
export const ProfileDriver = Type.Union(DRIVER_NAMES.map((d) => Type.Literal(d)));

/** A condition on one metric; the first matching rule of a metric wins. */
export const HealthRule = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'metric name as the driver reports it, e.g. batteryBars' }),
    above: Type.Optional(Type.Number()),
    below: Type.Optional(Type.Number()),
    equals: Type.Optional(MetricValue),
    status: Type.Union([Type.Literal('degraded'), Type.Literal('failed')]),
    /** `maintenance` marks wear (lamp hours, battery cycles) rather than a fault. */
    kind: Type.Union([Type.Literal('fault'), Type.Literal('maintenance')], { default: 'fault' }),
    message: Type.String({ minLength: 1, description: 'what a technician reads; {value} is replaced by the reading' }),
  },
  { additionalProperties: false },
);
export type HealthRule = Static<typeof HealthRule>;

export const Expectation = Type.Object(
  {
    metric: Type.String({ minLength: 1 }),
    above: Type.Optional(Type.Number()),
    below: Type.Optional(Type.Number()),
    equals: Type.Optional(MetricValue),
    within: Type.Optional(Type.Object({ of: Type.Number(), tolerance: Type.Number({ minimum: 0 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const SelfTestStep = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    /** An action of the device under test. */
    action: Type.Optional(Type.String({ minLength: 1 })),
    params: Type.Optional(Params),
    /**
     * Read the expectations from a helper instead of the device: a role (e.g. light-sensor) that each
     * registered unit maps to a device watching it. A unit without that helper skips the step.
     */
    observe: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$', description: 'helper role, e.g. light-sensor' })),
    /** Health the device (or the observed helper) must report after the action (default ok). */
    expectStatus: Type.Optional(DeviceStatus),
    expect: Type.Optional(Type.Array(Expectation)),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
    /** Moves, mutes or changes light: never run on gear that is on air. */
    intrusive: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const RoleAction = Type.Object(
  { action: Type.String({ minLength: 1 }), params: Type.Optional(Params) },
  { additionalProperties: false },
);

export const EquipmentProfile = Type.Object(
  {
    profile: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$', description: 'profile id, e.g. sony-srg-300h' }),
    version: Type.Integer({ minimum: 1, description: 'a device names the profile and the version it uses' }),
    manufacturer: Type.String({ minLength: 1 }),
    model: Type.String({ minLength: 1 }),
    kind: ProfileKind,
    driver: ProfileDriver,
    /** Defaults for the device's driver options; checked against that driver's options. */
    connection: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    health: Type.Object({ rules: Type.Array(HealthRule, { default: [] }) }, { additionalProperties: false, default: {} }),
    selfTest: Type.Array(SelfTestStep, { default: [] }),
    roles: Type.Object(
      { activate: Type.Optional(RoleAction), standby: Type.Optional(RoleAction) },
      { additionalProperties: false, default: {} },
    ),
    /**
     * How the model's picture and sound are watched (issue 22): checks, analysis size, role, and for
     * gear whose driver finds its own stream (ONVIF, the stream driver) `source: { fromDriver: stream }`.
     * A unit's registration adds or overrides its part (its URL, its media profile token).
     */
    media: Type.Optional(MediaSettings),
    /** A slot this gear is the primary of, whose every backup failed its pre-show self-test (a show's own setting wins). */
    withoutBackup: Type.Optional(WithoutBackup),
    /** Will it last the show: battery, lamp life, trends (controller/plan/endurance.ts). */
    endurance: Type.Optional(EnduranceRules),
    maintenance: Type.Object(
      {
        intervalDays: Type.Optional(Type.Integer({ minimum: 1 })),
        wearLimits: Type.Array(
          Type.Object(
            { metric: Type.String({ minLength: 1 }), max: Type.Number(), message: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type EquipmentProfile = Static<typeof EquipmentProfile>;
