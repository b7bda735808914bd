/**
 * An agent that loses the controller (or the broker) during a show keeps the show on air for the
 * slots it drives alone — those whose every member runs on it (controller/failover/local-slots.ts). It decides
 * with the controller's rule, not a copy of it (protocols/failover-rule.ts, protocols/failure-detection.ts):
 *
 * - Every member's health (the runner's DeviceHealth: status and its own count of failed probes in a
 *   row) goes through the tracking step the controller's registry runs, with the controller's
 *   thresholds (handed in each LocalSlot). It runs all the time, not only while alone, so the picture is
 *   warm the moment the agent is cut off — as the controller's is.
 * - The live member is down when that tracking says so: after failAfterProbes failed probes in a row
 *   (`failedEnough`), or no health within healthDeadlineMs. A single `offline` is not enough any more: a
 *   driver that reconnects reports offline once, the controller waits for failAfterProbes for that
 *   reason, and an agent alone must not be more trigger-happy than the controller — when the controller
 *   comes back it adopts what the agent did, so a needless switch would stay on air.
 * - A member that failed counts as up again only after recoverAfterMs healthy (hysteresis), not on its
 *   first good report: a flapping camera is not put back on air by the agent any sooner than by the
 *   controller.
 * - The member to take is the engine's (`rankCandidates`: ok before degraded, slot order). A member that
 *   failed before and has recovered is taken in its slot order, as the engine takes it: the recovery
 *   time is the guard against flapping for both. (It used to be ranked last while alone, because the
 *   agent trusted a member's first good report; with the same hysteresis that guard is the controller's,
 *   and ranking it otherwise made the agent pick a different member than the controller would.) A member
 *   left in a decision kept from before a restart starts out failed, as the controller's restored track does.
 * - It looks again the moment a member of a slot nothing could take over can go live (degraded
 *   included), and makes one decision per failure.
 *
 * What it did is kept (across restarts) and carried by the agent's birth and every heartbeat — the
 * message that tells the controller the agent is back — so the controller adopts it before it could act
 * on the failed health behind it; it is dropped once the controller's slot state shows it.
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
import { canGoLive, isDown, rankCandidates } from '../protocols/failover-rule.ts';
import {
  DEFAULT_TRACKING,
  newTrack,
  onHealth,
  onTick,
  type DeviceTrack,
  type HealthReading,
  type Step,
  type TrackingThresholds,
} from '../protocols/failure-detection.ts';

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
  /** Per device: the shared tracking (status after thresholds and hysteresis), and why it last went down. */
  private readonly tracks = new Map<string, { track: DeviceTrack; why?: string }>();
  private linkUp = false;
  private controllerOnline = false;
  private cutOffSince: number | undefined;
  private readonly busy = new Set<string>();
  /** A slot no member could take over: tried again after this time, not at every probe. */
  private readonly retryAt = new Map<string, number>();
  private decisions: LocalDecision[];

  constructor(private readonly d: CarryOnDependencies) {
    this.decisions = [...(d.kept ?? [])];
    this.cutOffSince = d.clock.now(); // until the controller is heard, nobody else is known to watch
    for (const x of this.decisions) {
      this.view.set(x.slot, { active: x.to, onAir: true });
      // Left before a restart: it failed, and must prove itself healthy again, as the controller's restored track does.
      this.tracks.set(x.from, { track: newTrack(d.clock.now(), 'failed'), why: 'failed before the agent restarted' });
    }
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

  /** A health report of one of this agent's devices, as its runner made it (status, failed probes in a row, checks). */
  onHealth(device: string, health: HealthReading): void {
    const now = this.d.clock.now();
    this.apply(device, onHealth(this.tracks.get(device)?.track ?? newTrack(now), health, now, this.thresholdsOf(device)));
    this.evaluate();
  }

  /** Called on the agent's timer: recoveries and health deadlines come due, and the moment the controller has been gone long enough, it acts on what already failed. */
  tick(): void {
    const now = this.d.clock.now();
    for (const [device, { track }] of this.tracks) this.apply(device, onTick(track, now, this.thresholdsOf(device)));
    this.evaluate();
  }

  /** A member's status as the controller's rule sees it (after failAfterProbes and hysteresis). */
  statusOf(device: string): DeviceStatus | undefined {
    return this.tracks.get(device)?.track.status;
  }

  /** The member live in a slot, as far as this agent knows: none when it is down. */
  liveOf(slot: string): string | null {
    const active = this.view.get(slot)?.active ?? null;
    return active && !isDown(this.statusOf(active)) ? active : null;
  }

  private apply(device: string, step: Step): void {
    const why = step.transition && isDown(step.transition.to) ? step.transition.reason : this.tracks.get(device)?.why;
    this.tracks.set(device, { track: step.track, ...(why !== undefined ? { why } : {}) });
    // A slot no member could take over looks again as soon as one could go live (degraded included), not in 5 s.
    if (step.transition && canGoLive(step.transition.to))
      for (const slot of this.slots) if (slot.members.some((m) => m.device === device)) this.retryAt.delete(slot.id);
  }

  /** The controller's thresholds, as it handed them with the slots (the same for every slot it hands). */
  private thresholdsOf(device: string): TrackingThresholds {
    const slot = this.slots.find((s) => s.members.some((m) => m.device === device)) ?? this.slots[0];
    if (!slot) return DEFAULT_TRACKING;
    return {
      failAfterProbes: slot.failAfterProbes,
      recoverAfterMs: slot.recoverAfterMs ?? DEFAULT_TRACKING.recoverAfterMs,
      healthDeadlineMs: slot.healthDeadlineMs ?? DEFAULT_TRACKING.healthDeadlineMs,
      ...(slot.content ? { content: slot.content } : {}),
    };
  }

  alone(): boolean {
    return this.cutOffSince !== undefined && this.d.clock.now() - this.cutOffSince >= this.d.aloneAfterMs;
  }

  private updateReach(): void {
    const inReach = this.linkUp && this.controllerOnline;
    if (inReach) {
      if (this.cutOffSince !== undefined && this.alone())
        this.d.log.info({ agent: this.d.agentId, decisions: this.decisions.length }, 'the controller is back: it decides again');
      this.cutOffSince = undefined;
    } else this.cutOffSince ??= this.d.clock.now();
  }

  private evaluate(): void {
    if (!this.alone()) return;
    for (const slot of this.slots) {
      const view = this.view.get(slot.id);
      if (!view?.onAir || !view.active || this.busy.has(slot.id) || (this.retryAt.get(slot.id) ?? 0) > this.d.clock.now()) continue;
      const status = this.statusOf(view.active);
      if (isDown(status)) void this.failOver(slot, view.active, status);
    }
  }

  private async failOver(slot: LocalSlot, from: string, status: DeviceStatus | undefined): Promise<void> {
    this.busy.add(slot.id);
    // The controller's rule (protocols/failover-rule.ts), on statuses tracked as the controller tracks them.
    const candidates = rankCandidates(slot.members, (m) => this.statusOf(m.device), { exclude: (m) => m.device === from });
    const reason = `${from} ${status} (${this.tracks.get(from)?.why ?? 'down'})`;
    try {
      for (const member of candidates) {
        try {
          await this.d.execute(member.device, member.activate.action, member.activate.params);
        } catch (err) {
          this.d.log.warn(
            { agent: this.d.agentId, slot: slot.id, device: member.device, err: errorMessage(err) },
            'alone: a backup did not activate; trying the next',
          );
          continue;
        }
        this.view.set(slot.id, { active: member.device, onAir: true });
        const decision: LocalDecision = {
          id: randomUUID(),
          slot: slot.id,
          from,
          to: member.device,
          at: this.d.clock.now(),
          reason: reason.slice(0, 500),
        };
        this.setDecisions([...this.decisions, decision].slice(-100));
        this.d.log.warn(
          { agent: this.d.agentId, slot: slot.id, from, to: member.device, reason },
          'failed over on its own: the controller is out of reach',
        );
        const standby = slot.members.find((m) => m.device === from)?.standby;
        if (standby) void this.d.execute(from, standby.action, standby.params).catch(() => undefined);
        return;
      }
      this.d.log.error(
        { agent: this.d.agentId, slot: slot.id, from, reason },
        'alone: no member of the slot could take over; trying again in 5 s',
      );
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
