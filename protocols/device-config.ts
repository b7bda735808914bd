/**
 * How an agent runs one device — shared because it arrives two ways: from the agent's own YAML
 * file, or from the controller as the agent's retained desired config (registered devices).
 * One schema for both, so a registered device and a hand-configured one behave the same.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MediaWatchConfig } from './media.ts';
import { MediaSettings } from './media-config.ts';
import { HealthRule } from './profile.ts';
import { ContentTolerance } from './content-policy.ts';
import { Id, LeaderTerm, Params, SlotId, Timestamp } from './schemas.ts';

export const ProbeSettings = Type.Object(
  {
    intervalMs: Type.Integer({ minimum: 20, default: 250, description: 'start-to-start period of health probes' }),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        description:
          "a probe with no answer by then counts as failed. Default: the driver's own request deadline + 250 ms, at least 1000 ms; a given value not longer than the driver's own deadline is raised to that default (protocols/probe-deadline.ts)",
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type ProbeSettings = Static<typeof ProbeSettings>;

export const DeviceConfig = Type.Object(
  {
    id: Id,
    driver: Type.String({ minLength: 1 }),
    kind: Type.Optional(Type.String()),
    probe: ProbeSettings,
    connectTimeoutMs: Type.Integer({ minimum: 10, default: 5_000 }),
    actionTimeoutMs: Type.Integer({ minimum: 10, default: 5_000 }),
    /** Driver-specific: checked against the driver's own schema. */
    options: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    /** The equipment profile this device follows, `id@version` (registered devices). */
    profile: Type.Optional(Type.String({ description: 'profile id@version' })),
    /** Health rules from the profile, applied by the agent to every probe's metrics. */
    rules: Type.Array(HealthRule, { default: [] }),
    /** Its picture and sound, watched by the agent and judged in its health (agent/media/with-media.ts). */
    media: Type.Optional(MediaWatchConfig),
  },
  { additionalProperties: false },
);
export type DeviceConfig = Static<typeof DeviceConfig>;

const RoleAction = Type.Object({ action: Type.String({ minLength: 1 }), params: Params }, { additionalProperties: false });

/**
 * A slot every member of which this agent drives: if it loses the controller during a show, the agent
 * fails it over itself with the controller's rules (docs/deployment.md, "Agents carry on alone").
 */
export const LocalSlot = Type.Object(
  {
    id: SlotId,
    /** In failover order, primary first; each with the action that puts it on air and the one that stands it down. */
    members: Type.Array(Type.Object({ device: Id, activate: RoleAction, standby: RoleAction }, { additionalProperties: false }), {
      minItems: 2,
    }),
    failAfterProbes: Type.Integer({
      minimum: 1,
      description: 'failed probes in a row before the agent acts, as the controller counts them',
    }),
    recoverAfterMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "how long a member that failed must stay healthy before it counts again, as the controller's (default 10000)",
      }),
    ),
    healthDeadlineMs: Type.Optional(
      Type.Integer({ minimum: 100, description: "no health of a member for this long: it is failed, as the controller's (default 15000)" }),
    ),
    /** What the slot allows of a content fault (alarm instead of failover, a dark scene, quiet windows), as the controller's. */
    content: Type.Optional(ContentTolerance),
  },
  { additionalProperties: false },
);
export type LocalSlot = Static<typeof LocalSlot>;

/** Retained on agents/{agentId}/config: the registered devices this agent must run. */
export const DesiredConfig = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      description: "grows with every change to this agent's registered devices or the slots it drives alone",
    }),
    ts: Timestamp,
    devices: Type.Array(DeviceConfig),
    slots: Type.Optional(
      Type.Array(LocalSlot, {
        description: 'slots whose every member runs on this agent: it fails them over itself while it cannot reach the controller',
      }),
    ),
    term: Type.Optional(LeaderTerm),
  },
  { additionalProperties: false },
);
export type DesiredConfig = Static<typeof DesiredConfig>;

export const ConfigProblem = Type.Object({ device: Id, error: Type.String({ minLength: 1 }) }, { additionalProperties: false });

/** Retained on agents/{agentId}/config/applied: what the agent made of the desired config. */
export const AppliedConfig = Type.Object(
  {
    version: Type.Integer({ minimum: 0, description: 'the desired config version the agent runs (0: none received yet)' }),
    ts: Timestamp,
    running: Type.Array(Id, { description: 'registered devices running now' }),
    /** Devices the agent could not apply (unknown driver, bad options, id taken by its own config); it keeps their previous form running if there was one. */
    problems: Type.Array(ConfigProblem),
  },
  { additionalProperties: false },
);
export type AppliedConfig = Static<typeof AppliedConfig>;

/** What the studio calls a device or a slot ("Wide camera"): the console shows it before the id. */
export const Label = Type.String({ minLength: 1, maxLength: 80 });

/** A registered unit: a profile version plus where and how to reach it. Secrets only by reference. */
export const DeviceRegistration = Type.Object(
  {
    agent: Id,
    device: Id,
    profile: Type.String({ minLength: 1 }),
    profileVersion: Type.Integer({ minimum: 1 }),
    studio: Type.Optional(Type.String({ minLength: 1 })),
    label: Type.Optional(Label),
    /** Connection options over the profile's defaults; a password is named by its environment variable (passwordEnv), never given. */
    options: Type.Record(Type.String(), Type.Unknown()),
    /** Probe period and deadline for this unit (the agent's defaults otherwise). */
    probe: Type.Optional(ProbeSettings),
    /** This unit's values for its profile's self-test parameters (a preset token its camera has): they replace the step's of the same name. */
    testParams: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Unknown())),
    /** This unit's media over its profile's: where its stream is (a URL, or its driver's stream and media profile), its role. */
    media: Type.Optional(MediaSettings),
    /** Devices that watch this one for its self-test, by role: `{ light-sensor: agent-b/gpio-1 }`. */
    helpers: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }),
        Type.String({ minLength: 1, description: 'agent/device (a device id registered once is accepted and stored as agent/device)' }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type DeviceRegistration = Static<typeof DeviceRegistration>;
