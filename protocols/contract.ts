/**
 * The OnAir MQTT contract, in one place: every topic, who publishes it, its QoS and retain
 * flag, and its payload schema. Both the agent and the controller build and parse topics
 * only through this module; docs/protocol.md and docs/schemas/ are generated from it.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import {
  AgentState,
  Command,
  CommandResult,
  ControllerState,
  DeviceHealth,
  FailoverData,
  FailoverParams,
  Heartbeat,
  OnAirData,
  OnAirParams,
  RequestEnvelope,
  ResponseEnvelope,
  SlotState,
  StatusData,
  StatusParams,
  ID_PATTERN,
  SLOT_ID_PATTERN,
} from './schemas.ts';
import { ControllerEvent, EventsData, EventsParams } from './events.ts';
import { REGISTRY_OPERATIONS } from './registry-operations.ts';
import { PLAN_OPERATIONS } from './plan-operations.ts';
import { IDENTITY_OPERATIONS } from './identity-operations.ts';
import { CONSOLE_OPERATIONS } from './console-operations.ts';
import { ALERTING_OPERATIONS } from './alerting-operations.ts';
import { WALL_OPERATIONS } from './wall-operations.ts';
import { AppliedConfig, DesiredConfig } from './device-config.ts';

export const ROOT = 'onair/v1';

export interface TopicSpec<S extends TSchema = TSchema> {
  /** Under ROOT; {placeholders} are single topic levels, except {slotId} which may hold one '/'. */
  pattern: string;
  schema: S;
  qos: 0 | 1;
  retain: boolean;
  publisher: 'agent' | 'controller' | 'client';
  description: string;
  /** Larger payloads are refused unread (and counted as invalid). */
  maxBytes: number;
}

const spec = <S extends TSchema>(s: TopicSpec<S>): TopicSpec<S> => s;
const KiB = 1024;
const MiB = 1024 * KiB;

export const TOPICS = {
  agentState: spec({
    pattern: 'agents/{agentId}/state',
    schema: AgentState,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description:
      'Birth `{online: true, session}` on every connect; the last will `{online: false, session}` is published by the broker when the agent vanishes. A death whose session is older than the current birth is ignored.',
    maxBytes: 16 * KiB,
  }),
  heartbeat: spec({
    pattern: 'agents/{agentId}/heartbeat',
    schema: Heartbeat,
    qos: 0,
    retain: false,
    publisher: 'agent',
    description:
      'Periodic, so a hung agent whose TCP session stays up is still detected. Carries the failovers it made alone until the controller adopted them.',
    maxBytes: 64 * KiB,
  }),
  deviceHealth: spec({
    pattern: 'agents/{agentId}/devices/{deviceId}/health',
    schema: DeviceHealth,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description: 'Published on every change (status, failing checks, each failed probe) and at a steady interval.',
    maxBytes: 64 * KiB,
  }),
  command: spec({
    pattern: 'agents/{agentId}/commands',
    schema: Command,
    qos: 1,
    retain: false,
    publisher: 'controller',
    description:
      'An action for one device. Expired commands are answered `expired`; a repeated id gets the earlier result again, never a second execution.',
    maxBytes: 64 * KiB,
  }),
  commandResult: spec({
    pattern: 'agents/{agentId}/results',
    schema: CommandResult,
    qos: 1,
    retain: false,
    publisher: 'agent',
    description: '`accepted` as soon as the command is taken, then `succeeded` or `failed`; or directly `rejected` / `expired`.',
    maxBytes: 256 * KiB,
  }),
  slot: spec({
    pattern: 'slots/{slotId}',
    schema: SlotState,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description: "A slot's primary, backups, active device and condition.",
    maxBytes: 64 * KiB,
  }),
  desiredConfig: spec({
    pattern: 'agents/{agentId}/config',
    schema: DesiredConfig,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description:
      "The registered devices this agent must run, with their profiles' health rules. Republished on every change and whenever the controller (re)connects. The agent applies it live and answers on config/applied. Secrets are only named (passwordEnv): the agent reads them from its own environment.",
    maxBytes: MiB,
  }),
  appliedConfig: spec({
    pattern: 'agents/{agentId}/config/applied',
    schema: AppliedConfig,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description: 'The desired config version the agent runs, the devices running from it, and the devices it refused with the reason.',
    maxBytes: 256 * KiB,
  }),
  controllerState: spec({
    pattern: 'controller/state',
    schema: ControllerState,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description: 'Controller online/offline, with a last will.',
    maxBytes: 4 * KiB,
  }),
  controllerEvents: spec({
    pattern: 'controller/events',
    schema: ControllerEvent,
    qos: 0,
    retain: false,
    publisher: 'controller',
    description: 'Live copy of the event log (state changes, commands, failovers, alarms) for dashboards.',
    maxBytes: 64 * KiB,
  }),
} as const;

