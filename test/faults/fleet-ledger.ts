/**
 * Reads the controller's event log the way an engineer would audit a show: which live members really
 * failed (a device.state to failed or offline while it was the slot's live member), which failovers
 * followed, and whether every slot.down had no healthy member left. A member that fails because the
 * machine is loaded is as real a failure as one the test caused: the ledger counts what happened.
 */
import type { ControllerEvent } from '../../protocols/events.ts';

export interface SlotView {
  id: string;
  members: string[];
  /** `agent/device` live at the start. */
  active: string | null;
}

export interface Ledger {
  /** Live members that failed (one per slot until it switches). */
  realFailures: number;
  /** Automatic failovers. */
  failovers: number;
  manualSwitches: number;
  /** Failures of a live member that an engineer's switch ended before the controller's. */
  failuresSwitchedByHand: number;
  /** Automatic failovers whose live member had not failed. */
  withoutFailure: number;
  slotDowns: number;
  /** Failures of a live member that ended with the slot down (no member left to switch to). */
  failuresEndedDown: number;
  /** slot.down while another member was ok or degraded. */
  unexplainedDowns: number;
}

const DOWN = new Set(['failed', 'offline']);

export function ledger(events: ControllerEvent[], fromSeq: number, slots: SlotView[]): Ledger {
  const active = new Map(slots.map((s) => [s.id, s.active]));
  const failing = new Map(slots.map((s) => [s.id, false]));
  const status = new Map<string, string>();
  const out: Ledger = {
    realFailures: 0,
    failovers: 0,
    manualSwitches: 0,
    failuresSwitchedByHand: 0,
    withoutFailure: 0,
    slotDowns: 0,
    failuresEndedDown: 0,
    unexplainedDowns: 0,
  };
  for (const e of events) {
    if (e.seq <= fromSeq) continue;
    if (e.type === 'device.state') {
      const ref = `${e.agent}/${e.device}`;
      const to = String(e.data.to);
      status.set(ref, to);
      if (!DOWN.has(to)) continue;
      for (const s of slots) {
        if (active.get(s.id) !== ref || failing.get(s.id)) continue;
        failing.set(s.id, true);
        out.realFailures += 1;
      }
    } else if (e.type === 'failover.succeeded' && e.slot) {
      if (e.by === 'controller') {
        out.failovers += 1;
        if (!failing.get(e.slot)) out.withoutFailure += 1;
      } else {
        out.manualSwitches += 1;
        if (failing.get(e.slot)) out.failuresSwitchedByHand += 1;
      }
      failing.set(e.slot, false);
      active.set(e.slot, String(e.data.to));
    } else if (e.type === 'slot.down' && e.slot) {
      out.slotDowns += 1;
      const slot = slots.find((s) => s.id === e.slot);
      const healthy = slot?.members.filter((m) => m !== active.get(e.slot!) && !DOWN.has(status.get(m) ?? 'ok'));
      if (healthy && healthy.length > 0) out.unexplainedDowns += 1;
      if (failing.get(e.slot)) out.failuresEndedDown += 1;
      failing.set(e.slot, false);
      active.set(e.slot, null);
    }
  }
  return out;
}
