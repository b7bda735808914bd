/**
 * The studio's plan, run by itself: shows on and off air at their times, pre-show self-tests with a
 * go/no-go checklist, maintenance windows from cron schedules, test jobs that survive restarts,
 * and reliability reports from the event log. Wires the scheduler (pure), the job runner, shows and
 * maintenance; the controller only calls tick() and routes the requests.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import type { Job, Schedule } from '../../protocols/plan-schemas.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { DeviceHealth, DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';
import { eventsOf } from '../../protocols/events.ts';
import { refName } from '../../protocols/device-ref.ts';
import type { History } from '../store/history.ts';
import type { Catalog } from '../fleet/catalog/catalog.ts';
import { JobRunner } from './jobs.ts';
import { Maintenance } from './maintenance.ts';
import type { PlanStore } from '../store/plan-store.ts';
import { dueWork } from './scheduler.ts';
import type { SelfTestRunner } from './self-test.ts';
import { Shows } from './shows.ts';
import { StreamWatch, type StreamCondition } from '../failover/stream-watch.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { EnduranceWatch } from './endurance-watch.ts';
import { forecastRules } from './endurance.ts';

/** What the plan asks of the slots as they run: declared here, by the plan; the failover engine implements it. */
export interface PlanSlots {
  definition(id: string): SlotDefinition | undefined;
  slotsOf(ref: DeviceRef): string[];
  /** A slot's live member now. */
  liveOf(slot: string): DeviceRef | null;
  /** A manual-style failover: the pre-show check puts a ready backup in place (`to`: agent/device). */
  requestFailover(slot: string, to: string | undefined, reason: string, by: string): Promise<unknown>;
}

export interface PlanDependencies {
  store: PlanStore;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  catalog: Catalog;
  selfTests: SelfTestRunner;
  /** The slots as they run (the failover engine). */
  slots: PlanSlots;
  /** The engineer's on-air override (`onair on-air on`): every slot member counts as on air. */
  manualOnAir: () => boolean;
  onAirChanged: (by: string, reason: string) => void;
  /** Starts or stops the stream of a stream slot's live member. */
  stream: (slot: string, on: boolean, by: string) => void;
  /** The event log: all of it up to a time (reports), or a query (a show's stream events at boot). */
  /** The event log read back (bounded, asynchronous: controller/store/history.ts). */
  history: Pick<History, 'events' | 'report'>;
  /** A device's health status now (the backup an endurance alarm proposes is the one the failover rules would pick). */
  status: (ref: DeviceRef) => DeviceStatus | undefined;
  settings: { preShowMinutes: number; preShowRetryMs: number; concurrency: number };
}

type PlanHandlers = {
  [
    O in Extract<
      OperationName,
      | 'show.add'
      | 'show.list'
      | 'show.start'
      | 'show.stop'
      | 'show.quiet'
      | 'preshow'
      | 'test.run'
      | 'test.history'
      | 'schedule.add'
      | 'schedule.list'
      | 'schedule.remove'
      | 'maintenance.due'
      | 'report'
    >
  ]: (p: OperationParams<O>, by: string) => Promise<OperationData<O>> | OperationData<O>;
};

/** Slack on top of the profile's step timeouts before a whole test job counts as timed out. */
const JOB_SLACK_MS = 5_000;
/** How often the time the plan was checked up to is saved (a crash re-checks at most this much; windows open once). */
const SAVE_CHECKED_MS = 5_000;
/** After a restart, maintenance windows are caught up over at most this much of the time the controller was down. */
const CATCH_UP_MS = 7 * 86_400_000;

export class Plan {
  readonly jobs: JobRunner;
  readonly shows: Shows;
  readonly maintenance: Maintenance;
  private readonly streams: StreamWatch;
  /** Will the gear last the show: forecasts for the checklist, alarms on air. */
  readonly endurance: EnduranceWatch;
  private lastTick: number;
  private savedAt = 0;
  /** When the previous run of the controller last checked the plan, if it was down for a while. */
  private readonly downSince: number | undefined;
  private readonly reported = new Set<string>();
  /** Filled at boot for shows on air (where their stream was), read by StreamWatch's first sync. */
  private readonly resumedStreams = new Map<string, { condition: StreamCondition | 'starting'; framesDropped: number }>();

