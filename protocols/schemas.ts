/**
 * Every payload on the OnAir MQTT contract. These TypeBox schemas are the single source of
 * truth: runtime validators are compiled from them (protocols/codec.ts), TypeScript types
 * are derived with Static<>, and docs/schemas/*.json are generated from them.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const ID_SEGMENT = '[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}';
/** Agent, device and slot segment ids: safe as MQTT topic levels (no '/', '+', '#'). One rule for ids in topics and in payloads. */
export const ID_PATTERN = `^${ID_SEGMENT}$`;
export const SLOT_ID_PATTERN = `^${ID_SEGMENT}(/${ID_SEGMENT})?$`;
export const Id = Type.String({ pattern: ID_PATTERN, description: 'letters, digits, _ . : -; at most 64' });
/** A slot id may have one '/' to group by studio: `studio-a/cam-wide`. */
export const SlotId = Type.String({ pattern: SLOT_ID_PATTERN });
/** Milliseconds since the Unix epoch. */
/** viewer < technician < engineer < admin: each role has every right of those before it (protocols/access.ts). */
export const ROLES = ['viewer', 'technician', 'engineer', 'admin'] as const;
export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
/** A name that logs in: it goes into topics, MQTT usernames (`agent/<id>`) and Mosquitto's files, so no colon or slash. */
export const LOGIN_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
export const LoginName = Type.String({
  pattern: LOGIN_NAME_PATTERN,
  description: 'letters, digits, _ . - (no colon, no slash); at most 64',
});
export const Timestamp = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'ms since the Unix epoch' });
/**
 * An agent's connection number (Sparkplug B's bdSeq): the agent takes the time of its connect in ms,
 * or the previous session + 1 if that is larger, so it grows with every connect.
 */
export const Session = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: "the agent's session: grows with every connect (0 to 2^53-1); only the current session's death counts",
});

export const DeviceStatus = Type.Union(
  [Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failed'), Type.Literal('offline'), Type.Literal('unknown')],
  { description: 'ok < degraded < failed; offline = unreachable or its agent is gone; unknown = no data yet' },
);
export type DeviceStatus = Static<typeof DeviceStatus>;

export const MetricValue = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);
export const Metrics = Type.Record(Type.String(), MetricValue);
export type Metrics = Static<typeof Metrics>;

export const HealthCheck = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    status: DeviceStatus,
    latencyMs: Type.Number({ minimum: 0 }),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type HealthCheck = Static<typeof HealthCheck>;

export const DeviceHealth = Type.Object(
  {
    status: DeviceStatus,
    checks: Type.Array(HealthCheck),
    metrics: Metrics,
    consecutiveFailures: Type.Integer({
      minimum: 0,
      description: "failed probes in a row; the controller's fail-fast threshold counts these",
    }),
    /** A duration, not a time: the controller dates the failure on its own clock, whatever the agent's says. */
    failingForMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'while failing: how long since the first failed probe of this streak was sent' }),
    ),
    ts: Timestamp,
    seq: Type.Integer({ minimum: 0, description: 'grows with every health message of this device from this agent process' }),
    session: Session,
    driver: Type.String({ description: 'driver name, e.g. simulated, onvif, visca' }),
    kind: Type.Optional(Type.String({ description: 'camera, mic, light, ...' })),
  },
  { additionalProperties: false },
);
export type DeviceHealth = Static<typeof DeviceHealth>;

/** The `data` of the built-in `probe` action's result: a reading taken after the command arrived. */
export const ProbeReport = Type.Pick(DeviceHealth, ['status', 'checks', 'metrics', 'ts']);
export type ProbeReport = Static<typeof ProbeReport>;

/** A failover an agent made on its own while it could not reach the controller (agent/carry-on.ts). */
export const LocalDecision = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    slot: SlotId,
    from: Id,
    to: Id,
    at: Timestamp,
    reason: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type LocalDecision = Static<typeof LocalDecision>;

/**
 * Carried by the birth and every heartbeat until the controller's slot state shows them: the heartbeat
 * that proves the agent is back is the one that tells what it did alone, so the controller adopts a
 * decision before it can act on the failed health behind it.
 */
const PendingDecisions = Type.Optional(Type.Array(LocalDecision, { maxItems: 100, description: 'failovers made alone, not yet adopted' }));

