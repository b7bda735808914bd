/**
 * A failover decision carried out (and one adopted from elsewhere): the members are asked to activate in the order the rule ranked them,
 * the first that confirms goes live, and every step is recorded (started, succeeded with its attempts, or
 * failed and the slot down when nothing is live). When to decide, and on what, is the engine's
 * (failover/failover-engine.ts); this is how one decision runs, with the engine's own steps passed in.
 */
import { errorMessage } from '../../lib/timeout.ts';
import type { CommandResult, DeviceRef, FailoverData } from '../../protocols/schemas.ts';
import { isDown } from '../../protocols/failover-rule.ts';
import { refName } from '../../protocols/device-ref.ts';
import type { FailoverDependencies } from './failover-dependencies.ts';
import type { SlotRuntime } from './slot-runtime.ts';

/** What a decision needs of the engine that runs it. */
export interface DecisionContext {
  d: FailoverDependencies;
  /** The controller is stopping: a decision without a confirmed member hands the slot back undecided. */
  halted(): boolean;
  armed(slot: SlotRuntime): boolean;
  publish(slot: SlotRuntime, force?: boolean, at?: number): void;
  reconcileProgram(slot: SlotRuntime): void;
  syncLamps(slot: SlotRuntime, by: string): void;
  markDown(slot: SlotRuntime, reason: string, by: string): void;
  reactToActive(slot: SlotRuntime): void;
}

export async function runDecision(
  x: DecisionContext,
  slot: SlotRuntime,
  candidates: DeviceRef[],
  reason: string,
  by: string,
): Promise<FailoverData | undefined> {
  const { d } = x;
  slot.deciding = true;
  const started = d.clock.now();
  const from = slot.active;
  d.record({
    type: 'failover.started',
    slot: slot.def.id,
    by,
    reason,
    data: { from: refName(from), candidates: candidates.map(refName) },
    ts: started,
  });
  x.publish(slot, false, started);
  let outcome: FailoverData | undefined;
  const attempts: string[] = [];
  try {
    for (const candidate of candidates) {
      const params = { ...slot.def.params, ...slot.def.memberParams?.[refName(candidate)] };
      const result = await d.activate(candidate, params, by, d.activateTimeoutMs).catch((err: unknown): CommandResult => ({
        id: '-',
        device: candidate.device,
        status: 'failed',
        error: errorMessage(err),
        ts: d.clock.now(),
      }));
      if (x.halted() && result.status !== 'succeeded') {
        // Stopping: hand the slot back as it was (the next start looks at it again), no verdict recorded.
        d.log.warn({ slot: slot.def.id, from: refName(from) }, 'failover abandoned: the controller is stopping');
        return undefined;
      }
      if (result.status === 'succeeded') {
        slot.active = candidate;
        slot.reason = undefined;
        d.saveActive(slot.def.id, candidate);
        const confirmedAt = d.clock.now();
        const durationMs = confirmedAt - started;
        outcome = { slot: slot.def.id, from, to: candidate, durationMs };
        d.record({
          type: 'failover.succeeded',
          slot: slot.def.id,
          agent: candidate.agent,
          device: candidate.device,
          by,
          reason,
          data: { from: refName(from), to: refName(candidate), durationMs, attempts },
          ts: confirmedAt,
        });
        // The slot is back the moment the backup confirmed, not after the bookkeeping below.
        slot.deciding = false;
        x.publish(slot, false, confirmedAt);
        d.log.info(
          { slot: slot.def.id, agent: candidate.agent, device: candidate.device, from: refName(from), durationMs, by },
          'failover succeeded',
        );
        if (x.armed(slot)) d.program?.follow(slot.def, from, candidate, by, started);
        // Back from down: nothing to replace, but the program must not stay on a member that failed meanwhile.
        if (from === null) x.reconcileProgram(slot);
        // To standby even when failed, if reachable: an encoder that lost its ingest still streams.
        if (from && d.reachable(from)) d.standby(from, by);
        x.syncLamps(slot, by);
        return outcome;
      }
      attempts.push(`${refName(candidate)}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
      d.log.warn(
        { slot: slot.def.id, agent: candidate.agent, device: candidate.device, status: result.status, err: result.error },
        'backup did not activate; trying the next',
      );
    }
    d.record({
      type: 'failover.failed',
      slot: slot.def.id,
      by,
      reason,
      data: { from: refName(from), attempts },
      ts: d.clock.now(),
    });
    slot.reason = `no device confirmed activate: ${attempts.join('; ')}`;
    if (from === null || isDown(d.status(from))) x.markDown(slot, slot.reason, by);
    return undefined;
  } finally {
    slot.deciding = false;
    x.publish(slot);
    // Something may have failed while we were deciding (the new device, or the old one came back).
    if (outcome) x.reactToActive(slot);
  }
}

/**
 * A member someone else put live (an agent alone, or the last leader whose decision never reached the
 * database): the gear switched, so it stands — recorded as a failover, no command sent.
 */
export function adoptLive(x: DecisionContext, slot: SlotRuntime, to: DeviceRef, by: string, reason: string): void {
  const from = slot.active;
  slot.active = to;
  slot.reason = undefined;
  x.d.saveActive(slot.def.id, to);
  x.d.record({
    type: 'failover.succeeded',
    slot: slot.def.id,
    agent: to.agent,
    device: to.device,
    by,
    reason,
    data: { from: refName(from), to: refName(to), durationMs: 0, attempts: [] },
    ts: x.d.clock.now(),
  });
  x.publish(slot);
  x.syncLamps(slot, by);
  if (x.armed(slot)) x.reactToActive(slot); // the adopted member may have failed since
}
