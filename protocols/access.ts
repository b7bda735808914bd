/**
 * Who may publish and subscribe to what: the one statement of OnAir's access rules, checked by the
 * embedded broker's hooks and written out as a Mosquitto ACL, so both brokers enforce the same
 * contract. Per-client topic rules in the manner of Sparkplug B's host/edge split and AWS IoT
 * policies: an agent speaks only under its own `agents/{id}/`, only the controller commands gear or
 * publishes slots and desired configs, and a person asks the controller only for what their role allows.
 */
import { ROOT, controllerSubscriptions, userRequestTopic, type OperationName } from './contract.ts';

export { userRequestTopic };

export const ROLES = ['viewer', 'technician', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Identity = { kind: 'controller' } | { kind: 'agent'; id: string } | { kind: 'user'; name: string; role: Role };

/** The least role an operation needs; each role has every right of those before it. */
export const OPERATION_ROLE: Readonly<Record<OperationName, Role>> = {
  status: 'viewer',
  events: 'viewer',
  report: 'viewer',
  'profile.list': 'viewer',
  'profile.show': 'viewer',
  'device.list': 'viewer',
  'device.show': 'viewer',
  'slot.list': 'viewer',
  'show.list': 'viewer',
  'test.history': 'viewer',
  'schedule.list': 'viewer',
  'maintenance.due': 'viewer',
  'profile.add': 'technician',
  'device.add': 'technician',
  'device.remove': 'technician',
  'slot.add': 'technician',
  'slot.remove': 'technician',
  'test.run': 'technician',
  'schedule.add': 'technician',
  'schedule.remove': 'technician',
  preshow: 'technician',
  failover: 'engineer',
  'on-air': 'engineer',
  'show.add': 'engineer',
  'show.start': 'engineer',
  'show.stop': 'engineer',
};

export const roleAllows = (role: Role, op: OperationName): boolean => ROLES.indexOf(role) >= ROLES.indexOf(OPERATION_ROLE[op]);

export const userRequestFilter = controllerSubscriptions.userRequests;

const levels = (topic: string): string[] => topic.split('/');
const ROOT_LEVELS = ROOT.split('/').length;

/** Topics an agent publishes, relative to `agents/{id}/` [Sparkplug B: an edge node publishes only its own NBIRTH/NDATA/NDEATH]. */
function agentMayPublish(id: string, rest: string[]): boolean {
  const [agent, a, b, c, d] = rest;
  if (agent !== id) return false;
  if (rest.length === 2) return a === 'state' || a === 'heartbeat' || a === 'results';
  if (rest.length === 3) return a === 'config' && b === 'applied';
  return rest.length === 4 && a === 'devices' && !!b && c === 'health' && d === undefined;
}

/**
 * May `who` publish on `topic`? The controller may publish everything (its broker is in its
 * process; with an external one it is the `controller` identity). `retain` does not widen a right:
 * a retained message an identity may not publish is refused like any other, and so never stored.
 */
export function mayPublish(who: Identity, topic: string): boolean {
  if (who.kind === 'controller') return true;
  const parts = levels(topic);
  if (parts.slice(0, ROOT_LEVELS).join('/') !== ROOT || parts.some((p) => p === '+' || p === '#' || p === '')) return false;
  const [kind, ...rest] = parts.slice(ROOT_LEVELS);
  if (who.kind === 'agent') return kind === 'agents' && agentMayPublish(who.id, rest);
  // A person: requests under their own name, for operations their role allows.
  const [user, requests, op, extra] = rest;
  if (kind !== 'users' || user !== who.name || requests !== 'requests' || !op || extra !== undefined) return false;
  return Object.hasOwn(OPERATION_ROLE, op) && roleAllows(who.role, op as OperationName);
}

/** May `who` subscribe to `filter`? Checked on the filter as written: a wildcard must not reach beyond the right. */
export function maySubscribe(who: Identity, filter: string): boolean {
  if (who.kind === 'controller') return true;
  const parts = levels(filter);
  if (parts.slice(0, ROOT_LEVELS).join('/') !== ROOT) return false;
  const rest = parts.slice(ROOT_LEVELS);
  if (who.kind === 'agent') {
    // Its own commands and desired config, and the controller's liveness (it waits for the controller's birth).
    const own = [`agents/${who.id}/commands`, `agents/${who.id}/config`, 'controller/state'];
    return own.includes(rest.join('/'));
  }
  // People read the fleet picture, events and the answers to requests; never an agent's commands or config.
  const path = rest.join('/');
  if (path === 'controller/state' || path === 'controller/events' || path === 'slots/#') return true;
  if (rest[0] === 'controller' && rest[1] === 'responses' && rest.length === 3 && rest[2] !== '#') return true;
  if (rest[0] === 'slots' && rest.length >= 2 && !rest.includes('#')) return true;
  if (rest[0] === 'agents' && rest.length >= 2) {
    const [, agent, a, b, c] = rest;
    if (agent === '#') return false;
    if (rest.length === 3) return a === 'state' || a === 'heartbeat' || a === 'results';
    if (rest.length === 4) return a === 'config' && b === 'applied';
    return rest.length === 5 && a === 'devices' && c === 'health';
  }
  return false;
}
