/**
 * An agent that loses the controller (or the broker) during a show keeps the show on air for the
 * slots it drives alone — those whose every member runs on it (controller/failover/local-slots.ts). With the
 * controller's own rules: it acts after the same number of failed probes in a row, takes the member
 * the controller would (protocols/failover-rule.ts: ok before degraded, slot order), goes back to a
 * member that failed while alone only when no other can go live, looks again the moment a member of a
 * slot nothing could take over can go live (degraded included), makes one decision per failure. What it did is kept (across restarts) and carried by the agent's birth and
 * every heartbeat — the message that tells the controller the agent is back — so the controller adopts
 * it before it could act on the failed health behind it; it is dropped once the controller's slot
 * state shows it.
 *
 * Pure logic with an injected clock: the agent feeds it links, slot states and health, and gives it
 * a way to run an action on a device.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import type { LocalSlot } from '../protocols/device-config.ts';
import type { DeviceStatus, LocalDecision, Params, SlotState } from '../protocols/schemas.ts';
import { candidatesOf, canGoLive, isDown } from '../protocols/failover-rule.ts';

export interface CarryOnDependencies {
  agentId: string;
  clock: Clock;
  log: Logger;
  /** How long without the controller before the agent acts alone (longer than a standby's takeover). */
  aloneAfterMs: number;
  /** Runs an action on one of this agent's devices; throws when it did not succeed. */
  execute: (device: string, action: string, params: Params) => Promise<unknown>;
  /** The decisions the controller has not adopted yet: kept by the agent and carried by its birth and heartbeats. */
  onDecisions: (decisions: readonly LocalDecision[]) => void;
  /** Decisions kept from before a restart. */
  kept?: readonly LocalDecision[];
}


export class CarryOn {
  private slots: LocalSlot[] = [];
  /** Per local slot: its live member (a device of ours) and whether it is on air, as last known. */
  private readonly view = new Map<string, { active: string | null; onAir: boolean }>();
  private readonly health = new Map<string, { status: DeviceStatus; downInRow: number }>();
  private linkUp = false;
  private controllerOnline = false;
  private cutOffSince: number | undefined;
  /** Members that failed while we were alone: never switched back to (the controller's rule). */
  private readonly failedAlone = new Map<string, Set<string>>();
  private readonly busy = new Set<string>();
  /** A slot no member could take over: tried again after this time, not at every probe. */
  private readonly retryAt = new Map<string, number>();
  private decisions: LocalDecision[];

  constructor(private readonly d: CarryOnDependencies) {
    this.decisions = [...(d.kept ?? [])];
    this.cutOffSince = d.clock.now(); // until the controller is heard, nobody else is known to watch
    for (const x of this.decisions) this.view.set(x.slot, { active: x.to, onAir: true });
  }

  /** The slots of the current desired config that this agent drives alone. */
  setSlots(slots: readonly LocalSlot[]): void {
    this.slots = [...slots];
  }

  slotIds(): string[] {
    return this.slots.map((s) => s.id);
  }

  pending(): readonly LocalDecision[] {
    return this.decisions;
  }

  /** Our broker connection. */
  onLink(up: boolean): void {
    this.linkUp = up;
    this.updateReach();
  }

  /** The controller's retained state: online or gone (its will). */
  onControllerState(online: boolean): void {
    this.controllerOnline = online;
    this.updateReach();
  }

  onSlotState(state: SlotState): void {
    const slot = this.slots.find((s) => s.id === state.slot);
    if (!slot) return;
    const active = state.active?.agent === this.d.agentId ? state.active.device : null;
    const open = this.decisions.filter((x) => x.slot === state.slot);
    // The controller shows our decision: adopted, the report can go.
    if (open.length > 0 && open.some((x) => x.to === active)) this.setDecisions(this.decisions.filter((x) => x.slot !== state.slot));
    // Until it does, what we switched to stays our view (a retained state from before is older than our decision).
    if (open.length > 0 && !open.some((x) => x.to === active)) return;
    this.view.set(state.slot, { active, onAir: state.onAir });
  }