export type TopicName = keyof typeof TOPICS;
export type PayloadOf<N extends TopicName> = Static<(typeof TOPICS)[N]['schema']>;

/** Request/response operations on controller/requests/{op} → controller/responses/{op}. */
export const OPERATIONS = {
  status: { params: StatusParams, data: StatusData, description: 'Fleet picture: agents, devices, slots, on-air flag, counters.' },
  failover: {
    params: FailoverParams,
    data: FailoverData,
    description: 'Manual failover of a slot, to a named device or the first healthy backup.',
  },
  events: { params: EventsParams, data: EventsData, description: 'Event log entries, oldest first.' },
  'on-air': { params: OnAirParams, data: OnAirData, description: 'Go on air (arms automatic failover) or off air.' },
  ...REGISTRY_OPERATIONS,
  ...PLAN_OPERATIONS,
  ...IDENTITY_OPERATIONS,
  ...CONSOLE_OPERATIONS,
  ...ALERTING_OPERATIONS,
  ...WALL_OPERATIONS,
} as const;

export type OperationName = keyof typeof OPERATIONS;

/** Requests are small; a profile (the largest) may take more. */
export const requestMaxBytes = (op: OperationName): number => (op === 'profile.add' ? 256 * KiB : 64 * KiB);
/** What a client accepts as an answer: a status of a large fleet, or thousands of events. */
export const RESPONSE_MAX_BYTES = 32 * MiB;
/** The embedded broker refuses bigger packets (the largest payload plus topic and header). */
export const MAX_PACKET_BYTES = MiB + 4 * KiB;
export type OperationParams<O extends OperationName> = Static<(typeof OPERATIONS)[O]['params']>;
export type OperationData<O extends OperationName> = Static<(typeof OPERATIONS)[O]['data']>;

export const requestSchema = <O extends OperationName>(op: O) => RequestEnvelope(OPERATIONS[op].params);
export const responseSchema = <O extends OperationName>(op: O) => ResponseEnvelope(OPERATIONS[op].data);
export type OperationRequest<O extends OperationName> = Static<ReturnType<typeof requestSchema<O>>>;
export type OperationResponse<O extends OperationName> = Static<ReturnType<typeof responseSchema<O>>>;

export const requestTopic = (op: OperationName): string => `${ROOT}/controller/requests/${op}`;
/**
 * A logged-in person's request: their name is in the topic, so any broker can check it (the
 * Mosquitto ACL grants each user their own operations) and the controller records who asked from the
 * topic, never from the payload. `controller/requests/{op}` serves only where logins are off.
 */
export const userRequestTopic = (user: string, op: string): string => `${ROOT}/users/${user}/requests/${op}`;
/** The answer to a logged-in person's request, readable by them alone. */
export const userResponseTopic = (user: string, op: string): string => `${ROOT}/users/${user}/responses/${op}`;
/** Also for an unknown operation (an id-shaped one), so its asker hears why. */
export const responseTopic = (op: OperationName | string): string => `${ROOT}/controller/responses/${op}`;

