/** A slot's published state: pure, from its definition, its live member and the members' status. */
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { DeviceRef, DeviceStatus, SlotCondition, SlotState } from '../../protocols/schemas.ts';
import { sameRef } from '../../protocols/device-ref.ts';

/** A slot's condition from its live member's status (null: no live member). */
export const conditionOf = (s: DeviceStatus | null): SlotCondition => (s === 'ok' || s === 'degraded' || s === 'unknown' ? s : 'down');

/** `awaiting`: nothing live, but a member's agent is not heard yet and not known lost: unknown, not down (why). */
export function slotState(o: {
  def: SlotDefinition;
  active: DeviceRef | null;
  deciding: boolean;
  reason?: string;
  awaiting?: string;
  onAir: boolean;
  status: (ref: DeviceRef) => DeviceStatus;
  at: number;
}): SlotState {
  const reason = o.awaiting ?? o.reason;
  const { def } = o;
  const primaryStatus = o.status(def.primary);
  return {
    slot: def.id,
    ...(def.label ? { label: def.label } : {}),
    state: o.deciding ? 'failing_over' : o.awaiting ? 'unknown' : conditionOf(o.active && o.status(o.active)),
    active: o.active,
    primary: def.primary,
    backups: def.backups,
    members: [
      { ...def.primary, status: primaryStatus, role: 'primary' as const },
      ...def.backups.map((b) => ({ ...b, status: o.status(b), role: 'backup' as const })),
    ],
    params: def.params,
    onAir: o.onAir,
    primaryAvailable: !sameRef(o.active, def.primary) && primaryStatus === 'ok',
    ...(reason ? { reason } : {}),
    ts: o.at,
  };
}
