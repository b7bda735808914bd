/**
 * The controller's decider. The failover rule (protocols/failover-rule.ts) decides when a live member
 * is down and which member goes live; both deciders use it: this engine and an agent carrying on alone
 * (agent/carry-on.ts). One decision per slot at a time: failure reports arriving while a slot decides
 * are folded into that decision; a manual request racing it is refused with a reason, not a 2nd switch.
 *
 * It decides only on what it can see: nothing while the controller is cut off from the broker; only
 * backups whose agent has been heard since the last (re)connect; and no "slot down" while agents may
 * still be coming back (the grace after a restart or reconnect) — the decision waits for the grace — nor
 * while a member's agent is unheard since and not declared lost either: such a slot is unknown, not down.
 */
import type { DeviceRef, DeviceStatus, FailoverData, LocalDecision, SlotState } from '../../protocols/schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import { canGoLive, isDown, rankCandidates } from '../../protocols/failover-rule.ts';
import { slotState } from './slot-state.ts';
import { TallyLamps } from './tally-lamps.ts';
import { FailoverRefused, resolveMember } from './slot-members.ts';
import { adoptLive, runDecision, type DecisionContext } from './decision.ts';
import type { SlotRuntime } from './slot-runtime.ts';
import { refName, sameRef } from '../../protocols/device-ref.ts';
import type { FailoverDependencies } from './failover-dependencies.ts';
import type { OnAirPart } from '../../protocols/event-severity.ts';

export type { SlotDefinition } from '../../protocols/registry-operations.ts';
export type { FailoverDependencies, FailoverEvent } from './failover-dependencies.ts';
export { FailoverRefused } from './slot-members.ts';

export class FailoverEngine {
  private readonly slots = new Map<string, SlotRuntime>();
  private readonly slotsByDevice = new Map<string, SlotRuntime[]>();
  /** The engineer's override: every slot on air. */
  private allOnAir = false;
  /** Slots of the shows on air: only these are armed otherwise. */
  private slotsOnAir: ReadonlySet<string> = new Set();
  private readonly lamps: TallyLamps;
  /** The controller is stopping: no new decision starts, and one in flight ends without a verdict. */
  private halted = false;
  private readonly running = new Set<Promise<unknown>>();
  /** Local decisions already handled (agent/id). */
  private readonly adopted = new Set<string>();
  /** The engine's own steps, for a decision that runs (failover/decision.ts). */
  private readonly decision: DecisionContext;

  constructor(
    private readonly d: FailoverDependencies,
    definitions: SlotDefinition[],
    restoredActive: ReadonlyMap<string, DeviceRef | null> = new Map(),
  ) {
    this.lamps = new TallyLamps({ tally: d.tally, onProgram: (def, member) => d.program?.showsOnProgram(def, member) });
    this.decision = {
      d: this.d,
      halted: () => this.halted,
      armed: (slot) => this.armed(slot),
      publish: (slot, force, at) => this.publish(slot, force, at),
      reconcileProgram: (slot) => this.reconcileProgram(slot),
      syncLamps: (slot, by) => this.syncLamps(slot, by),
      markDown: (slot, reason, by) => this.markDown(slot, reason, by),
      reactToActive: (slot) => this.reactToActive(slot),
    };
    for (const def of definitions) this.install(def, restoredActive.get(def.id));
  }

  /** Stops deciding; resolves when the decisions in flight have ended (their commands are cancelled by the caller). */
  async halt(): Promise<void> {
    this.halted = true;
    await Promise.allSettled([...this.running]);
  }

  /** Everything armed is looked at again: the grace after a (re)connect is over, or the link is back. */
  reevaluate(): void {
    for (const slot of this.slots.values()) {
      this.publish(slot);
      if (this.armed(slot)) this.reactToActive(slot);
      this.reconcileProgram(slot);
    }
  }

  /** On air and seeing the fleet: the program must not show a member that failed (see ProgramPath.reconcile). */
  private reconcileProgram(slot: SlotRuntime): void {
    if (this.d.fleet() === 'settled' && this.armed(slot) && slot.active && !slot.deciding && slot.def.program?.length)
      this.d.program?.reconcile(slot.def, slot.active, (m) => isDown(this.d.status(m)));
  }