export const AgentState = Type.Object(
  {
    online: Type.Boolean(),
    // Sparkplug B 3.0: the death carries the bdSeq of its connect and the birth repeats it [tck-id-payloads-ndeath-bdseq] [tck-id-topics-nbirth-bdseq-matching].
    session: Session,
    ts: Timestamp,
    version: Type.Optional(Type.String()),
    hostname: Type.Optional(Type.String()),
    devices: Type.Optional(Type.Array(Id, { description: 'device ids this agent drives' })),
    heartbeatIntervalMs: Type.Optional(
      Type.Integer({ minimum: 1, description: 'the controller waits at least 3 of these before declaring the agent lost' }),
    ),
    decisions: PendingDecisions,
  },
  { additionalProperties: false },
);
export type AgentState = Static<typeof AgentState>;

export const Heartbeat = Type.Object(
  { session: Session, ts: Timestamp, uptimeMs: Type.Integer({ minimum: 0 }), decisions: PendingDecisions },
  { additionalProperties: false },
);
export type Heartbeat = Static<typeof Heartbeat>;

export const Params = Type.Record(Type.String(), Type.Unknown());
export type Params = Static<typeof Params>;

/**
 * The leader's term (controllers sharing PostgreSQL, controller/pair/leadership.ts): grows with every new
 * leader. Agents keep the newest term they saw and refuse a command from an older one — a leader that
 * was paused and resumed must not act after another took over. Absent with a single controller.
 */
export const LeaderTerm = Type.Integer({
  minimum: 1,
  description: "the leading controller's term; agents refuse commands from a term older than the newest they saw",
});

export const Command = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'unique; a repeated id is answered with the earlier result, never run twice',
    }),
    device: Id,
    action: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'activate, standby, recall-preset, set-scene, mute, ... (per driver)',
    }),
    params: Params,
    /**
     * A duration, measured by the agent from when the command reached it — never a time on the
     * controller's clock compared with the agent's (an agent 1 s ahead once answered every failover
     * "expired"). The action is abandoned if it has not finished by then.
     */
    ttlMs: Type.Integer({
      minimum: 1,
      maximum: 600_000,
      description: 'time to live, measured by the agent from receipt: an action not finished by then is abandoned and answered expired',
    }),
    issuedBy: Type.String({ minLength: 1, description: 'controller for automatic decisions, else the user or client' }),
    term: Type.Optional(LeaderTerm),
  },
  { additionalProperties: false },
);
export type Command = Static<typeof Command>;

