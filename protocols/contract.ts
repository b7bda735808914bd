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
  ControllerEvent,
  ControllerState,
  DeviceHealth,
  EventsData,
  EventsParams,
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
} from './schemas.ts';
import { REGISTRY_OPERATIONS } from './registry-operations.ts';
import { PLAN_OPERATIONS } from './plan-operations.ts';
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
}

const spec = <S extends TSchema>(s: TopicSpec<S>): TopicSpec<S> => s;

export const TOPICS = {
  agentState: spec({
    pattern: 'agents/{agentId}/state',
    schema: AgentState,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description: 'Birth `{online: true, session}` on every connect; the last will `{online: false, session}` is published by the broker when the agent vanishes. A death whose session is older than the current birth is ignored.',
  }),
  heartbeat: spec({
    pattern: 'agents/{agentId}/heartbeat',
    schema: Heartbeat,
    qos: 0,
    retain: false,
    publisher: 'agent',
    description: 'Periodic, so a hung agent whose TCP session stays up is still detected.',
  }),
  deviceHealth: spec({
    pattern: 'agents/{agentId}/devices/{deviceId}/health',
    schema: DeviceHealth,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description: 'Published on every change (status, failing checks, each failed probe) and at a steady interval.',
  }),
  command: spec({
    pattern: 'agents/{agentId}/commands',
    schema: Command,
    qos: 1,
    retain: false,
    publisher: 'controller',
    description: 'An action for one device. Expired commands are answered `expired`; a repeated id gets the earlier result again, never a second execution.',
  }),
  commandResult: spec({
    pattern: 'agents/{agentId}/results',
    schema: CommandResult,
    qos: 1,
    retain: false,
    publisher: 'agent',
    description: '`accepted` as soon as the command is taken, then `succeeded` or `failed`; or directly `rejected` / `expired`.',
  }),
  slot: spec({
    pattern: 'slots/{slotId}',
    schema: SlotState,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description: "A slot's primary, backups, active device and condition.",
  }),
  desiredConfig: spec({
    pattern: 'agents/{agentId}/config',
    schema: DesiredConfig,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description: "The registered devices this agent must run, with their profiles' health rules. Republished on every change and whenever the controller (re)connects. The agent applies it live and answers on config/applied. Secrets are only named (passwordEnv): the agent reads them from its own environment.",
  }),
  appliedConfig: spec({
    pattern: 'agents/{agentId}/config/applied',
    schema: AppliedConfig,
    qos: 1,
    retain: true,
    publisher: 'agent',
    description: 'The desired config version the agent runs, the devices running from it, and the devices it refused with the reason.',
  }),
  controllerState: spec({
    pattern: 'controller/state',
    schema: ControllerState,
    qos: 1,
    retain: true,
    publisher: 'controller',
    description: 'Controller online/offline, with a last will.',
  }),
  controllerEvents: spec({
    pattern: 'controller/events',
    schema: ControllerEvent,
    qos: 0,
    retain: false,
    publisher: 'controller',
    description: 'Live copy of the event log (state changes, commands, failovers, alarms) for dashboards.',
  }),
} as const;

export type TopicName = keyof typeof TOPICS;
export type PayloadOf<N extends TopicName> = Static<(typeof TOPICS)[N]['schema']>;

/** Request/response operations on controller/requests/{op} → controller/responses/{op}. */
export const OPERATIONS = {
  status: { params: StatusParams, data: StatusData, description: 'Fleet picture: agents, devices, slots, on-air flag, counters.' },
  failover: { params: FailoverParams, data: FailoverData, description: 'Manual failover of a slot, to a named device or the first healthy backup.' },
  events: { params: EventsParams, data: EventsData, description: 'Event log entries, oldest first.' },
  'on-air': { params: OnAirParams, data: OnAirData, description: 'Go on air (arms automatic failover) or off air.' },
  ...REGISTRY_OPERATIONS,
  ...PLAN_OPERATIONS,
} as const;

export type OperationName = keyof typeof OPERATIONS;
export type OperationParams<O extends OperationName> = Static<(typeof OPERATIONS)[O]['params']>;
export type OperationData<O extends OperationName> = Static<(typeof OPERATIONS)[O]['data']>;

export const requestSchema = <O extends OperationName>(op: O) => RequestEnvelope(OPERATIONS[op].params);
export const responseSchema = <O extends OperationName>(op: O) => ResponseEnvelope(OPERATIONS[op].data);
export type OperationRequest<O extends OperationName> = Static<ReturnType<typeof requestSchema<O>>>;
export type OperationResponse<O extends OperationName> = Static<ReturnType<typeof responseSchema<O>>>;

export const requestTopic = (op: OperationName): string => `${ROOT}/controller/requests/${op}`;
export const responseTopic = (op: OperationName): string => `${ROOT}/controller/responses/${op}`;

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
} as const;

export type ParsedTopic =
  | { name: 'agentState' | 'heartbeat' | 'command' | 'commandResult' | 'desiredConfig' | 'appliedConfig'; agentId: string }
  | { name: 'deviceHealth'; agentId: string; deviceId: string }
  | { name: 'slot'; slotId: string }
  | { name: 'controllerState' | 'controllerEvents' }
  | { name: 'request' | 'response'; op: string };

const ROOT_LEVELS = ROOT.split('/').length;

/** O(1) topic classification: a split and a switch, no regex scan over every pattern. */
export function parseTopic(mqttTopic: string): ParsedTopic | undefined {
  const levels = mqttTopic.split('/');
  if (levels.length <= ROOT_LEVELS || levels[0] !== 'onair' || levels[1] !== 'v1') return undefined;
  const [kind, a, b, c, d] = levels.slice(ROOT_LEVELS);
  switch (kind) {
    case 'agents': {
      if (!a) return undefined;
      if (levels.length === ROOT_LEVELS + 3) {
        if (b === 'state') return { name: 'agentState', agentId: a };
        if (b === 'heartbeat') return { name: 'heartbeat', agentId: a };
        if (b === 'commands') return { name: 'command', agentId: a };
        if (b === 'results') return { name: 'commandResult', agentId: a };
        if (b === 'config') return { name: 'desiredConfig', agentId: a };
      }
      if (levels.length === ROOT_LEVELS + 4 && b === 'config' && c === 'applied') return { name: 'appliedConfig', agentId: a };
      if (levels.length === ROOT_LEVELS + 5 && b === 'devices' && c && d === 'health') return { name: 'deviceHealth', agentId: a, deviceId: c };
      return undefined;
    }
    case 'slots':
      return a ? { name: 'slot', slotId: levels.slice(ROOT_LEVELS + 1).join('/') } : undefined;
    case 'controller':
      if (a === 'state' && levels.length === ROOT_LEVELS + 2) return { name: 'controllerState' };
      if (a === 'events' && levels.length === ROOT_LEVELS + 2) return { name: 'controllerEvents' };
      if ((a === 'requests' || a === 'responses') && b && levels.length === ROOT_LEVELS + 3) return { name: a === 'requests' ? 'request' : 'response', op: b };
      return undefined;
    default:
      return undefined;
  }
}

export function isOperation(op: string): op is OperationName {
  return Object.hasOwn(OPERATIONS, op);
}