  /**
   * An agent failed a slot it drives alone over on its own while it could not reach us: the gear already
   * switched, so its decision stands and is recorded once, with no command and no second decision.
   */
  adoptLocal(agent: string, d: LocalDecision): string {
    // Repeated on every heartbeat until the agent sees the slot state: adopted once, never again (a later failover stands).
    if (this.adopted.has(`${agent}/${d.id}`)) return 'seen';
    if (this.adopted.size >= 1_000) this.adopted.clear();
    this.adopted.add(`${agent}/${d.id}`);
    const slot = this.slots.get(d.slot);
    const to = slot && [slot.def.primary, ...slot.def.backups].find((m) => m.agent === agent && m.device === d.to);
    if (!slot || !to) return `${agent}/${d.to} is not a member of a slot ${d.slot}`;
    if (sameRef(slot.active, to)) return 'already live';
    if (slot.deciding) return 'not adopted: the controller is failing this slot over itself';
    adoptLive(
      this.decision,
      slot,
      to,
      `${agent} (on its own)`,
      `${d.reason}; failed over by the agent while it could not reach the controller`,
    );
    return 'adopted';
  }

  /**
   * At takeover: the last leader's slot states, as a hot standby kept them. One names a new live member
   * only once it confirmed `activate` and was saved; one the database lacks was committed too late (the
   * leader died or lost PostgreSQL). The gear switched, so it stands: recorded once, no command.
   */
  adoptPublished(states: readonly SlotState[], lastTerm: number, by: string): number {
    let adopted = 0;
    for (const state of states) {
      const slot = this.slots.get(state.slot);
      const to = slot && state.active && [slot.def.primary, ...slot.def.backups].find((m) => sameRef(m, state.active));
      if (!slot || !to || state.term !== lastTerm || sameRef(slot.active, to) || slot.deciding) continue;
      adoptLive(this.decision, slot, to, by, `${by} put it live (its slot state says so) but the decision never reached the database`);
      adopted += 1;
    }
    return adopted;
  }

  /** An agent was heard live again: its lamps are told again, and a slot with nothing live may have a member now. */
  onAgentReachable(agent: string): void {
    this.lamps.resend(
      agent,
      [...this.slots.values()].map((s) => s.def),
    );
    for (const slot of this.slots.values()) {
      if ([slot.def.primary, ...slot.def.backups].some((m) => m.agent === agent)) this.reactToActive(slot);
    }
  }

  /** A switcher's program changed (a director's take, or ours): the lamps of slots it airs follow. */
  onProgramChanged(known: boolean): void {
    for (const slot of this.slots.values()) {
      if (slot.def.program?.length && slot.def.tallies.length) this.syncLamps(slot, 'switcher');
      if (known) this.reconcileProgram(slot);
    }
  }

  /** Throws when a slot cannot be changed now: while it is failing over. */
  assertDefinable(id: string): void {
    if (this.slots.get(id)?.deciding) throw new FailoverRefused(`slot ${id} is failing over; change it when that has finished`);
  }

  /** Defines or redefines a slot at run time. The active device stays if it is still a member. */
  defineSlot(def: SlotDefinition): void {
    this.assertDefinable(def.id);
    const existing = this.slots.get(def.id);
    if (existing) this.uninstall(existing, def);
    const slot = this.install(def, existing ? existing.active : undefined);
    if (existing?.lastCondition) slot.lastCondition = existing.lastCondition;
    this.publish(slot, true);
    this.syncLamps(slot, 'controller');
    if (this.armed(slot)) this.reactToActive(slot);
  }

  removeSlot(id: string): boolean {
    const slot = this.slots.get(id);
    if (!slot) return false;
    this.assertDefinable(id);
    this.uninstall(slot);
    this.slots.delete(id);
    this.d.unpublish(id);
    return true;
  }

  /** A slot's definition as it runs now, and its live member. */
  definition(id: string): SlotDefinition | undefined {
    return this.slots.get(id)?.def;
  }
  liveOf(id: string): DeviceRef | null {
    return this.slots.get(id)?.active ?? null;
  }

  /** Slots a device is a member of (primary or backup). */
  slotsOf(ref: DeviceRef): string[] {
    return (this.slotsByDevice.get(refName(ref)) ?? []).map((s) => s.def.id);
  }

  /** Is this device live in a slot right now (on air and the active member)? */
  isLive(ref: DeviceRef): boolean {
    return (this.slotsByDevice.get(refName(ref)) ?? []).some((s) => this.armed(s) && sameRef(s.active, ref));
  }

  /** The device's part in the slots on air now: live (what viewers see), backup, or off (in none on air). */
  onAirPart(ref: DeviceRef): OnAirPart {
    const onAir = (this.slotsByDevice.get(refName(ref)) ?? []).filter((s) => this.armed(s));
    if (onAir.some((s) => sameRef(s.active, ref))) return 'live';
    return onAir.length > 0 ? 'backup' : 'off';
  }

