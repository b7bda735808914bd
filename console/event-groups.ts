/**
 * Correlated rows (pure, unit-tested): events that share a cause fold under one parent row.
 * - An agent lost (agent.offline): its devices going offline or failing, the failovers away from
 *   them, the slots whose live member it had leaving OK, and what those slots did next (slot.down,
 *   its alarm, slot.state, the program cut), within `windowMs` of the loss, until the agent is heard again.
 * - A failover (failover.started): its succeeded/failed, the slot's slot.down, alarm, state changes
 *   and program cut within the window.
 * Anything else is a row of its own. Events are given oldest first; groups come out in the order of
 * their parents.
 */
import type { ControllerEvent } from '../protocols/events.ts';

export interface EventGroup {
  parent: ControllerEvent;
  /** Oldest first. */
  children: ControllerEvent[];
}

/** One minute: an agent's devices and their failovers follow its loss within seconds. */
export const CORRELATION_WINDOW_MS = 60_000;

/** What a failover's slot does next, folded under the failover (or the loss that caused it). */
const SLOT_AFTERMATH = new Set<ControllerEvent['type']>([
  'failover.succeeded',
  'failover.failed',
  'slot.down',
  'slot.state',
  'alarm',
  'program.cut',
]);
const FAILOVER = new Set<ControllerEvent['type']>(['failover.started', 'failover.succeeded', 'failover.failed']);

const agentOfMember = (member: string): string | undefined => (member.includes('/') ? member.slice(0, member.indexOf('/')) : undefined);
const isDeviceDown = (e: ControllerEvent): boolean => e.type === 'device.state' && (e.data.to === 'offline' || e.data.to === 'failed');

/** The agent whose loss could be this event's cause. */
function lostAgentOf(e: ControllerEvent): string | undefined {
  if (isDeviceDown(e)) return e.agent;
  if (e.type === 'failover.started' || e.type === 'failover.succeeded' || e.type === 'failover.failed') return agentOfMember(e.data.from);
  // A slot whose live member was on the lost agent, no longer OK: what its slot does next follows.
  if (e.type === 'slot.state' && e.data.to !== 'ok') return agentOfMember(e.data.active);
  return undefined;
}

export function groupEvents(events: readonly ControllerEvent[], windowMs = CORRELATION_WINDOW_MS): EventGroup[] {
  const groups: EventGroup[] = [];
  const byAgent = new Map<string, EventGroup>();
  const bySlot = new Map<string, EventGroup>();
  // Logged after the parent, and timed within the window of it either way: a device's change carries
  // the time the detector saw it, which can be a millisecond before its agent's loss was recorded.
  const open = (g: EventGroup | undefined, e: ControllerEvent): EventGroup | undefined =>
    g && Math.abs(e.ts - g.parent.ts) <= windowMs ? g : undefined;
  for (const e of events) {
    if (e.type === 'agent.online' && e.agent) byAgent.delete(e.agent);
    const agent = lostAgentOf(e);
    const home =
      (agent !== undefined ? open(byAgent.get(agent), e) : undefined) ??
      (e.slot !== undefined && SLOT_AFTERMATH.has(e.type) ? open(bySlot.get(e.slot), e) : undefined);
    if (home) {
      home.children.push(e);
      // A failover or a slot's fall caused by the loss: what its slot does next belongs to the loss too.
      if (e.slot !== undefined && (FAILOVER.has(e.type) || e.type === 'slot.state')) bySlot.set(e.slot, home);
      continue;
    }
    const group: EventGroup = { parent: e, children: [] };
    groups.push(group);
    if (e.type === 'agent.offline' && e.agent) byAgent.set(e.agent, group);
    if (e.type === 'failover.started' && e.slot !== undefined) bySlot.set(e.slot, group);
  }
  return groups;
}

/** Every event of a group, parent first. */
export const eventsOfGroup = (g: EventGroup): ControllerEvent[] => [g.parent, ...g.children];