export const topic = {
  agentState: (agentId: string) => `${ROOT}/agents/${agentId}/state`,
  heartbeat: (agentId: string) => `${ROOT}/agents/${agentId}/heartbeat`,
  deviceHealth: (agentId: string, deviceId: string) => `${ROOT}/agents/${agentId}/devices/${deviceId}/health`,
  command: (agentId: string) => `${ROOT}/agents/${agentId}/commands`,
  commandResult: (agentId: string) => `${ROOT}/agents/${agentId}/results`,
  desiredConfig: (agentId: string) => `${ROOT}/agents/${agentId}/config`,
  appliedConfig: (agentId: string) => `${ROOT}/agents/${agentId}/config/applied`,
  slot: (slotId: string) => `${ROOT}/slots/${slotId}`,
  controllerState: () => `${ROOT}/controller/state`,
  controllerEvents: () => `${ROOT}/controller/events`,
} satisfies Record<TopicName, (...ids: string[]) => string>;

/** Subscriptions the controller needs (MQTT wildcards, [MQTT-4.7.1]). */
export const controllerSubscriptions = {
  agentState: `${ROOT}/agents/+/state`,
  heartbeat: `${ROOT}/agents/+/heartbeat`,
  deviceHealth: `${ROOT}/agents/+/devices/+/health`,
  commandResult: `${ROOT}/agents/+/results`,
  appliedConfig: `${ROOT}/agents/+/config/applied`,
  requests: `${ROOT}/controller/requests/+`,
  userRequests: `${ROOT}/users/+/requests/+`,
  /** Its own state: a broker of a cluster may publish its will late, over the controller that is on. */
  controllerState: `${ROOT}/controller/state`,
} as const;

/**
 * What a standby controller of a pair listens to: the fleet's births, heartbeats and health (its
 * registry stays current from the same messages as the leader's) and the leader's retained slot
 * states and its own state. No requests and no results: the standby answers and decides nothing.
 */
export const standbySubscriptions = {
  agentState: controllerSubscriptions.agentState,
  heartbeat: controllerSubscriptions.heartbeat,
  deviceHealth: controllerSubscriptions.deviceHealth,
  slots: `${ROOT}/slots/#`,
  controllerState: controllerSubscriptions.controllerState,
} as const;

export type ParsedTopic =
  | { name: 'agentState' | 'heartbeat' | 'command' | 'commandResult' | 'desiredConfig' | 'appliedConfig'; agentId: string }
  | { name: 'deviceHealth'; agentId: string; deviceId: string }
  | { name: 'slot'; slotId: string }
  | { name: 'controllerState' | 'controllerEvents' }
  | { name: 'request' | 'response'; op: string; /** a logged-in person's request (users/{user}/requests/{op}) */ user?: string }
  /** An OnAir topic whose ids break the id rule: refused before anything reads, stores or echoes them. */
  | { name: 'invalid'; reason: string };

const ROOT_LEVELS = ROOT.split('/').length;
const ID = new RegExp(ID_PATTERN);
const SLOT_ID = new RegExp(SLOT_ID_PATTERN);
const shown = (id: string): string => JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
const invalidId = (what: string, id: string): ParsedTopic => ({
  name: 'invalid',
  reason: `${what} ${shown(id)} in the topic is not a valid id (letters, digits, _ . : -; at most 64)`,
});

/**
 * Topics seen recently, parsed: the same ~1,000 health topics arrive again and again, and each message
 * is classified twice (the broker's payload bound, then the controller's intake). Bounded: emptied when
 * full, so made-up topics cost memory for a moment, never for good. Results are frozen (shared).
 */
const PARSED_CACHE_MAX = 20_000;
const parsedCache = new Map<string, ParsedTopic | undefined>();

/**
 * O(1) topic classification: a split and a switch, no regex scan over every pattern. Ids in the
 * topic are checked with the same rule as ids in payloads: a topic level is input like any other.
 */
export function parseTopic(mqttTopic: string): ParsedTopic | undefined {
  const cached = parsedCache.get(mqttTopic);
  if (cached !== undefined || parsedCache.has(mqttTopic)) return cached;
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
  const parsed = classifyTopic(mqttTopic);
  parsedCache.set(mqttTopic, parsed && Object.freeze(parsed));
  return parsed;
}