  private install(def: SlotDefinition, previous: DeviceRef | null | undefined): SlotRuntime {
    const members = [def.primary, ...def.backups];
    const active = previous && members.some((m) => sameRef(m, previous)) ? previous : previous === null ? null : def.primary;
    const slot: SlotRuntime = { def, active, deciding: false };
    this.slots.set(def.id, slot);
    for (const m of members) {
      const key = refName(m);
      this.slotsByDevice.set(key, [...(this.slotsByDevice.get(key) ?? []), slot]);
    }
    return slot;
  }

  /** Takes a slot out of the device index and switches off lamps the new definition (if any) no longer has. */
  private uninstall(slot: SlotRuntime, replacement?: SlotDefinition): void {
    for (const m of [slot.def.primary, ...slot.def.backups]) {
      const key = refName(m);
      const rest = (this.slotsByDevice.get(key) ?? []).filter((s) => s !== slot);
      if (rest.length > 0) this.slotsByDevice.set(key, rest);
      else this.slotsByDevice.delete(key);
    }
    this.lamps.release(slot.def, replacement);
  }

  /** Is anything on air (the override, or a show's slot)? */
  isOnAir(): boolean {
    return this.allOnAir || [...this.slotsOnAir].some((id) => this.slots.has(id));
  }

  /**
   * What is on air: everything (the engineer's override), or the slots of the shows on air. Only
   * a slot on air fails over by itself and lights its tally lamps.
   */
  setOnAir(all: boolean, slots: ReadonlySet<string> = this.slotsOnAir): void {
    this.allOnAir = all;
    this.slotsOnAir = new Set(slots);
    for (const slot of this.slots.values()) {
      this.publish(slot);
      this.syncLamps(slot, 'controller');
      if (this.armed(slot)) this.reactToActive(slot);
    }
  }

  /** Is this slot on air (armed for automatic failover)? */
  isSlotOnAir(id: string): boolean {
    const slot = this.slots.get(id);
    return !!slot && this.armed(slot);
  }

  private armed(slot: SlotRuntime): boolean {
    return this.allOnAir || this.slotsOnAir.has(slot.def.id);
  }

  states(): SlotState[] {
    const now = this.d.clock.now();
    return [...this.slots.values()].map((s) => slotState({ ...s, onAir: this.armed(s), status: this.d.status, at: now }));
  }

  publishAll(): void {
    for (const slot of this.slots.values()) this.publish(slot, true);
  }

  /** Call on every device status transition. */
  onDeviceStatus(ref: DeviceRef, to: DeviceStatus): void {
    for (const slot of this.slotsByDevice.get(refName(ref)) ?? []) {
      this.publish(slot);
      if (sameRef(slot.active, ref)) {
        if (isDown(to)) this.reactToActive(slot);
      } else if (this.nothingLive(slot) && (canGoLive(to) || isDown(to))) {
        // Nothing live: a member it could go live on now (degraded included: some gear is degraded as its
        // normal state), or one more member known down (a slot waiting on an unheard agent may be down now).
        this.reactToActive(slot);
      }
    }
  }

  /** Manual failover (CLI, MQTT request). Resolves when the new device confirmed `activate`. */
  async requestFailover(slotId: string, to: string | undefined, reason: string, by: string): Promise<FailoverData> {
    const slot = this.slots.get(slotId);
    if (!slot) throw new FailoverRefused(`no slot "${slotId}"; slots: ${[...this.slots.keys()].join(', ') || 'none'}`);
    if (this.halted) throw new FailoverRefused('the controller is stopping');
    if (this.d.fleet() === 'blind')
      throw new FailoverRefused('the controller cannot reach the broker, so no command can reach an agent; try again when it is back');
    if (slot.deciding) throw new FailoverRefused(`slot ${slotId} is already failing over; try again when it has finished`);
    let candidates: DeviceRef[];
    if (to) {
      const target = resolveMember(slot.def, to);
      if (sameRef(target, slot.active)) throw new FailoverRefused(`${refName(target)} is already active in ${slotId}`);
      if (!this.d.reachable(target))
        throw new FailoverRefused(
          `agent ${target.agent} has not been heard since the controller (re)connected; a command could not reach ${refName(target)} yet`,
        );
      candidates = [target];
    } else {
      candidates = this.candidates(slot);
      if (candidates.length === 0) throw new FailoverRefused(`slot ${slotId} has no healthy device to switch to`);
    }
    const outcome = await this.decide(slot, candidates, reason, by);
    if (!outcome) throw new FailoverRefused(`failover of ${slotId} failed: ${slot.reason ?? 'no device confirmed activate'}`);
    return outcome;
  }

