/**
 * Shows: scheduled ones go on air at their start and off at their end by themselves; an engineer
 * can start or stop one by hand. Before each show the self-test of every device in its slots runs
 * (backups included), a failed test is retried once, and the result is a go/no-go checklist that can
 * put a ready backup in place before air when the slot's policy says so.
 */
import type { EquipmentProfile, WithoutBackup } from '../../protocols/profile.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { OperationData, OperationParams } from '../../protocols/contract.ts';
import { FINISHED_JOB_STATES, type Checklist, type Job, type Show } from '../../protocols/plan-schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { DeviceRef } from '../../protocols/schemas.ts';
import type { JobRunner } from './jobs.ts';
import type { PlanStore } from '../store/plan-store.ts';
import { preShowAt } from './scheduler.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { refName } from '../../protocols/device-ref.ts';
import { applyEndurance, type EnduranceChecks } from './endurance-checklist.ts';
import { checkedQuiet, quietWindowAdded, withQuietWindow } from './quiet-windows.ts';

export interface ShowsDependencies {
  store: PlanStore;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  jobs: JobRunner;
  slot: (id: string) => SlotDefinition | undefined;
  /** Puts a backup in place (a manual-style failover on behalf of the pre-show check). */
  swap: (slot: string, to: DeviceRef, reason: string) => Promise<unknown>;
  /** Called whenever the set of shows on air changes. */
  onAirChanged: (by: string, reason: string) => void;
  /** Starts or stops the stream of a stream slot's live member (fire-and-forget; it records what happened). */
  stream: (slot: string, on: boolean, by: string) => void;
  /** Slots a device is a member of. */
  slotsOf: (ref: DeviceRef) => string[];
  /** A program switcher: its pre-show test never changes what it airs (no intrusive steps). */
  isSwitcher: (ref: DeviceRef) => boolean;
  /** A registered device's profile: its kind and its `withoutBackup` policy. */
  profileOf: (ref: DeviceRef) => Pick<EquipmentProfile, 'kind' | 'withoutBackup'> | undefined;
  /** Will the gear last the show: forecasts per device (endurance-watch.ts). */
  endurance: EnduranceChecks;
  defaultPreShowMinutes: number;
  retryDelayMs: number;
}

export class Shows {
  constructor(private readonly d: ShowsDependencies) {}

  onAir(): Show[] {
    return this.d.store.activeShows().filter((s) => s.state === 'on_air');
  }

  /** Why a device must not be disturbed: it serves a show on air (or, with `soon`, one whose pre-show has begun). */
  protection(ref: DeviceRef, soon: boolean): string | undefined {
    const now = this.d.clock.now();
    for (const show of this.d.store.activeShows()) {
      const live = show.state === 'on_air';
      const upcoming = soon && show.state === 'scheduled' && now >= preShowAt(show) && now < show.endsAt;
      if (!live && !upcoming) continue;
      const slot = show.slots.find((id) => this.members(id).some((m) => m.agent === ref.agent && m.device === ref.device));
      if (slot) return `${refName(ref)} serves slot ${slot} of show ${show.id}, which ${live ? 'is on air' : 'is about to start'}`;
    }
    return undefined;
  }

