/**
 * Requests that change what OnAir knows about the studio: equipment profiles, registered devices,
 * slots and self-tests. Part of the one OPERATIONS table in contract.ts; kept here so each file stays readable.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeviceRegistration, Label } from './device-config.ts';
import { EquipmentProfile } from './profile.ts';
import { DeviceRef, DeviceStatus, Params, SlotId, Timestamp } from './schemas.ts';
import { OnContentFault } from './content-policy.ts';

/** How a slot takes its members' content faults (protocols/content-policy.ts; the rule: protocols/failover-rule.ts). */
const SlotContent = {
  onContentFault: Type.Optional(OnContentFault),
  mayBeDark: Type.Optional(Type.Boolean({ description: 'a dark picture is legitimate here (a night scene): black fails no member over' })),
  mayBeStill: Type.Optional(
    Type.Boolean({
      description: 'a still picture is legitimate here (slides, a caption card, a paused scene): frozen fails no member over',
    }),
  ),
  maySilence: Type.Optional(Type.Boolean({ description: 'silence is legitimate here (a planned pause): silent fails no member over' })),
};

const ProfileSummary = Type.Object(
  {
    profile: Type.String(),
    version: Type.Integer(),
    manufacturer: Type.String(),
    model: Type.String(),
    kind: Type.String(),
    driver: Type.String(),
    addedAt: Type.Integer(),
    addedBy: Type.String(),
  },
  { additionalProperties: false },
);

/** Where a registered device stands: is its agent running it, and how is it. */
export const RegisteredDevice = Type.Composite([
  DeviceRegistration,
  Type.Object({
    deployment: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('refused')], {
      description:
        'pending: its agent has not yet confirmed the config version that has it; refused: the agent could not run it (see problem)',
    }),
    problem: Type.Optional(Type.String()),
    status: DeviceStatus,
    slots: Type.Array(SlotId, { description: 'the slots it serves, as primary or backup' }),
  }),
]);
export type RegisteredDevice = Static<typeof RegisteredDevice>;

export const TallyLamp = Type.Object(
  { member: DeviceRef, board: DeviceRef, tally: Type.String({ minLength: 1 }) },
  { additionalProperties: false, description: 'a lamp on a GPIO board, lit while on air for this member' },
);

export const ProgramMapping = Type.Object(
  {
    member: DeviceRef,
    switcher: DeviceRef,
    source: Type.String({ minLength: 1, description: 'scene:<name> (OBS) or [me:<m>/]input:<n> (ATEM)' }),
  },
  { additionalProperties: false, description: 'where a member appears on the program: a failover on air cuts the switcher to it' },
);
export type ProgramMapping = Static<typeof ProgramMapping>;

/** A slot the show needs: a primary, its backups in order, and what `activate` is told. */
export const SlotDefinition = Type.Object(
  {
    id: SlotId,
    label: Type.Optional(Label),
    primary: DeviceRef,
    backups: Type.Array(DeviceRef),
    /** Sent with activate to every member (over the role's parameters). */
    params: Params,
    /** Per member (`agent/device`), over `params`: an ONVIF camera's preset token beside a VISCA camera's number. */
    memberParams: Type.Optional(Type.Record(Type.String(), Params, { description: 'agent/device → parameters for that member only' })),
    tallies: Type.Array(TallyLamp),
    program: Type.Optional(Type.Array(ProgramMapping)),
    /** When the pre-show check finds the primary not ready and a backup ready: propose the swap, or make it. */
    preshow: Type.Optional(Type.Union([Type.Literal('propose'), Type.Literal('swap')], { description: 'default propose' })),
    ...SlotContent,
  },
  { additionalProperties: false },
);
export type SlotDefinition = Static<typeof SlotDefinition>;

/** `agent/device`, or a device id that only one registered device has. */
const DeviceName = Type.String({ minLength: 1, description: 'agent/device, or a device id registered only once' });

