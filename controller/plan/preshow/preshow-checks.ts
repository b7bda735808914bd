/**
 * Before each show the self-test of every device in its slots runs (backups included, and the program
 * switchers its slots cut on), a failed test is retried once, and the result is a go/no-go checklist
 * (slot-verdicts.ts) that can put a ready backup in place before air when the slot's policy says so.
 */
import type { EquipmentProfile } from '../../../protocols/profile.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import { FINISHED_JOB_STATES, type Checklist, type Job, type Show } from '../../../protocols/plan-schemas.ts';
import type { SlotDefinition } from '../../../protocols/registry-operations.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import { refName } from '../../../protocols/device-ref.ts';
import type { JobRunner } from '../jobs.ts';
import type { PlanStore } from '../../store/plan-store.ts';
import { applyEndurance, type EnduranceChecks } from '../endurance-checklist.ts';
import { judgeSlots } from './slot-verdicts.ts';

export interface PreshowDependencies {
  store: PlanStore;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  jobs: JobRunner;
  slot: (id: string) => SlotDefinition | undefined;
  /** Puts a backup in place (a manual-style failover on behalf of the pre-show check). */
  swap: (slot: string, to: DeviceRef, reason: string) => Promise<unknown>;
  /** Slots a device is a member of. */
  slotsOf: (ref: DeviceRef) => string[];
  /** A program switcher: its pre-show test never changes what it airs (no intrusive steps). */
  isSwitcher: (ref: DeviceRef) => boolean;
  /** A registered device's profile: its kind and its `withoutBackup` policy. */
  profileOf: (ref: DeviceRef) => Pick<EquipmentProfile, 'kind' | 'withoutBackup'> | undefined;
  /** Will the gear last the show: forecasts per device (endurance-watch.ts). */
  endurance: EnduranceChecks;
  retryDelayMs: number;
}

/** The program switchers a slot's members are mapped to. */
export const programSwitchers = (slot: SlotDefinition | undefined): DeviceRef[] => (slot?.program ?? []).map((m) => m.switcher);

export class PreshowChecks {
  constructor(private readonly d: PreshowDependencies) {}

  /** Queues the self-test of every member of every slot of the show; the checklist fills in as they finish. */
  run(show: Show, by: string): Checklist {
    const now = this.d.clock.now();
    const checklist: Checklist = {
      show: show.id,
      studio: show.studio,
      startsAt: show.startsAt,
      startedAt: now,
      finishedAt: null,
      go: false,
      slots: [],
    };
    const queued = new Set<string>();
    for (const slotId of show.slots) {
      const def = this.d.slot(slotId);
      const members = def
        ? [{ ref: def.primary, role: 'primary' as const }, ...def.backups.map((b) => ({ ref: b, role: 'backup' as const }))]
        : [];
      checklist.slots.push({
        slot: slotId,
        go: false,
        members: members.map(({ ref, role }) => ({ ...ref, role, ready: false, result: 'queued' as const, attempts: 0 })),
      });
      for (const { ref } of members) this.queue(queued, ref, show);
    }
    const loose = [
      ...new Map(
        show.slots
          .flatMap((s) => programSwitchers(this.d.slot(s)))
          .filter((sw) => this.d.slotsOf(sw).length === 0)
          .map((sw) => [refName(sw), sw]),
      ).values(),
    ];
    if (loose.length)
      checklist.switchers = loose.map((ref) => ({
        ...ref,
        role: 'primary' as const,
        ready: false,
        result: 'queued' as const,
        attempts: 0,
      }));
    for (const ref of loose) this.queue(queued, ref, show);
    this.d.store.saveChecklist(checklist);
    this.d.record({ type: 'preshow.started', ts: now, by, data: { show: show.id, startsAt: show.startsAt, devices: [...queued] } });
    if (queued.size === 0) this.finalize(checklist);
    return checklist;
  }

  /** Feed every finished job here: pre-show jobs fill their show's checklist. */
  onJobFinished(job: Job): void {
    if (job.kind !== 'preshow' || !job.show) return;
    const checklist = this.d.store.checklist(job.show);
    if (!checklist || checklist.finishedAt !== null) return;
    const retry = (job.state === 'failed' || job.state === 'timed_out') && job.attempt === 1;
    const failedStep = job.report?.steps.find((s) => s.status === 'failed');
    for (const members of [...checklist.slots.map((s) => s.members), checklist.switchers ?? []]) {
      for (const m of members) {
        if (m.agent !== job.agent || m.device !== job.device) continue;
        m.attempts = job.attempt;
        m.result = retry ? 'queued' : job.state;
        m.ready = job.state === 'passed';
        if (failedStep) ((m.step = failedStep.name), (m.detail = failedStep.detail ?? 'failed'));
        else if (job.state !== 'passed' && job.reason) ((m.step = undefined), (m.detail = job.reason));
        else ((m.step = undefined), (m.detail = undefined));
      }
    }
    this.d.store.saveChecklist(checklist);
    if (retry) return this.retry(job);
    if ([...checklist.slots.flatMap((s) => s.members), ...(checklist.switchers ?? [])].every((m) => FINISHED_JOB_STATES.has(m.result)))
      this.finalize(checklist);
  }