  add(p: OperationParams<'show.add'>, by: string): OperationData<'show.add'> {
    if (p.endsAt <= p.startsAt) throw new Error('a show must end after it starts');
    if (p.endsAt <= this.d.clock.now()) throw new Error(`show ${p.id} would end in the past (${new Date(p.endsAt).toISOString()})`);
    const missing = p.slots.filter((s) => !this.d.slot(s));
    if (missing.length) throw new Error(`no slot ${missing.join(', ')}; define slots with onair slot add`);
    const existing = this.d.store.show(p.id);
    if (existing && existing.state !== 'scheduled') throw new Error(`show ${p.id} is ${existing.state}; give the new show another id`);
    if (p.startStream && !p.stream) throw new Error("--start-stream needs the show's stream slot (--stream studio/slot)");
    if (p.stream && !this.d.slot(p.stream))
      throw new Error(`no slot ${p.stream}; define the stream slot with onair slot add (its members are encoders)`);
    // The stream slot and the slots of the switchers its slots cut on are the show's too: armed on air, checked before.
    const slots = [
      ...new Set([
        ...p.slots,
        ...(p.stream ? [p.stream] : []),
        ...p.slots.flatMap((id) => this.switchers(id).flatMap((sw) => this.d.slotsOf(sw))),
      ]),
    ];
    const show: Show = {
      id: p.id,
      studio: p.studio,
      title: p.title ?? p.id,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      slots,
      ...(p.stream ? { stream: p.stream, ...(p.startStream ? { startStream: true } : {}) } : {}),
      preShowMinutes: p.preShowMinutes ?? this.d.defaultPreShowMinutes,
      ...(p.withoutBackup ? { withoutBackup: p.withoutBackup } : {}),
      ...(p.enduranceShortfall ? { enduranceShortfall: p.enduranceShortfall } : {}),
      ...(p.enduranceLeadMinutes !== undefined ? { enduranceLeadMinutes: p.enduranceLeadMinutes } : {}),
      ...(p.quiet?.length ? { quiet: checkedQuiet(p.quiet, { id: p.id, slots }) } : {}),
      ...(p.owner ? { owner: p.owner } : {}),
      ...(p.emergencyLead ? { emergencyLead: p.emergencyLead } : {}), // vetted by the people part
      state: 'scheduled',
      startedAt: null,
      endedAt: null,
    };
    this.d.store.saveShow(show);
    this.d.record({
      type: 'show.added',
      ts: this.d.clock.now(),
      by,
      data: { show: show.id, studio: show.studio, startsAt: show.startsAt, endsAt: show.endsAt, slots: show.slots, changed: !!existing },
    });
    return show;
  }

  list(p: OperationParams<'show.list'>): OperationData<'show.list'> {
    return {
      shows: this.d.store.shows().filter((s) => (!p.studio || s.studio === p.studio) && (p.since === undefined || s.endsAt >= p.since)),
    };
  }

  /** A dark scene or a silence planned in a show (the window is stored with it, and who planned it is in the log). */
  quiet(p: OperationParams<'show.quiet'>, by: string): Show {
    const { show: id, ...window } = p;
    const show = withQuietWindow(this.get(id), window, this.d.clock.now());
    this.d.store.saveShow(show);
    this.d.record(quietWindowAdded(show, window, by, this.d.clock.now()));
    return show;
  }

  start(id: string, by: string, reason: string): Show {
    const show = this.get(id);
    if (show.state !== 'scheduled') throw new Error(`show ${id} is ${show.state}, not scheduled`);
    const now = this.d.clock.now();
    const started: Show = { ...show, state: 'on_air', startedAt: now };
    this.d.store.saveShow(started);
    // The slots and their members as they were, so a report of this show is reproducible later.
    const slots = show.slots.map((s) => ({ slot: s, members: this.members(s).map(refName) }));
    this.d.record({
      type: 'show.started',
      ts: now,
      by,
      reason,
      data: { show: id, title: show.title, studio: show.studio, slots, ...(show.stream ? { stream: show.stream } : {}) },
    });
    this.d.log.info({ show: id, by, reason }, 'show on air');
    this.d.onAirChanged(by, `show ${id} ${reason}`);
    if (show.stream && show.startStream) this.d.stream(show.stream, true, by);
    return started;
  }