export const SelfTestStepResult = Type.Object(
  {
    name: Type.String(),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('skipped')]),
    intrusive: Type.Boolean(),
    detail: Type.Optional(Type.String()),
    durationMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const SelfTestReport = Type.Object(
  {
    agent: Type.String(),
    device: Type.String(),
    profile: Type.String({ description: 'id@version' }),
    result: Type.Union([Type.Literal('passed'), Type.Literal('failed')], {
      description: 'failed if any step failed; skipped steps do not fail a test',
    }),
    steps: Type.Array(SelfTestStepResult),
    startedAt: Timestamp,
    durationMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SelfTestReport = Static<typeof SelfTestReport>;

const Ref = Type.Object({ agent: Type.String(), device: Type.String() }, { additionalProperties: false });

export const REGISTRY_OPERATIONS = {
  'profile.add': {
    params: Type.Object({ profile: EquipmentProfile }, { additionalProperties: false }),
    data: Type.Object({ profile: Type.String(), version: Type.Integer(), created: Type.Boolean() }, { additionalProperties: false }),
    description: 'Store an equipment profile version. Versions are immutable: the same version with other content is refused.',
  },
  'profile.list': {
    params: Type.Object({}, { additionalProperties: false }),
    data: Type.Object({ profiles: Type.Array(ProfileSummary) }, { additionalProperties: false }),
    description: 'Every stored profile version.',
  },
  'profile.show': {
    params: Type.Object(
      { profile: Type.String({ minLength: 1 }), version: Type.Optional(Type.Integer({ minimum: 1 })) },
      { additionalProperties: false },
    ),
    data: Type.Object({ profile: EquipmentProfile, addedAt: Type.Integer(), addedBy: Type.String() }, { additionalProperties: false }),
    description: 'One profile (the newest version unless one is named).',
  },
  'device.add': {
    params: Type.Object({ registration: DeviceRegistration }, { additionalProperties: false }),
    data: Type.Object(
      {
        agent: Type.String(),
        device: Type.String(),
        created: Type.Boolean(),
        configVersion: Type.Integer({ description: "the agent's desired config version that carries this change" }),
        notes: Type.Optional(
          Type.Array(Type.String(), {
            description:
              "what the agent will do differently from what was asked: a probe deadline raised over the driver's own request deadline",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    description: 'Register a device (a profile version plus its connection, studio and agent), or change one; its agent picks it up live.',
  },
  'device.list': {
    params: Type.Object({ agent: Type.Optional(Type.String()), studio: Type.Optional(Type.String()) }, { additionalProperties: false }),
    data: Type.Object({ devices: Type.Array(RegisteredDevice) }, { additionalProperties: false }),
    description: 'Registered devices with their deployment and health, optionally of one agent or studio.',
  },
  'device.show': {
    params: Ref,
    data: RegisteredDevice,
    description: 'One registered device.',
  },
  'device.remove': {
    params: Type.Object(
      { agent: Type.String(), device: Type.String(), reason: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    data: Type.Object({ agent: Type.String(), device: Type.String(), configVersion: Type.Integer() }, { additionalProperties: false }),
    description: 'Unregister a device; its agent stops it live. Refused while a slot uses it.',
  },
  'slot.add': {
    params: Type.Object(
      {
        slot: SlotId,
        label: Type.Optional(Label),
        primary: DeviceName,
        backups: Type.Optional(Type.Array(DeviceName)),
        params: Type.Optional(Params),
        /** member name (agent/device, or a device id unique in the slot) → parameters for that member only */
        memberParams: Type.Optional(Type.Record(Type.String(), Params)),
        /** member name → `board-name#tally` */
        tallies: Type.Optional(Type.Record(Type.String(), Type.String({ pattern: '^[^#]+#[^#]+$' }))),
        /** member name → `switcher-name#source` (scene:<name>, input:<n>, me:<m>/input:<n>) */
        program: Type.Optional(Type.Record(Type.String(), Type.String({ pattern: '^[^#]+#.+$' }))),
        preshow: Type.Optional(Type.Union([Type.Literal('propose'), Type.Literal('swap')])),
        ...SlotContent,
      },
      { additionalProperties: false },
    ),
    data: Type.Object({ slot: SlotDefinition, created: Type.Boolean() }, { additionalProperties: false }),
    description:
      "Define a slot from registered devices, or redefine one (refused while it is failing over). Unregistered devices are refused, and so are parameters a member's activate does not take.",
  },
  'slot.list': {
    params: Type.Object({}, { additionalProperties: false }),
    data: Type.Object({ slots: Type.Array(SlotDefinition) }, { additionalProperties: false }),
    description: 'Every defined slot.',
  },
  'slot.remove': {
    params: Type.Object({ slot: SlotId, reason: Type.Optional(Type.String()) }, { additionalProperties: false }),
    data: Type.Object({ slot: SlotId }, { additionalProperties: false }),
    description: 'Remove a slot. Refused while on air.',
  },
  'test.run': {
    params: Type.Object(
      {
        device: DeviceName,
        /** Intrusive steps move, mute or change light; they are skipped on gear that is on air regardless. */
        intrusive: Type.Optional(Type.Boolean({ description: 'default true' })),
      },
      { additionalProperties: false },
    ),
    data: SelfTestReport,
    description:
      "Run a registered device's self-test from its profile now; intrusive steps are skipped while the device serves a slot on air.",
  },
} as const;
