/**
 * The controller's event log, typed: each event type has its own data schema, and a ControllerEvent
 * is the union of them discriminated by `type`. One source for the validation of what is recorded,
 * published (`controller/events`) and read back from the database, for the TypeScript type the
 * report and the console narrow on, and for the published JSON Schema.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { ConfigProblem } from './device-config.ts';
import { JobKind, JobState, ScheduleTarget } from './plan-schemas.ts';
import { ContentFault, MediaRole } from './media.ts';
import { ALERTING_EVENT_DATA } from './alerting-events.ts';
import { CommandStatus, DeviceStatus, Id, Params, RoleName, SlotCondition, SlotId, Timestamp } from './schemas.ts';

const Strict = <P extends TProperties>(properties: P, description?: string): TObject<P> =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Nothing = Strict({});
/** `agent/device`, or `none` where a slot had no live member. */
const Member = Type.String({ minLength: 1, description: 'agent/device (none: no live member)' });
const Count = Type.Integer({ minimum: 0 });

/** Each event type and what its `data` holds. */
export const EVENT_DATA = {
  'agent.online': Strict({ session: Type.Integer() }),
  'agent.offline': Strict({ session: Type.Integer() }),
  'device.state': Strict(
    {
      from: DeviceStatus,
      to: DeviceStatus,
      failingSince: Type.Optional(Timestamp),
      onAir: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('backup'), Type.Literal('off')])),
    },
    "failingSince: when the agent saw the first failed probe of the streak; onAir: the device's part in the slots on air then (live: what viewers see; backup; off: in none on air)",
  ),
  'command.sent': Strict({ action: Type.String(), params: Params }),
  'command.result': Strict({
    id: Type.String(),
    device: Id,
    status: CommandStatus,
    error: Type.Optional(Type.String()),
    data: Type.Optional(Params),
    ts: Timestamp,
  }),
  'failover.started': Strict({ from: Member, candidates: Type.Array(Member) }),
  'failover.succeeded': Strict({ from: Member, to: Member, durationMs: Type.Number({ minimum: 0 }), attempts: Type.Array(Type.String()) }),
  'failover.failed': Strict({ from: Member, attempts: Type.Array(Type.String()) }),
  'slot.down': Strict({ onAir: Type.Optional(Type.Boolean({ description: "the slot's show was on air when it went down" })) }),
  'program.cut': Strict({
    switcher: Member,
    from: Type.String(),
    to: Type.String(),
    cut: Type.Boolean({ description: 'false: program showed another source and was left alone' }),
    program: Type.String(),
    previewMoved: Type.Optional(Type.Boolean()),
    commandMs: Count,
    sinceFailoverMs: Count,
  }),
  'stream.changed': Strict({ on: Type.Boolean(), ok: Type.Boolean() }),
  'stream.state': Strict({ show: Id, condition: Type.String(), from: Type.String(), framesDropped: Count }),
  'content.fault': Strict(
    {
      fault: ContentFault,
      role: MediaRole,
      phase: Type.Union([Type.Literal('started'), Type.Literal('ended')]),
      studio: Type.Optional(Type.String()),
      forMs: Type.Optional(Count),
    },
    "a device's picture, sound or playback fault began or ended (its check failed, or passed again); the report counts the program's and the playback's",
  ),
  alarm: Strict({
    severity: Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('cleared')]),
    cause: Type.Optional(Type.String()),
    show: Type.Optional(Id),
  }),
  'alarm.acked': Strict({ seq: Type.Integer({ minimum: 1, description: 'the alarm acknowledged' }), alarm: Type.String() }),
  'onair.changed': Strict({ onAir: Type.Boolean(), manualOnAir: Type.Boolean(), slots: Type.Array(SlotId) }),
  'controller.started': Strict({ version: Type.String(), broker: Type.String(), resumedOnAir: Type.Boolean() }),
  'broker.lost': Nothing,
  'broker.restored': Nothing,
  'profile.added': Strict({ profile: Type.String(), version: Type.Integer({ minimum: 1 }) }),
  'device.added': Strict({ profile: Type.String(), version: Type.Integer({ minimum: 1 }), changed: Type.Boolean(), configVersion: Count }),
  'device.removed': Strict({ configVersion: Count }),
  'slot.defined': Strict({ primary: Member, backups: Type.Array(Member), params: Params, changed: Type.Boolean() }),
  'slot.removed': Nothing,
  'config.applied': Strict({ version: Count, running: Count, problems: Type.Array(ConfigProblem) }),
  'slot.state': Strict({ from: Type.Union([SlotCondition, Type.Literal('none')]), to: SlotCondition, active: Member }),
  'show.added': Strict({
    show: Id,
    studio: Type.String(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    slots: Type.Array(SlotId),
    changed: Type.Boolean(),
  }),
  'show.started': Strict(
    {
      show: Id,
      title: Type.String(),
      studio: Type.String(),
      slots: Type.Array(Strict({ slot: SlotId, members: Type.Array(Member) })),
      stream: Type.Optional(SlotId),
    },
    'the slots and their members as they were, so a report of the show is reproducible later',
  ),
  'show.ended': Strict({ show: Id, studio: Type.String(), onAirMs: Count }),
  'show.cancelled': Strict({ show: Id }),
  'preshow.started': Strict({ show: Id, startsAt: Timestamp, devices: Type.Array(Member) }),
  'preshow.checklist': Strict({
    show: Id,
    go: Type.Boolean(),
    notReady: Type.Array(Type.String()),
    slots: Type.Array(
      Strict({
        slot: SlotId,
        go: Type.Boolean(),
        verdict: Type.Optional(Type.Union([Type.Literal('go'), Type.Literal('go-no-backup'), Type.Literal('no-go')])),
        proposal: Type.Optional(Type.String()),
        swapped: Type.Optional(Type.Boolean()),
      }),
    ),
  }),
  'job.finished': Strict({
    job: Type.Integer({ minimum: 1 }),
    kind: JobKind,
    state: JobState,
    attempt: Type.Integer({ minimum: 1 }),
    show: Type.Optional(Id),
    schedule: Type.Optional(Id),
    durationMs: Type.Optional(Count),
  }),
  'schedule.added': Strict({
    schedule: Id,
    cron: Type.String(),
    target: ScheduleTarget,
    intrusive: Type.Boolean(),
    devices: Type.Array(Member),
  }),
  'schedule.removed': Strict({ schedule: Id }),
  'maintenance.due': Strict({ check: Type.String() }),
  'identity.changed': Strict({
    kind: Type.Union([Type.Literal('user'), Type.Literal('agent')]),
    name: Type.String(),
    change: Type.String(),
    role: Type.Optional(RoleName),
  }),
  ...ALERTING_EVENT_DATA,
} as const;