  stop(id: string, by: string, reason: string): Show {
    const show = this.get(id);
    const now = this.d.clock.now();
    if (show.state === 'scheduled') {
      const cancelled: Show = { ...show, state: 'cancelled', endedAt: now };
      this.d.store.saveShow(cancelled);
      this.d.jobs.skipQueued((j) => j.show === id, `show ${id} was cancelled`);
      this.d.record({ type: 'show.cancelled', ts: now, by, reason, data: { show: id } });
      return cancelled;
    }
    if (show.state !== 'on_air') throw new Error(`show ${id} is ${show.state}`);
    // A show that ended while the controller was down ended at its scheduled time, not at our boot.
    const endedAt = by === 'scheduler' ? Math.min(now, show.endsAt) : now;
    const ended: Show = { ...show, state: 'ended', endedAt };
    if (show.stream && show.startStream) this.d.stream(show.stream, false, by);
    this.d.store.saveShow(ended);
    this.d.record({
      type: 'show.ended',
      ts: endedAt,
      by,
      reason,
      data: { show: id, studio: show.studio, onAirMs: endedAt - (show.startedAt ?? endedAt) },
    });
    this.d.log.info({ show: id, by, reason }, 'show off air');
    this.d.onAirChanged(by, `show ${id} ${reason}`);
    return ended;
  }

  checklist(id: string): Checklist {
    const found = this.d.store.checklist(id);
    if (!found)
      throw new Error(
        `no pre-show checklist for ${id} yet; it runs ${this.get(id).preShowMinutes} min before the show (or: onair preshow ${id} --run)`,
      );
    return found;
  }