  private reactToActive(slot: SlotRuntime): void {
    if (!this.armed(slot)) return this.await(slot, undefined);
    if (slot.deciding || this.halted) return; // a running decision re-checks when it ends
    const fleet = this.d.fleet();
    if (fleet === 'blind') return; // cut off from the broker: nothing to decide on, and no way to act
    const activeStatus = slot.active ? this.d.status(slot.active) : 'offline';
    if (slot.active && !isDown(activeStatus)) return this.await(slot, undefined);
    const candidates = this.candidates(slot);
    const reason = slot.active ? `${refName(slot.active)} is ${activeStatus}` : 'slot is down';
    if (candidates.length === 0) {
      if (fleet === 'settling') return this.await(slot, `${reason}; agents are still re-announcing after the controller (re)connected`); // decided once the grace is over
      const unheard = this.unheard(slot);
      if (unheard.length > 0)
        return this.await(
          slot,
          `${reason}; waiting for ${unheard.map(refName).join(', ')}: not heard since the controller (re)connected, not known down either`,
        );
      slot.awaiting = undefined;
      if (slot.active !== null || slot.reason === undefined) this.markDown(slot, `${reason} and no backup is healthy`, 'controller');
      return;
    }
    slot.awaiting = undefined;
    void this.decide(slot, candidates, reason, 'controller');
  }

  private await(slot: SlotRuntime, why: string | undefined): void {
    if (slot.awaiting === why) return;
    slot.awaiting = why;
    this.publish(slot);
  }

  /** No member on air: the slot is down, or its live member failed and nothing has taken over yet. */
  private nothingLive(slot: SlotRuntime): boolean {
    return slot.active === null || isDown(this.d.status(slot.active));
  }

  /** Members other than the active one that a command can reach and that can go live (protocols/failover-rule.ts). */
  private candidates(slot: SlotRuntime): DeviceRef[] {
    return rankCandidates([slot.def.primary, ...slot.def.backups], this.d.status, {
      exclude: (m) => sameRef(m, slot.active) || !this.d.reachable(m),
    });
  }

  /** Members whose agent has not been heard since the (re)connect and that are not known down: their state is unknown. */
  private unheard(slot: SlotRuntime): DeviceRef[] {
    return [slot.def.primary, ...slot.def.backups].filter(
      (m) => !sameRef(m, slot.active) && !this.d.reachable(m) && !isDown(this.d.status(m)),
    );
  }

  private decide(slot: SlotRuntime, candidates: DeviceRef[], reason: string, by: string): Promise<FailoverData | undefined> {
    const decision = this.decideNow(slot, candidates, reason, by);
    this.running.add(decision);
    const done = (): void => void this.running.delete(decision);
    decision.then(done, done);
    return decision;
  }

  private decideNow(slot: SlotRuntime, candidates: DeviceRef[], reason: string, by: string): Promise<FailoverData | undefined> {
    return runDecision(this.decision, slot, candidates, reason, by);
  }

  private markDown(slot: SlotRuntime, reason: string, by: string): void {
    slot.active = null;
    slot.reason = reason;
    this.d.saveActive(slot.def.id, null);
    const at = this.d.clock.now();
    this.d.record({ type: 'slot.down', slot: slot.def.id, by, reason, data: { onAir: this.armed(slot) }, ts: at });
    this.d.record({
      type: 'alarm',
      slot: slot.def.id,
      by,
      reason: `slot ${slot.def.id} is DOWN: ${reason}`,
      data: { severity: 'critical' },
      ts: at,
    });
    this.d.log.error({ slot: slot.def.id, reason }, 'slot is down: nothing healthy to put on air');
    this.publish(slot);
    this.syncLamps(slot, by);
  }

  /** Tally = on program: while on air, what the switcher shows (when known), else the live member. */
  private syncLamps(slot: SlotRuntime, by: string): void {
    this.lamps.sync(slot.def, this.armed(slot), slot.active, by);
  }

  /** Publishes only when something other than the timestamp changed. */
  private publish(slot: SlotRuntime, force = false, at = this.d.clock.now()): void {
    const state = slotState({ ...slot, onAir: this.armed(slot), status: this.d.status, at });
    if (state.state !== slot.lastCondition) {
      this.d.record({
        type: 'slot.state',
        slot: slot.def.id,
        ...(slot.reason ? { reason: slot.reason } : {}),
        data: { from: slot.lastCondition ?? 'none', to: state.state, active: refName(slot.active) },
        ts: at,
      });
      slot.lastCondition = state.state;
    }
    const key = JSON.stringify({ ...state, ts: 0 });
    if (!force && key === slot.lastPublished) return;
    slot.lastPublished = key;
    this.d.publish(state);
  }
}