export type EventTypeName = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventTypeName[];
export const EventType = Type.Union(
  EVENT_TYPES.map((t) => Type.Literal(t)) as { [K in EventTypeName]: ReturnType<typeof Type.Literal<K>> }[EventTypeName][],
);

/** What every event has besides its type and data. */
const envelope = {
  seq: Type.Integer({ minimum: 0 }),
  ts: Timestamp,
  agent: Type.Optional(Id),
  device: Type.Optional(Id),
  slot: Type.Optional(SlotId),
  by: Type.Optional(Type.String({ description: 'who or what caused it: controller for automatic decisions, else the user or client' })),
  reason: Type.Optional(Type.String()),
};

const eventOf = <T extends EventTypeName>(type: T) => Strict({ ...envelope, type: Type.Literal(type), data: EVENT_DATA[type] });
type EventSchemaOf<T extends EventTypeName> = ReturnType<typeof eventOf<T>>;

/** Each event type's whole schema, for a check that names the type's own first error. */
export const EVENT_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((t) => [t, eventOf(t)])) as { [T in EventTypeName]: EventSchemaOf<T> };

type AnyEventSchema = { [T in EventTypeName]: EventSchemaOf<T> }[EventTypeName];
export const ControllerEvent = Type.Union(Object.values(EVENT_SCHEMAS) as AnyEventSchema[], {
  description: 'one entry of the event log; data depends on type',
});
export type ControllerEvent = Static<typeof ControllerEvent>;
/** One type's events, e.g. `EventOf<'device.state'>`. */
export type EventOf<T extends EventTypeName> = Extract<ControllerEvent, { type: T }>;
/** An event before the log numbers it. */
export type NewEvent = ControllerEvent extends infer E ? (E extends ControllerEvent ? Omit<E, 'seq'> : never) : never;

export const EventsParams = Type.Object(
  {
    since: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    slot: Type.Optional(SlotId),
    device: Type.Optional(Id),
    type: Type.Optional(EventType),
  },
  { additionalProperties: false },
);
export type EventsParams = Static<typeof EventsParams>;
export const EventsData = Type.Object({ events: Type.Array(ControllerEvent) }, { additionalProperties: false });

/** Narrows an event to one type (usable in `.filter`). */
export const isEvent = <T extends EventTypeName>(e: ControllerEvent, type: T): e is EventOf<T> => e.type === type;
/** The events of one type, typed. */
export const eventsOf = <T extends EventTypeName>(events: readonly ControllerEvent[], type: T): Array<EventOf<T>> =>
  events.filter((e): e is EventOf<T> => e.type === type);