  /**
   * One retry after a short pause: a test can fail on a passing glitch. The pause never runs past air
   * time — at most half of what is left — or the retry would be skipped and the checklist would only
   * be ready after the show went on air.
   */
  private retry(job: Job): void {
    const now = this.d.clock.now();
    const show = this.d.store.show(job.show!);
    const pause = Math.max(0, Math.min(this.d.retryDelayMs, show ? (show.startsAt - now) / 2 : Infinity));
    this.d.jobs.enqueue({
      kind: 'preshow',
      agent: job.agent,
      device: job.device,
      intrusive: job.intrusive,
      show: job.show,
      createdAt: now,
      notBefore: Math.round(now + pause),
      ...(show ? { startBy: show.startsAt } : {}),
      attempt: 2,
      retryOf: job.id,
    });
  }

  /** Once per device; a program switcher never intrusively (it may be airing a rehearsal). */
  private queue(queued: Set<string>, ref: DeviceRef, show: Show): void {
    if (queued.has(refName(ref))) return; // a device in two slots is tested once
    queued.add(refName(ref));
    const now = this.d.clock.now();
    this.d.jobs.enqueue({
      kind: 'preshow',
      ...ref,
      intrusive: !this.d.isSwitcher(ref),
      show: show.id,
      createdAt: now,
      notBefore: now,
      startBy: show.startsAt,
    });
  }

  private finalize(checklist: Checklist): void {
    const show = this.d.store.show(checklist.show);
    const swaps = judgeSlots(checklist, { showWithoutBackup: show?.withoutBackup, slot: this.d.slot, profileOf: this.d.profileOf });
    for (const s of swaps)
      void this.d.swap(s.slot, s.to, s.reason).catch((err: Error) => {
        this.d.log.error({ slot: s.slot, err: err.message }, 'pre-show swap failed');
      });
    const shortfalls = show ? applyEndurance(checklist, show, this.d.endurance) : [];
    checklist.go = checklist.slots.every((s) => s.go) && (checklist.switchers ?? []).every((m) => m.ready);
    const finishedAt = this.d.clock.now();
    checklist.finishedAt = finishedAt;
    this.d.store.saveChecklist(checklist);
    this.report(checklist, finishedAt, shortfalls);
  }

  /** The checklist's event, and an alarm when it is NO-GO or has gear not ready or that will not last. */
  private report(checklist: Checklist, finishedAt: number, shortfalls: string[]): void {
    const why = (m: Checklist['slots'][number]['members'][number]) => `${m.step ? `${m.step}: ` : ''}${m.detail ?? m.result}`;
    const notReady = [
      ...checklist.slots.flatMap((s) => s.members.filter((m) => !m.ready).map((m) => `${m.agent}/${m.device} (${s.slot}): ${why(m)}`)),
      ...(checklist.switchers ?? []).filter((m) => !m.ready).map((m) => `${m.agent}/${m.device} (program switcher, no backup): ${why(m)}`),
    ];
    const noBackup = checklist.slots.filter((s) => s.verdict === 'go-no-backup').length;
    this.d.record({
      type: 'preshow.checklist',
      ts: finishedAt,
      by: 'preshow',
      reason: checklist.go ? (noBackup ? `GO — ${noBackup} slot(s) with no backup` : 'GO') : 'NO-GO',
      data: {
        show: checklist.show,
        go: checklist.go,
        notReady,
        slots: checklist.slots.map((s) => ({
          slot: s.slot,
          go: s.go,
          ...(s.verdict ? { verdict: s.verdict } : {}),
          ...(s.proposal ? { proposal: s.proposal } : {}),
          ...(s.swapped ? { swapped: true } : {}),
        })),
      },
    });
    if (!checklist.go || notReady.length > 0 || shortfalls.length > 0) {
      const problems = [...notReady, ...shortfalls.map((s) => `will not last the show: ${s}`)];
      this.d.record({
        type: 'alarm',
        ts: finishedAt,
        by: 'preshow',
        reason: `pre-show check for ${checklist.show}: ${checklist.go ? (notReady.length ? 'GO with gear not ready' : 'GO with gear that will not last') : 'NO-GO'}: ${problems.join('; ')}`,
        data: { severity: checklist.go ? 'warning' : 'critical', show: checklist.show },
      });
    }
  }
}