  constructor(private readonly d: PlanDependencies) {
    const now = d.clock.now();
    const checked = d.store.checkedUntil();
    this.lastTick = checked === undefined ? now : Math.min(now, Math.max(checked, now - CATCH_UP_MS));
    this.downSince = checked !== undefined && checked < now ? checked : undefined;
    this.jobs = new JobRunner({
      store: d.store,
      clock: d.clock,
      log: d.log,
      concurrency: d.settings.concurrency,
      selfTest: (ref, intrusive) => this.selfTest(ref, intrusive),
      onAirReason: (ref) => this.onAirReason(ref),
      busyReason: (ref) => this.onAirReason(ref) ?? this.shows.protection(ref, true),
      record: d.record,
      onFinished: (job) => this.shows.onJobFinished(job),
    });
    this.endurance = new EnduranceWatch({
      clock: d.clock,
      log: d.log,
      record: d.record,
      rulesOf: (ref) => {
        try {
          const { profile } = d.catalog.lookup(ref);
          return { rules: forecastRules(profile), ...(profile.endurance?.shortfall ? { shortfall: profile.endurance.shortfall } : {}) };
        } catch {
          return undefined; // not registered: no profile, no forecast
        }
      },
      slots: d.slots,
      status: d.status,
    });
    this.shows = new Shows({
      store: d.store,
      clock: d.clock,
      log: d.log,
      record: d.record,
      jobs: this.jobs,
      slot: (id) => d.slots.definition(id),
      swap: (slot, to, reason) => d.slots.requestFailover(slot, refName(to), reason, 'preshow'),
      onAirChanged: (by, reason) => {
        this.streams.sync(this.shows.onAir());
        this.endurance.sync(this.shows.onAir());
        d.onAirChanged(by, reason);
      },
      stream: d.stream,
      slotsOf: (ref) => d.slots.slotsOf(ref),
      profileOf: (ref) => {
        try {
          return d.catalog.lookup(ref).profile;
        } catch {
          return undefined; // not registered (a hand-configured device): the default for unknown gear
        }
      },
      isSwitcher: (ref) => {
        try {
          return d.catalog.lookup(ref).profile.kind === 'switcher';
        } catch {
          return false;
        }
      },
      endurance: this.endurance,
      defaultPreShowMinutes: d.settings.preShowMinutes,
      retryDelayMs: d.settings.preShowRetryMs,
    });
    this.streams = new StreamWatch({
      clock: d.clock,
      record: d.record,
      live: (slot) => d.slots.liveOf(slot),
      resumed: (show) => this.resumedStreams.get(show),
    });
    this.maintenance = new Maintenance({
      store: d.store,
      clock: d.clock,
      record: d.record,
      jobs: this.jobs,
      registrations: () => d.catalog.units(),
      resolve: (name) => d.catalog.resolve(name),
    });
  }

  /** At boot, before the first tick. */
  /** At boot: jobs left running are queued again, and streams of shows still on air are watched from where they were. */
  async recover(): Promise<void> {
    for (const show of this.shows.onAir()) {
      const before = await this.lastStreamState(show.id).catch(
        (err: Error) => void this.d.log.warn({ show: show.id, err: err.message }, 'could not read where the stream of a show on air was'),
      );
      if (before) this.resumedStreams.set(show.id, before);
    }
    this.jobs.recover();
    this.streams.sync(this.shows.onAir());
    this.endurance.sync(this.shows.onAir());
    this.resumedStreams.clear();
  }

  /** Every health message the controller takes (O(1) work here: no query, no write unless a state changes). */
  noteHealth(agent: string, device: string, health: DeviceHealth): void {
    this.maintenance.noteHealth(agent, device, health);
    this.streams.onHealth(agent, device, health);
    this.endurance.noteHealth(agent, device, health);
  }

