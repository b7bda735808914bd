/**
 * Who may publish and subscribe to what: the one statement of OnAir's access rules, checked by the
 * embedded broker's hooks and written out as a Mosquitto ACL, so both brokers enforce the same
 * contract. Per-client topic rules in the manner of Sparkplug B's host/edge split and AWS IoT
 * policies: an agent speaks only under its own `agents/{id}/`, only the controller commands gear or
 * publishes slots and desired configs, and a person asks the controller only for what their role allows.
 */
import { ROOT, controllerSubscriptions, userRequestTopic, type OperationName } from './contract.ts';
import { ROLES } from './schemas.ts';

export { userRequestTopic };

export { ROLES };
export type Role = (typeof ROLES)[number];

export type Identity = { kind: 'controller'; name?: string } | { kind: 'agent'; id: string } | { kind: 'user'; name: string; role: Role };

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
  'device.health': 'viewer',
  'profile.add': 'technician',
  'device.add': 'technician',
  'device.remove': 'technician',
  'slot.add': 'technician',
  'slot.remove': 'technician',
  'test.run': 'technician',
  'schedule.add': 'technician',
  'schedule.remove': 'technician',
  preshow: 'technician',
  'alarm.ack': 'technician',
  failover: 'engineer',
  'on-air': 'engineer',
  'show.add': 'engineer',
  'show.start': 'engineer',
  'show.stop': 'engineer',
  'show.quiet': 'engineer',
  'user.list': 'admin',
  'user.add': 'admin',
  'user.remove': 'admin',
  'agent.list': 'admin',
  'agent.enrol': 'admin',
  'agent.revoke': 'admin',
  // Emergency response (issue 23): anyone may read who is on call and what is open; a technician
  // acknowledges and writes notes and runbooks; an engineer runs the rota and closes incidents; an
  // admin names people, studios and where they are reached.
  'person.list': 'viewer',
  'studio.list': 'viewer',
  'contact.list': 'viewer',
  'duty.list': 'viewer',
  'duty.now': 'viewer',
  'alert.list': 'viewer',
  'incident.list': 'viewer',
  'incident.show': 'viewer',
  'incident.report': 'viewer',
  'runbook.list': 'viewer',
  'runbook.show': 'viewer',
  'report.month': 'viewer',
  'alert.ack': 'technician',
  'incident.note': 'technician',
  'runbook.add': 'technician',
  // Ownership (issue 24): the engineer who works on an alert takes it, as in DataMiner.
  'alert.take': 'engineer',
  'alert.release': 'engineer',
  'duty.add': 'engineer',
  'duty.remove': 'engineer',
  'contact.test': 'engineer',
  'incident.resolve': 'engineer',
  'incident.review': 'engineer',
  'person.add': 'admin',
  'person.remove': 'admin',
  'studio.set': 'admin',
  'contact.add': 'admin',
  'contact.remove': 'admin',
  // The wall's layouts (issue 24): anyone reads; an engineer arranges their own wall and a screen's.
  'wall.layout.get': 'viewer',
  'wall.layout.set': 'engineer',
};

export const roleAllows = (role: Role, op: OperationName): boolean => ROLES.indexOf(role) >= ROLES.indexOf(OPERATION_ROLE[op]);

export const userRequestFilter = controllerSubscriptions.userRequests;

/**
 * An identity's rights as MQTT filters under ROOT: what it may publish to, and what it may read. The
 * one statement of the rules: the broker hooks match against it and the Mosquitto ACL is written from it.
 */
export interface TopicRules {
  publish: string[];
  read: string[];
}

/** What people read: the fleet picture, events and answers; never an agent's commands or desired config. */
const PEOPLE_READ = [
  'controller/state',
  'controller/events',
  'slots/#',
  'agents/+/state',
  'agents/+/heartbeat',
  'agents/+/results',
  'agents/+/config/applied',
  'agents/+/devices/+/health',
];

export function topicRules(who: Identity): TopicRules {
  const under = (filters: string[]) => filters.map((f) => `${ROOT}/${f}`);
  switch (who.kind) {
    case 'controller':
      return { publish: under(['#']), read: under(['#']) };
    case 'agent': {
      // [Sparkplug B 3.0 §5.1: an edge node publishes only its own NBIRTH/NDATA/NDEATH]
      const own = `agents/${who.id}`;
      return {
        publish: under([`${own}/state`, `${own}/heartbeat`, `${own}/results`, `${own}/config/applied`, `${own}/devices/+/health`]),
        // Its own commands and desired config, the controller's liveness and term, the slot states
        // (it fails over the slots it drives alone while it cannot reach the controller), and its own
        // state (a broker of a cluster may publish the will of its previous connection late).
        read: under([`${own}/commands`, `${own}/config`, `${own}/state`, 'controller/state', 'slots/#']),
      };
    }
    case 'user':
      return {
        publish: under(
          Object.keys(OPERATION_ROLE)
            .filter((op) => roleAllows(who.role, op as OperationName))
            .map((op) => `users/${who.name}/requests/${op}`),
        ),
        // Answers to their own requests only: an admin's carry credentials.
        read: under([...PEOPLE_READ, `users/${who.name}/responses/+`]),
      };
  }
}

const levels = (topic: string): string[] => topic.split('/');

/** Rules split into levels once per identity object: the broker checks every publish (the hot path). */
const compiledRules = new WeakMap<Identity, { publish: string[][]; read: string[][] }>();
function compiled(who: Identity): { publish: string[][]; read: string[][] } {
  let rules = compiledRules.get(who);
  if (!rules) {
    const { publish, read } = topicRules(who);
    rules = { publish: publish.map(levels), read: read.map(levels) };
    compiledRules.set(who, rules);
  }
  return rules;
}