  /** Queues the self-test of every member of every slot of the show; the checklist fills in as they finish. */
  runPreshow(id: string, by: string): Checklist {
    const show = this.get(id);
    const now = this.d.clock.now();
    const checklist: Checklist = {
      show: id,
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
      for (const { ref } of members) this.queuePreshow(queued, ref, show);
    }
    const loose = [
      ...new Map(
        show.slots
          .flatMap((s) => this.switchers(s))
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
    for (const ref of loose) this.queuePreshow(queued, ref, show);
    this.d.store.saveChecklist(checklist);
    this.d.record({ type: 'preshow.started', ts: now, by, data: { show: id, startsAt: show.startsAt, devices: [...queued] } });
    if (queued.size === 0) this.finalize(checklist);
    return checklist;
  }

  /** Once per device; a program switcher never intrusively (it may be airing a rehearsal). */
  private queuePreshow(queued: Set<string>, ref: DeviceRef, show: Show): void {
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

  /** The program switchers a slot's members are mapped to. */
  private switchers(slotId: string): DeviceRef[] {
    return (this.d.slot(slotId)?.program ?? []).map((m) => m.switcher);
  }

  /** Whether the show's pre-show checks have been started (they run once per show unless asked again). */
  preshowStarted(id: string): boolean {
    return this.d.store.checklist(id) !== undefined;
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
    if (retry) {
      // One retry after a short pause: a test can fail on a passing glitch. The pause never runs past
      // air time — at most half of what is left — or the retry would be skipped and the checklist
      // would only be ready after the show went on air.
      const now = this.d.clock.now();
      const show = this.d.store.show(job.show);
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
      return;
    }
    if ([...checklist.slots.flatMap((s) => s.members), ...(checklist.switchers ?? [])].every((m) => FINISHED_JOB_STATES.has(m.result)))
      this.finalize(checklist);
  }

  private finalize(checklist: Checklist): void {
    for (const slot of checklist.slots) {
      const primary = slot.members.find((m) => m.role === 'primary');
      const readyBackup = slot.members.find((m) => m.role === 'backup' && m.ready);
      slot.go = !!primary?.ready || !!readyBackup;
      slot.verdict = slot.go ? 'go' : 'no-go';
      const backups = slot.members.filter((m) => m.role === 'backup');
      if (primary?.ready && backups.length > 0 && !readyBackup) {
        // On air with nothing to fail over to: acceptable only if the show or the gear's profile says so.
        const policy = this.withoutBackup(checklist.show, primary);
        slot.go = policy.verdict === 'go';
        slot.verdict = slot.go ? 'go-no-backup' : 'no-go';
        slot.proposal = `every backup failed its self-test (${backups.map((b) => refName(b)).join(', ')}): ${slot.go ? 'GO with no backup' : 'NO-GO'} (${policy.why}); fix or replace a backup before air`;
        continue;
      }
      if (primary && !primary.ready && readyBackup) {
        const policy = this.d.slot(slot.slot)?.preshow ?? 'propose';
        slot.proposal = `put ${readyBackup.agent}/${readyBackup.device} in place of ${primary.agent}/${primary.device} before air: onair failover ${slot.slot} --to ${readyBackup.agent}/${readyBackup.device} --reason "pre-show check"`;
        if (policy === 'swap') {
          slot.swapped = true;
          void this.d
            .swap(slot.slot, readyBackup, `pre-show check: ${primary.agent}/${primary.device} failed ${primary.step ?? 'its self-test'}`)
            .catch((err: Error) => {
              this.d.log.error({ slot: slot.slot, err: err.message }, 'pre-show swap failed');
            });
        }
      } else if (!slot.go) {
        slot.proposal = 'nothing in this slot passed its self-test: fix or replace the gear before air';
      }
    }
    const show = this.d.store.show(checklist.show);
    const shortfalls = show ? applyEndurance(checklist, show, this.d.endurance) : [];
    checklist.go = checklist.slots.every((s) => s.go) && (checklist.switchers ?? []).every((m) => m.ready);
    checklist.finishedAt = this.d.clock.now();
    this.d.store.saveChecklist(checklist);
    const why = (m: Checklist['slots'][number]['members'][number]) => `${m.step ? `${m.step}: ` : ''}${m.detail ?? m.result}`;
    const notReady = [
      ...checklist.slots.flatMap((s) => s.members.filter((m) => !m.ready).map((m) => `${m.agent}/${m.device} (${s.slot}): ${why(m)}`)),
      ...(checklist.switchers ?? []).filter((m) => !m.ready).map((m) => `${m.agent}/${m.device} (program switcher, no backup): ${why(m)}`),
    ];
    const noBackup = checklist.slots.filter((s) => s.verdict === 'go-no-backup').length;
    this.d.record({
      type: 'preshow.checklist',
      ts: checklist.finishedAt,
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
        ts: checklist.finishedAt,
        by: 'preshow',
        reason: `pre-show check for ${checklist.show}: ${checklist.go ? (notReady.length ? 'GO with gear not ready' : 'GO with gear that will not last') : 'NO-GO'}: ${problems.join('; ')}`,
        data: { severity: checklist.go ? 'warning' : 'critical', show: checklist.show },
      });
    }
  }

  /** What a slot with no ready backup counts as: the show's setting, else the primary's profile's, else NO-GO for a camera or a mic. */
  private withoutBackup(showId: string, primary: DeviceRef): { verdict: WithoutBackup; why: string } {
    const show = this.d.store.show(showId);
    if (show?.withoutBackup) return { verdict: show.withoutBackup, why: `show ${showId} says ${show.withoutBackup}` };
    const profile = this.d.profileOf(primary);
    if (profile?.withoutBackup)
      return { verdict: profile.withoutBackup, why: `the profile of ${refName(primary)} says ${profile.withoutBackup}` };
    const critical = profile?.kind === 'camera' || profile?.kind === 'microphone-receiver';
    return {
      verdict: critical ? 'no-go' : 'go',
      why: critical
        ? `a ${profile.kind} slot is NO-GO without a backup unless the show or the profile says go`
        : 'the default for this kind of gear',
    };
  }

  private members(slotId: string): DeviceRef[] {
    const def = this.d.slot(slotId);
    return def ? [def.primary, ...def.backups] : [];
  }

  private get(id: string): Show {
    const show = this.d.store.show(id);
    if (!show) throw new Error(`no show "${id}"`);
    return show;
  }
}