function classifyTopic(mqttTopic: string): ParsedTopic | undefined {
  const levels = mqttTopic.split('/');
  if (levels.length <= ROOT_LEVELS || levels[0] !== 'onair' || levels[1] !== 'v1') return undefined;
  const [kind, a, b, c, d] = levels.slice(ROOT_LEVELS);
  switch (kind) {
    case 'agents': {
      if (a === undefined) return undefined;
      const agentId = a;
      let parsed: ParsedTopic | undefined;
      if (levels.length === ROOT_LEVELS + 3) {
        if (b === 'state') parsed = { name: 'agentState', agentId };
        else if (b === 'heartbeat') parsed = { name: 'heartbeat', agentId };
        else if (b === 'commands') parsed = { name: 'command', agentId };
        else if (b === 'results') parsed = { name: 'commandResult', agentId };
        else if (b === 'config') parsed = { name: 'desiredConfig', agentId };
      } else if (levels.length === ROOT_LEVELS + 4 && b === 'config' && c === 'applied') parsed = { name: 'appliedConfig', agentId };
      else if (levels.length === ROOT_LEVELS + 5 && b === 'devices' && c !== undefined && d === 'health') {
        if (!ID.test(c)) return ID.test(agentId) ? invalidId('device', c) : invalidId('agent', agentId);
        parsed = { name: 'deviceHealth', agentId, deviceId: c };
      }
      if (!parsed) return undefined;
      return ID.test(agentId) ? parsed : invalidId('agent', agentId);
    }
    case 'slots': {
      if (!a) return undefined;
      const slotId = levels.slice(ROOT_LEVELS + 1).join('/');
      return SLOT_ID.test(slotId) ? { name: 'slot', slotId } : invalidId('slot', slotId);
    }
    case 'users':
      if (b !== 'requests' || !c || levels.length !== ROOT_LEVELS + 4) return undefined;
      if (!ID.test(a ?? '')) return invalidId('user', a ?? '');
      return ID.test(c) ? { name: 'request', op: c, user: a! } : invalidId('operation', c);
    case 'controller':
      if (a === 'state' && levels.length === ROOT_LEVELS + 2) return { name: 'controllerState' };
      if (a === 'events' && levels.length === ROOT_LEVELS + 2) return { name: 'controllerEvents' };
      if ((a === 'requests' || a === 'responses') && b && levels.length === ROOT_LEVELS + 3) {
        return ID.test(b) ? { name: a === 'requests' ? 'request' : 'response', op: b } : invalidId('operation', b);
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The largest payload `mqttTopic` may carry, or undefined for a topic outside the contract (the
 * access rules decide those). The broker refuses a larger publish before it is stored or forwarded:
 * the controller drops an oversized message unread, but a retained one would otherwise stay in the
 * broker's memory for good (an enrolled agent publishing 900 KB "health" on made-up devices grew the
 * controller by 1.3 GB).
 */
export function payloadBound(mqttTopic: string): number | undefined {
  const parsed = parseTopic(mqttTopic);
  if (!parsed || parsed.name === 'invalid') return undefined;
  // Requests: the largest any operation takes; the controller answers one too big for its own
  // operation with the reason, which a disconnect would not tell.
  if (parsed.name === 'request') return requestMaxBytes('profile.add');
  if (parsed.name === 'response') return RESPONSE_MAX_BYTES;
  return TOPICS[parsed.name].maxBytes;
}

export function isOperation(op: string): op is OperationName {
  return Object.hasOwn(OPERATIONS, op);
}

/**
 * The answer to a request refused for its rate (controller/requests.ts): the request was not run, so a
 * client asking one request at a time may wait a second and ask again (client/request-client.ts does).
 */
export const tooManyRequests = (user: string): string => `too many requests from ${user}: slow down (a stuck button?)`;
export const isRateRefusal = (error: string | undefined): boolean => !!error && /^too many requests from \S+: slow down/.test(error);
