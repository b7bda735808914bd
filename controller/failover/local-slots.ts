/**
 * The slots an agent can fail over on its own: those whose every member runs on it. The agent gets
 * them in its desired config, each member with the same activate/standby actions the controller
 * would send, so a failover it makes while cut off is the one the controller would have made.
 */
import { refName } from '../../protocols/device-ref.ts';
import type { LocalSlot } from '../../protocols/device-config.ts';
import type { TrackingThresholds } from '../../protocols/failure-detection.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { Show } from '../../protocols/plan-schemas.ts';
import { toleranceOf } from './content-policy.ts';
import type { DeviceRef, Params } from '../../protocols/schemas.ts';

export type RoleOf = (ref: DeviceRef, role: 'activate' | 'standby', slotParams: Params) => { action: string; params: Params };

/** `detection`: the controller's own thresholds, so the agent calls a member failed (and trusted again) when it would. */
/**
 * `shows`: those not over, whose quiet windows the agent's carry-on honours as the controller does
 * (the tolerance of the slots that share a member with this one: the controller tolerates a member's
 * content fault only where every slot it serves does).
 */
export function localSlotsFor(
  agent: string,
  slots: readonly SlotDefinition[],
  roleOf: RoleOf,
  detection: TrackingThresholds,
  shows: readonly Show[] = [],
): LocalSlot[] {
  return slots
    .filter((s) => [s.primary, ...s.backups].every((m) => m.agent === agent))
    .map((s) => ({
      slot: s,
      content: toleranceOf(
        slots.filter((other) => sharesMember(other, s)),
        shows,
      ),
    }))
    .map(({ slot: s, content }) => ({
      id: s.id,
      failAfterProbes: detection.failAfterProbes,
      recoverAfterMs: detection.recoverAfterMs,
      healthDeadlineMs: detection.healthDeadlineMs,
      ...(content ? { content } : {}),
      members: [s.primary, ...s.backups].map((m) => ({
        device: m.device,
        activate: roleOf(m, 'activate', { ...s.params, ...s.memberParams?.[refName(m)] }),
        standby: roleOf(m, 'standby', {}),
      })),
    }));
}

const membersOf = (s: SlotDefinition) => [s.primary, ...s.backups].map(refName);
const sharesMember = (a: SlotDefinition, b: SlotDefinition): boolean => membersOf(a).some((m) => membersOf(b).includes(m));

/** Every agent that fails a slot over alone (a show's quiet windows changed: their tolerance did too). */
export const allAgentsDrivingAlone = (slots: readonly SlotDefinition[]): Set<string> => agentsDrivingAlone(...slots);

/** Agents whose local slots a change to these slot definitions touches. */
export const agentsDrivingAlone = (...slots: Array<SlotDefinition | undefined>): Set<string> =>
  new Set(slots.flatMap((s) => (s && [s.primary, ...s.backups].every((m) => m.agent === s.primary.agent) ? [s.primary.agent] : [])));
