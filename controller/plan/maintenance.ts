/**
 * Maintenance: test schedules in cron syntax (each occurrence a maintenance window in which the
 * matching devices' self-tests are queued), and maintenance-due items from wear limits and profile
 * intervals.
 */
import type { Clock } from '../../lib/clock.ts';
import type { OperationData, OperationParams } from '../../protocols/contract.ts';
import type { DeviceRegistration } from '../../protocols/device-config.ts';
import type { Schedule } from '../../protocols/plan-schemas.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import type { DeviceHealth, DeviceRef } from '../../protocols/schemas.ts';
import type { JobRunner } from './jobs.ts';
import type { PlanStore } from '../store/plan-store.ts';
import { checkCron, nextRuns } from './scheduler.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { deviceKey, refName } from '../../protocols/device-ref.ts';

export interface MaintenanceDependencies {
  store: PlanStore;
  clock: Clock;
  record: (event: NewEvent) => void;
  jobs: JobRunner;
  registrations: () => Array<{ registration: DeviceRegistration; profile: EquipmentProfile }>;
  resolve: (name: string) => DeviceRef;
}

const DAY_MS = 86_400_000;

export class Maintenance {
  /** Per device, the wear limits its last health reported passed: check name → what it said. */
  private readonly worn = new Map<string, Map<string, string>>();

  constructor(private readonly d: MaintenanceDependencies) {}

  /**
   * On every health message: O(1) unless the device is not ok or was worn. A wear limit newly
   * passed (a `maintenance:` check) is a `maintenance.due` event, once, not once per reading.
   */
  noteHealth(agent: string, device: string, health: Pick<DeviceHealth, 'status' | 'checks'>): void {
    if (health.status === 'ok' && this.worn.size === 0) return; // the common case: nothing to look up
    const key = deviceKey(agent, device);
    const before = this.worn.get(key);
    if (health.status === 'ok' && !before) return;
    const now = new Map<string, string>();
    if (health.status !== 'ok') for (const c of health.checks) if (c.name.startsWith('maintenance: ')) now.set(c.name, c.detail ?? c.name);
    for (const [name, detail] of now) {
      if (!before?.has(name))
        this.d.record({ type: 'maintenance.due', ts: this.d.clock.now(), agent, device, reason: detail, data: { check: name } });
    }
    if (now.size > 0) this.worn.set(key, now);
    else this.worn.delete(key);
  }

  add(p: OperationParams<'schedule.add'>, by: string): OperationData<'schedule.add'> {
    checkCron(p);
    if (Object.keys(p.target).length === 0) throw new Error('a schedule needs a target: a device, profile, kind or studio');
    const now = this.d.clock.now();
    const schedule: Schedule = {
      id: p.id,
      cron: p.cron,
      ...(p.timezone ? { timezone: p.timezone } : {}),
      target: p.target,
      intrusive: p.intrusive ?? false,
      windowMinutes: p.windowMinutes ?? 60,
      createdAt: now,
      createdBy: by,
      ...(p.owner ? { owner: p.owner } : {}),
    };
    const devices = this.targets(schedule).map((r) => refName(r));
    if (devices.length === 0) throw new Error(`no registered device matches ${JSON.stringify(p.target)}`);
    this.d.store.saveSchedule(schedule);
    this.d.record({
      type: 'schedule.added',
      ts: now,
      by,
      data: { schedule: schedule.id, cron: schedule.cron, target: schedule.target, intrusive: schedule.intrusive, devices },
    });
    return { schedule, nextRuns: nextRuns(schedule, now, 3), devices };
  }

  list(): OperationData<'schedule.list'> {
    const now = this.d.clock.now();
    return { schedules: this.d.store.schedules().map((s) => ({ ...s, nextRun: nextRuns(s, now, 1)[0] ?? null })) };
  }

  remove(p: OperationParams<'schedule.remove'>, by: string): OperationData<'schedule.remove'> {
    if (!this.d.store.removeSchedule(p.id)) throw new Error(`no schedule "${p.id}"`);
    this.d.jobs.skipQueued((j) => j.schedule === p.id, `schedule ${p.id} was removed`);
    this.d.record({ type: 'schedule.removed', ts: this.d.clock.now(), by, data: { schedule: p.id } });
    return { id: p.id };
  }

  /**
   * A window opened: queue the self-test of every matching device, to start before it closes. One
   * that closed while nobody could run it (`missed`) has its jobs on record as skipped, with the reason.
   */
  openWindow(schedule: Schedule, opensAt: number, closesAt: number, missed?: string): void {
    for (const ref of this.targets(schedule)) {
      const job = this.d.jobs.enqueue({
        kind: 'maintenance',
        ...ref,
        intrusive: schedule.intrusive,
        schedule: schedule.id,
        createdAt: this.d.clock.now(),
        notBefore: opensAt,
        startBy: closesAt,
        // Whoever answers for the schedule answers for its jobs; one not passed by the window's end is overdue.
        ...(schedule.owner ? { owner: schedule.owner } : {}),
        dueAt: closesAt,
      });
      if (missed) this.d.jobs.skip(job, missed);
    }
  }

  due(): OperationData<'maintenance.due'> {
    const now = this.d.clock.now();
    const items: OperationData<'maintenance.due'>['items'] = [];
    const owners = this.owners();
    for (const { registration: r, profile } of this.d.registrations()) {
      const owner = owners.get(refName(r));
      const ref = { agent: r.agent, device: r.device, ...(owner ? { owner } : {}) };
      const profileName = `${profile.profile}@${profile.version}`;
      for (const reason of this.worn.get(refName(r))?.values() ?? []) items.push({ ...ref, profile: profileName, reason, since: null });
      const days = profile.maintenance.intervalDays;
      if (days === undefined) continue;
      const last = this.d.store.lastPassed(r.agent, r.device);
      if (last === undefined)
        items.push({ ...ref, profile: profileName, reason: `no passed test on record (interval ${days} days)`, since: null });
      else if (now - last > days * DAY_MS)
        items.push({
          ...ref,
          profile: profileName,
          reason: `last passed test ${Math.floor((now - last) / DAY_MS)} days ago (interval ${days} days)`,
          since: last,
        });
    }
    return { items };
  }

  /** Per device, the owner of the first schedule (by id) that has one and tests it: who answers for what is due. */
  private owners(): Map<string, string> {
    const owners = new Map<string, string>();
    for (const s of this.d.store.schedules())
      if (s.owner) for (const ref of this.targets(s)) if (!owners.has(refName(ref))) owners.set(refName(ref), s.owner);
    return owners;
  }

  private targets(s: Schedule): DeviceRef[] {
    const t = s.target;
    const named = t.device ? this.d.resolve(t.device) : undefined;
    return this.d
      .registrations()
      .filter(
        ({ registration: r, profile: p }) =>
          (!named || (r.agent === named.agent && r.device === named.device)) &&
          (!t.profile || p.profile === t.profile) &&
          (!t.kind || p.kind === t.kind) &&
          (!t.studio || r.studio === t.studio),
      )
      .map(({ registration: r }) => ({ agent: r.agent, device: r.device }));
  }
}