/** Does `filter` match the concrete topic `topicName` [MQTT-4.7.1]? */
function matches(filter: string[], topicName: string[]): boolean {
  for (let i = 0; i < filter.length; i += 1) {
    if (filter[i] === '#') return true;
    if (i >= topicName.length || (filter[i] !== '+' && filter[i] !== topicName[i])) return false;
  }
  return filter.length === topicName.length;
}

/** Is every topic `wanted` could match also matched by `rule`? (A wildcard must not reach beyond the right.) */
function covers(rule: string[], wanted: string[]): boolean {
  for (let i = 0; i < rule.length; i += 1) {
    if (rule[i] === '#') return true;
    const w = wanted[i];
    if (w === undefined || w === '#' || (rule[i] !== '+' && (w === '+' || w !== rule[i]))) return false;
  }
  return rule.length === wanted.length;
}

/**
 * May `who` publish on `topic`? The controller may publish everything (its broker is in its process;
 * with an external one it is a `controller/` login). `retain` does not widen a right: a retained
 * message an identity may not publish is refused like any other, and so never stored.
 */
export function mayPublish(who: Identity, topic: string): boolean {
  const parts = levels(topic);
  if (parts.some((p) => p === '+' || p === '#' || p === '')) return false; // [MQTT-3.3.2-2]; no empty ids either
  return compiled(who).publish.some((rule) => matches(rule, parts));
}

/** May `who` subscribe to `filter`? Checked on the filter as written. */
export function maySubscribe(who: Identity, filter: string): boolean {
  const wanted = levels(filter);
  return compiled(who).read.some((rule) => covers(rule, wanted));
}

/**
 * A login name as the broker receives it: `agent/<id>`, `controller/<name>` (a controller seat's
 * standby session: `controller/<name>/standby`, so it never shares a Mosquitto client id with its
 * leader session, see clientIdFor), or a person's or tool's bare name.
 */
export type LoginKind = 'agent' | 'controller' | 'user';
export const STANDBY_LOGIN_SUFFIX = '/standby';
export function parseLoginName(username: string): { kind: LoginKind; name: string } {
  if (username.startsWith('agent/')) return { kind: 'agent', name: username.slice('agent/'.length) };
  if (username.startsWith('controller/')) {
    const rest = username.slice('controller/'.length);
    return { kind: 'controller', name: rest.endsWith(STANDBY_LOGIN_SUFFIX) ? rest.slice(0, -STANDBY_LOGIN_SUFFIX.length) : rest };
  }
  return { kind: 'user', name: username };
}

/**
 * Client ids [MQTT-3.1.3] are bound to identities, so that no login can take another's session
 * (a broker closes the older client of an id and publishes its will [MQTT-3.1.4-2]):
 * - agent `<id>`: `onair-agent-<id>` (the agent's own connection), or `onair-agent-<id>:<anything>`;
 * - person or tool `<name>`: `onair-user-<name>`, or `onair-user-<name>:<anything>` for more than one
 *   connection (the CLI's is `onair-user-<name>:cli-<random>`);
 *   the id must equal the base or continue with a colon, and login names hold no colon, so `agent-b`
 *   never owns `onair-agent-agent-b2`, nor `agent-b2` `onair-agent-agent-b`;
 * - a controller login: `onair-controller` (the leader's session) or `onair-controller:<anything>`
 *   (a seat's standby session). Controllers of a pair share these: they have every right anyway.
 * Anonymous clients (only where allowed) are handled by the broker (controller/broker/broker-access.ts).
 */
export const CLIENT_ID_BASE = { agent: 'onair-agent-', user: 'onair-user-', controller: 'onair-controller' } as const;

function clientIdBase(who: Identity): string {
  return who.kind === 'agent'
    ? `${CLIENT_ID_BASE.agent}${who.id}`
    : who.kind === 'user'
      ? `${CLIENT_ID_BASE.user}${who.name}`
      : CLIENT_ID_BASE.controller;
}

export function mayUseClientId(who: Identity, clientId: string): boolean {
  const base = clientIdBase(who);
  return clientId === base || clientId.startsWith(`${base}:`);
}

/** The client id a process logged in as `username` uses besides an agent's own connection (`suffix` tells them apart). */
export function clientIdFor(username: string | undefined, suffix: string): string {
  if (username === undefined || username === '') return `onair-${suffix}`;
  const { kind, name } = parseLoginName(username);
  return `${kind === 'controller' ? CLIENT_ID_BASE.controller : `${CLIENT_ID_BASE[kind]}${name}`}:${suffix}`;
}

/** Whose is a client id, for the log of a refused takeover ("nobody's" for an id outside OnAir's namespaces). */
export function clientIdOwner(clientId: string): string {
  if (clientId === CLIENT_ID_BASE.controller || clientId.startsWith(`${CLIENT_ID_BASE.controller}:`)) return 'controller';
  if (clientId.startsWith(CLIENT_ID_BASE.agent)) return `agent ${clientId.slice(CLIENT_ID_BASE.agent.length).split(':')[0]}`;
  if (clientId.startsWith(CLIENT_ID_BASE.user)) return `user ${clientId.slice(CLIENT_ID_BASE.user.length).split(':')[0]}`;
  return 'nobody';
}

/** The username a controller seat's standby session logs in with: `controller/<name>/standby` for an OnAir controller login (same credential), else the seat's own. */
export const standbyUsername = (username: string | undefined): string | undefined =>
  username?.startsWith('controller/') && !username.endsWith(STANDBY_LOGIN_SUFFIX) ? `${username}${STANDBY_LOGIN_SUFFIX}` : username;