  onHealth(device: string, status: DeviceStatus): void {
    const before = this.health.get(device);
    this.health.set(device, { status, downInRow: isDown(status) ? (before?.downInRow ?? 0) + 1 : 0 });
    // A slot no member could take over looks again as soon as one could go live (degraded included), not in 5 s.
    if (canGoLive(status) && !canGoLive(before?.status)) for (const slot of this.slots) if (slot.members.some((m) => m.device === device)) this.retryAt.delete(slot.id);
    this.evaluate();
  }

  /** Called on the agent's timer: the moment the controller has been gone long enough, act on what already failed. */
  tick(): void {
    this.evaluate();
  }

  alone(): boolean {
    return this.cutOffSince !== undefined && this.d.clock.now() - this.cutOffSince >= this.d.aloneAfterMs;
  }

  private updateReach(): void {
    const inReach = this.linkUp && this.controllerOnline;
    if (inReach) {
      if (this.cutOffSince !== undefined && this.alone()) this.d.log.info({ agent: this.d.agentId, decisions: this.decisions.length }, 'the controller is back: it decides again');
      this.cutOffSince = undefined;
      this.failedAlone.clear();
    } else this.cutOffSince ??= this.d.clock.now();
  }

  private evaluate(): void {
    if (!this.alone()) return;
    for (const slot of this.slots) {
      const view = this.view.get(slot.id);
      if (!view?.onAir || !view.active || this.busy.has(slot.id) || (this.retryAt.get(slot.id) ?? 0) > this.d.clock.now()) continue;
      const h = this.health.get(view.active);
      if (h && isDown(h.status) && (h.downInRow >= slot.failAfterProbes || h.status === 'offline')) void this.failOver(slot, view.active, h.status);
    }
  }

  private async failOver(slot: LocalSlot, from: string, status: DeviceStatus): Promise<void> {
    this.busy.add(slot.id);
    const failed = this.failedAlone.get(slot.id) ?? new Set<string>();
    this.failedAlone.set(slot.id, failed.add(from));
    for (const x of this.decisions) if (x.slot === slot.id) failed.add(x.from); // left before a restart: not taken back either
    // The controller's rule (protocols/failover-rule.ts); members that failed while alone only when nothing else can go live.
    const candidates = candidatesOf(
      slot.members.filter((m) => m.device !== from),
      (m) => this.health.get(m.device)?.status,
      (m) => failed.has(m.device),
    );
    const reason = `${from} ${status} (${this.health.get(from)?.downInRow ?? 0} probes in a row)`;
    try {
      for (const member of candidates) {
        try {
          await this.d.execute(member.device, member.activate.action, member.activate.params);
        } catch (err) {
          this.d.log.warn({ agent: this.d.agentId, slot: slot.id, device: member.device, err: errorMessage(err) }, 'alone: a backup did not activate; trying the next');
          continue;
        }
        this.view.set(slot.id, { active: member.device, onAir: true });
        const decision: LocalDecision = { id: randomUUID(), slot: slot.id, from, to: member.device, at: this.d.clock.now(), reason: reason.slice(0, 500) };
        this.setDecisions([...this.decisions, decision].slice(-100));
        this.d.log.warn({ agent: this.d.agentId, slot: slot.id, from, to: member.device, reason }, 'failed over on its own: the controller is out of reach');
        const standby = slot.members.find((m) => m.device === from)?.standby;
        if (standby) void this.d.execute(from, standby.action, standby.params).catch(() => undefined);
        return;
      }
      this.d.log.error({ agent: this.d.agentId, slot: slot.id, from, reason }, 'alone: no member of the slot could take over; trying again in 5 s');
      this.retryAt.set(slot.id, this.d.clock.now() + 5_000);
    } finally {
      this.busy.delete(slot.id);
    }
  }

  private setDecisions(decisions: LocalDecision[]): void {
    this.decisions = decisions;
    this.d.onDecisions(decisions);
  }
}