  /** A slot's live member changed (a failover): a stream slot's new encoder is judged at once. */
  liveChanged(slot: string): void {
    this.streams.liveChanged(slot);
    this.endurance.liveChanged(slot);
  }

  /** At boot only, for a show still on air: where its stream was when the controller stopped. */
  private async lastStreamState(show: string): Promise<{ condition: StreamCondition | 'starting'; framesDropped: number } | undefined> {
    const on = this.d.store.show(show);
    if (!on?.stream || on.startedAt === null) return undefined;
    // That slot's events since the show started, not the whole log: this runs at boot.
    const last = eventsOf(
      await this.d.history.events({ slot: on.stream, since: on.startedAt, type: 'stream.state', limit: 10_000 }),
      'stream.state',
    )
      .filter((e) => e.data.show === show)
      .at(-1);
    if (!last) return undefined;
    return { condition: last.data.condition as StreamCondition, framesDropped: last.data.framesDropped };
  }

  /** The controller is stopping: nothing more is started or written. */
  stop(): void {
    this.jobs.stop();
    this.guard(() => this.d.store.saveCheckedUntil(this.lastTick));
  }

  anyShowOnAir(): boolean {
    return this.shows.onAir().length > 0;
  }

  /** Why intrusive steps must not run on this device now. */
  onAirReason(ref: DeviceRef): string | undefined {
    const fromShow = this.shows.protection(ref, false);
    if (fromShow) return fromShow;
    const slots = this.d.slots.slotsOf(ref);
    return this.d.manualOnAir() && slots.length > 0 ? `on air: serves slot ${slots.join(', ')}` : undefined;
  }

  /** Shows and maintenance windows due since the last tick, then the job queue. Not per message: on the controller's timer. */
  tick(): void {
    // On a timer: nothing in here may throw out of it and take the controller down.
    this.guard(() => this.tickNow());
  }

  private tickNow(): void {
    const now = this.d.clock.now();
    const due = dueWork(
      { shows: this.d.store.activeShows(), schedules: this.d.store.schedules(), preshowDone: (id) => this.shows.preshowStarted(id) },
      this.lastTick,
      now,
    );
    this.lastTick = now;
    for (const show of due.end) this.guard(() => this.shows.stop(show.id, 'scheduler', 'ended at its scheduled time'));
    for (const show of due.preshow) this.guard(() => this.shows.runPreshow(show.id, 'scheduler'));
    for (const show of due.start) this.guard(() => this.shows.start(show.id, 'scheduler', 'started at its scheduled time'));
    for (const w of due.windows) this.guard(() => this.openWindow(w, now));
    for (const p of due.problems) {
      if (this.reported.has(p.schedule)) continue; // once, not every tick
      this.reported.add(p.schedule);
      this.d.log.error({ schedule: p.schedule, err: p.error }, 'maintenance schedule cannot be computed; fix or remove it');
    }
    if (now - this.savedAt >= SAVE_CHECKED_MS || due.windows.length > 0)
      this.guard(() => (this.d.store.saveCheckedUntil(now), (this.savedAt = now)));
    this.endurance.tick();
    this.jobs.pump();
  }

  /** Each occurrence once, even across restarts; one that closed while the controller was down is recorded as missed. */
  private openWindow(w: { schedule: Schedule; opensAt: number; closesAt: number }, now: number): void {
    if (this.d.store.windowOpened(w.schedule.id, w.opensAt)) return;
    if (w.closesAt > now) return this.maintenance.openWindow(w.schedule, w.opensAt, w.closesAt);
    const since = this.downSince === undefined ? '' : ` (down from ${new Date(this.downSince).toISOString()})`;
    this.d.log.warn({ schedule: w.schedule.id, opensAt: w.opensAt }, 'maintenance window missed while the controller was down');
    this.maintenance.openWindow(
      w.schedule,
      w.opensAt,
      w.closesAt,
      `missed: the controller was not running during this maintenance window${since}`,
    );
  }