export const CommandStatus = Type.Union([
  Type.Literal('accepted'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('rejected'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);
/**
 * Built in for every device: `cancel` with `{command: id}` abandons that command — at once if it is
 * running, and on arrival if it comes later (a stalled link delivers it after the controller gave up,
 * and its cancel right behind it).
 */
export const CANCEL_ACTION = 'cancel';
export type CommandStatus = Static<typeof CommandStatus>;

export const CommandResult = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    device: Id,
    status: CommandStatus,
    error: Type.Optional(Type.String()),
    data: Type.Optional(Params),
    ts: Timestamp,
  },
  { additionalProperties: false },
);
export type CommandResult = Static<typeof CommandResult>;

export const DeviceRef = Type.Object({ agent: Id, device: Id }, { additionalProperties: false });
export type DeviceRef = Static<typeof DeviceRef>;

export const SlotCondition = Type.Union(
  [Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failing_over'), Type.Literal('down'), Type.Literal('unknown')],
  {
    description: 'ok: active device healthy; degraded: active degraded; failing_over: a decision is running; down: nothing healthy on air',
  },
);
export type SlotCondition = Static<typeof SlotCondition>;

export const SlotMember = Type.Object(
  { agent: Id, device: Id, status: DeviceStatus, role: Type.Union([Type.Literal('primary'), Type.Literal('backup')]) },
  { additionalProperties: false },
);
export type SlotMember = Static<typeof SlotMember>;

export const SlotState = Type.Object(
  {
    slot: SlotId,
    /** The slot definition's label, when it has one. */
    label: Type.Optional(Type.String()),
    state: SlotCondition,
    active: Nullable(DeviceRef),
    primary: DeviceRef,
    backups: Type.Array(DeviceRef),
    members: Type.Array(SlotMember),
    params: Type.Record(Type.String(), Type.Unknown(), {
      description: "role parameters sent with activate: a camera's preset, a light's scene, a mic's channel",
    }),
    onAir: Type.Boolean(),
    primaryAvailable: Type.Boolean({
      description: 'the primary is healthy again but not active: an engineer may switch back by hand (never automatic)',
    }),
    reason: Type.Optional(Type.String()),
    ts: Timestamp,
    term: Type.Optional(LeaderTerm),
  },
  { additionalProperties: false },
);
export type SlotState = Static<typeof SlotState>;

/** Who leads a pair of controllers, since when (their clock), under which term. */
export const LeaderInfo = Type.Object(
  { term: LeaderTerm, name: Type.String({ minLength: 1 }), since: Timestamp },
  { additionalProperties: false },
);
export type LeaderInfo = Static<typeof LeaderInfo>;

export const ControllerState = Type.Object(
  {
    online: Type.Boolean(),
    ts: Timestamp,
    onAir: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.String()),
    leader: Type.Optional(LeaderInfo),
  },
  { additionalProperties: false },
);
export type ControllerState = Static<typeof ControllerState>;

// --- controller/requests/{op} → controller/responses/{op} (zigbee2mqtt-style envelope) ---

export const RequestEnvelope = <P extends TSchema>(params: P) =>
  Type.Object(
    {
      transaction: Type.String({ minLength: 1, maxLength: 128 }),
      issuedBy: Type.Optional(Type.String({ minLength: 1 })),
      params,
    },
    { additionalProperties: false },
  );

export const StatusParams = Type.Object({}, { additionalProperties: false });
export const FailoverParams = Type.Object(
  {
    slot: SlotId,
    /** `agent/device` or a device id that is unique among the slot's members; default: first healthy backup. */
    to: Type.Optional(Type.String({ minLength: 1 })),
    reason: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type FailoverParams = Static<typeof FailoverParams>;
export const OnAirParams = Type.Object({ onAir: Type.Boolean(), reason: Type.Optional(Type.String()) }, { additionalProperties: false });
export type OnAirParams = Static<typeof OnAirParams>;

export const DeviceSummary = Type.Object(
  {
    agent: Id,
    device: Id,
    status: DeviceStatus,
    since: Timestamp,
    reported: DeviceStatus,
    driver: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    lastHealthAt: Nullable(Timestamp),
    detail: Type.Optional(Type.String()),
    /** From its registration (a device from an agent's own file has none): what the studio calls it, its profile's manufacturer and model, its studio. */
    label: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    studio: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DeviceSummary = Static<typeof DeviceSummary>;
export const AgentSummary = Type.Object(
  { agent: Id, online: Type.Boolean(), session: Type.Integer(), lastSeenAt: Nullable(Timestamp) },
  { additionalProperties: false },
);
export type AgentSummary = Static<typeof AgentSummary>;
export const StatusData = Type.Object(
  {
    onAir: Type.Boolean(),
    showsOnAir: Type.Array(Id, { description: "shows on air now (failover is armed while any is, or by the engineer's override)" }),
    leader: Type.Optional(LeaderInfo),
    agents: Type.Array(AgentSummary),
    devices: Type.Array(DeviceSummary),
    slots: Type.Array(SlotState),
    program: Type.Optional(
      Type.Array(
        Type.Object(
          {
            switcher: Type.String(),
            onProgram: Type.Union([Type.String(), Type.Null()], {
              description: 'M/E 1 program source by its last health (null: not known now, e.g. offline)',
            }),
            lastCut: Type.Optional(
              Type.Object(
                { ts: Timestamp, slot: SlotId, from: Type.String(), to: Type.String(), cut: Type.Boolean() },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        { description: 'program switchers: what each shows, and the last take OnAir made on it' },
      ),
    ),
    counters: Type.Record(Type.String(), Type.Integer()),
  },
  { additionalProperties: false },
);
export type StatusData = Static<typeof StatusData>;
export const FailoverData = Type.Object(
  { slot: SlotId, from: Nullable(DeviceRef), to: DeviceRef, durationMs: Type.Number() },
  { additionalProperties: false },
);
export type FailoverData = Static<typeof FailoverData>;
export const OnAirData = Type.Object({ onAir: Type.Boolean() }, { additionalProperties: false });

export const ResponseEnvelope = <D extends TSchema>(data: D) =>
  Type.Union([
    Type.Object({ transaction: Type.String(), status: Type.Literal('ok'), data }, { additionalProperties: false }),
    Type.Object(
      { transaction: Type.String(), status: Type.Literal('error'), error: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
  ]);
