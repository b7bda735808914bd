/**
 * Shows: scheduled ones go on air at their start and off at their end by themselves; an engineer
 * can start or stop one by hand, and plan quiet windows in one. Before each show its pre-show checks
 * run (preshow/: every device's self-test, retried once, and a go/no-go checklist).
 */
import type { OperationData, OperationParams } from '../../protocols/contract.ts';
import type { Checklist, Job, Show } from '../../protocols/plan-schemas.ts';
import type { DeviceRef } from '../../protocols/schemas.ts';
import { preShowAt } from './scheduler.ts';
import { refName } from '../../protocols/device-ref.ts';
import { checkedQuiet, quietWindowAdded, withQuietWindow } from './quiet-windows.ts';
import { PreshowChecks, programSwitchers, type PreshowDependencies } from './preshow/preshow-checks.ts';

export interface ShowsDependencies extends PreshowDependencies {
  /** Called whenever the set of shows on air changes. */
  onAirChanged: (by: string, reason: string) => void;
  /** Starts or stops the stream of a stream slot's live member (fire-and-forget; it records what happened). */
  stream: (slot: string, on: boolean, by: string) => void;
  defaultPreShowMinutes: number;
}

export class Shows {
  private readonly preshow: PreshowChecks;

  constructor(private readonly d: ShowsDependencies) {
    this.preshow = new PreshowChecks(d);
  }

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
        ...p.slots.flatMap((id) => programSwitchers(this.d.slot(id)).flatMap((sw) => this.d.slotsOf(sw))),
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

  /** Queues the self-test of every member of every slot of the show (preshow/preshow-checks.ts). */
  runPreshow(id: string, by: string): Checklist {
    return this.preshow.run(this.get(id), by);
  }

  /** Whether the show's pre-show checks have been started (they run once per show unless asked again). */
  preshowStarted(id: string): boolean {
    return this.d.store.checklist(id) !== undefined;
  }

  /** Feed every finished job here: pre-show jobs fill their show's checklist. */
  onJobFinished(job: Job): void {
    this.preshow.onJobFinished(job);
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