  handlers(): PlanHandlers {
    return {
      'show.add': (p, by) => this.shows.add(p, by),
      'show.list': (p) => this.shows.list(p),
      'show.start': (p, by) => this.shows.start(p.id, by, p.reason ?? 'started by hand'),
      'show.stop': (p, by) => this.shows.stop(p.id, by, p.reason ?? 'stopped by hand'),
      'show.quiet': (p, by) => this.shows.quiet(p, by),
      preshow: async (p, by) => {
        if (!p.run) return this.shows.checklist(p.show);
        this.shows.runPreshow(p.show, by);
        const jobs = () => this.d.store.jobsOfShow(p.show);
        await Promise.all(
          jobs()
            .filter((j) => j.state === 'queued' || j.state === 'running')
            .map((j) => this.jobs.whenFinished(j)),
        );
        // Retries are queued as the first attempts finish: wait for those too.
        await Promise.all(
          jobs()
            .filter((j) => j.state === 'queued' || j.state === 'running')
            .map((j) => this.jobs.whenFinished(j)),
        );
        return this.shows.checklist(p.show);
      },
      'test.run': async (p, by) => {
        const ref = this.d.catalog.resolve(p.device);
        const job = this.jobs.enqueue({
          kind: 'manual',
          ...ref,
          intrusive: p.intrusive ?? true,
          requestedBy: by,
          createdAt: this.d.clock.now(),
          notBefore: this.d.clock.now(),
        });
        const finished = this.jobs.whenFinished(job);
        this.jobs.pump();
        const done: Job = await finished;
        if (!done.report) throw new Error(`test of ${ref.agent}/${ref.device} ${done.state}: ${done.reason ?? 'no report'}`);
        return done.report;
      },
      'test.history': (p) => {
        const ref = p.device ? this.d.catalog.resolve(p.device) : undefined;
        return {
          jobs: this.d.store.history({
            ...(ref ? { agent: ref.agent, device: ref.device } : {}),
            ...(p.kind ? { kind: p.kind } : {}),
            ...(p.state ? { state: p.state } : {}),
            ...(p.since !== undefined ? { since: p.since } : {}),
            ...(p.limit ? { limit: p.limit } : {}),
          }),
        };
      },
      'schedule.add': (p, by) => this.maintenance.add(p, by),
      'schedule.list': () => this.maintenance.list(),
      'schedule.remove': (p, by) => this.maintenance.remove(p, by),
      'maintenance.due': () => this.maintenance.due(),
      report: async (p) => {
        const until = p.until ?? this.d.clock.now();
        const since = p.since ?? until - 7 * 86_400_000;
        if (since >= until) throw new Error('--since must be before --until');
        // The period and a bounded context before it, read in pages: never the whole history.
        return this.d.history.report({
          since,
          until,
          ...(p.studio ? { studio: p.studio } : {}),
          ...(p.target ? { target: p.target } : {}),
        });
      },
    };
  }

  private selfTest(ref: DeviceRef, intrusive: boolean) {
    let profile: EquipmentProfile;
    let testParams: Record<string, unknown> | undefined;
    try {
      const unit = this.d.catalog.lookup(ref);
      profile = unit.profile;
      testParams = unit.registration.testParams;
    } catch {
      return undefined;
    }
    const budgetMs = profile.selfTest.reduce((total, s) => total + s.timeoutMs, 0) + JOB_SLACK_MS;
    return {
      budgetMs,
      run: () =>
        this.d.selfTests.run(ref, profile, { intrusive, helpers: this.d.catalog.helpers(ref), ...(testParams ? { testParams } : {}) }),
    };
  }

  /** One bad show or schedule must not stop the others from being handled. */
  private guard(work: () => unknown): void {
    try {
      work();
    } catch (err) {
      this.d.log.error({ err: (err as Error).message }, 'plan step failed');
    }
  }
}
