/** A slot as the failover engine holds it at run time: its definition, its live member and what was last said of it. */
import type { DeviceRef, SlotCondition } from '../../protocols/schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';

export interface SlotRuntime {
  def: SlotDefinition;
  active: DeviceRef | null;
  deciding: boolean;
  reason?: string;
  lastPublished?: string;
  /** The condition last published: a change is an event, so reports can tell how long a slot was down. */
  lastCondition?: SlotCondition;
  /**
   * Nothing live and nothing to take, but a member's agent has not been heard since we (re)connected
   * and was not declared lost either: the slot is unknown, not down (why, in words), until that agent
   * re-announces (then it is decided on) or is declared lost (then the slot is down).
   */
  awaiting?: string;
}
