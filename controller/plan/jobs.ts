/**
 * Runs test jobs: queued → running → passed | failed | timed_out, or skipped with the reason.
 * One job per device at a time, a few devices at once. Every job is a row in SQLite: a job found
 * running at boot was cut short by a restart, is marked so, and a fresh copy is queued — never lost.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { TimeoutError, errorMessage, withTimeout } from '../../lib/timeout.ts';
import { FINISHED_JOB_STATES, type Job } from '../../protocols/plan-schemas.ts';
import type { SelfTestReport } from '../../protocols/registry-operations.ts';
import type { DeviceRef } from '../../protocols/schemas.ts';
import type { NewJob, PlanStore } from '../store/plan-store.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { refName } from '../../protocols/device-ref.ts';

export interface JobRunnerDependencies {
  store: PlanStore;
  clock: Clock;
  log: Logger;
  /** The device's self-test; undefined when the device is no longer registered. */
  selfTest: (ref: DeviceRef, intrusive: boolean) => { budgetMs: number; run: () => Promise<SelfTestReport> } | undefined;
  /** Why intrusive steps must not run on this device now (on air), or undefined. */
  onAirReason: (ref: DeviceRef) => string | undefined;
  /** Why an intrusive maintenance test must wait (on air, or its show is about to start), or undefined. */
  busyReason: (ref: DeviceRef) => string | undefined;
  record: (event: NewEvent) => void;
  onFinished: (job: Job) => void;
  concurrency?: number;
}

const key = (j: { agent: string; device: string }): string => refName(j);

export class JobRunner {
  private readonly busyDevices = new Set<string>();
  private readonly waiters = new Map<number, Array<(job: Job) => void>>();
  private stopped = false;

  constructor(private readonly d: JobRunnerDependencies) {}

  /** At boot: jobs a crash cut short are marked and queued again. */
  recover(): void {
    for (const job of this.d.store.jobsIn('running')) {
      this.finish(job, 'failed', 'interrupted by a controller restart; queued again');
      this.enqueue({
        ...withoutRun(job),
        notBefore: this.d.clock.now(),
        createdAt: this.d.clock.now(),
        attempt: job.attempt + 1,
        retryOf: job.id,
      });
    }
  }

  enqueue(job: NewJob): Job {
    return this.d.store.addJob(job);
  }

  /** Resolves when the job reaches a final state. */
  whenFinished(job: Job): Promise<Job> {
    return new Promise((resolve) => this.waiters.set(job.id, [...(this.waiters.get(job.id) ?? []), resolve]));
  }

  /** The controller is stopping: running jobs are left "running" in the database, to be re-queued at the next start. */
  stop(): void {
    this.stopped = true;
  }

  /** Starts what may start now. Called on the controller's tick. */
  pump(): void {
    if (this.stopped) return;
    const now = this.d.clock.now();
    for (const job of this.d.store.jobsIn('queued')) {
      if (job.notBefore > now) break; // ordered by notBefore
      // Decide skips first: a job that may not run should say so now, not after the queue ahead of it.
      const skip = this.skipReason(job, now);
      if (skip) {
        this.finish(job, 'skipped', skip);
        continue;
      }
      if (this.busyDevices.size >= (this.d.concurrency ?? 4)) continue;
      if (this.busyDevices.has(key(job))) continue;
      this.start(job, now);
    }
  }

  /** A queued job that will not run, with the reason. */
  skip(job: Job, reason: string): void {
    this.finish(job, 'skipped', reason);
  }

  skipQueued(match: (job: Job) => boolean, reason: string): void {
    for (const job of this.d.store.jobsIn('queued')) if (match(job)) this.skip(job, reason);
  }

  private skipReason(job: Job, now: number): string | undefined {
    if (job.startBy !== undefined && now > job.startBy)
      return job.kind === 'maintenance' ? 'the maintenance window closed before it could start' : 'too late to start';
    const busy = job.kind === 'maintenance' && job.intrusive ? this.d.busyReason({ agent: job.agent, device: job.device }) : undefined;
    return busy ? `intrusive test not run: ${busy}` : undefined;
  }

  private start(job: Job, now: number): void {
    const ref = { agent: job.agent, device: job.device };
    // Pre-show and manual tests still run on gear that is on air, without their intrusive steps.
    const test = this.d.selfTest(ref, job.intrusive && !this.d.onAirReason(ref));
    if (!test) return this.finish(job, 'skipped', 'the device is no longer registered');
    this.busyDevices.add(key(job));
    const running: Job = { ...job, state: 'running', startedAt: now };
    this.d.store.updateJob(running);
    withTimeout(`test job ${job.id}`, test.budgetMs, () => test.run())
      .then((report) => {
        const failed = report.steps.find((s) => s.status === 'failed');
        this.finish({ ...running, report }, report.result, failed ? `${failed.name}: ${failed.detail ?? 'failed'}` : undefined);
      })
      .catch((err: unknown) => this.finish(running, err instanceof TimeoutError ? 'timed_out' : 'failed', errorMessage(err)))
      .finally(() => this.busyDevices.delete(key(job)));
  }

  private finish(job: Job, state: Job['state'], reason?: string): void {
    if (this.stopped) return; // its store may already be closed; the next start re-queues it
    if (!FINISHED_JOB_STATES.has(state)) throw new Error(`not a final state: ${state}`);
    const done: Job = { ...job, state, finishedAt: this.d.clock.now(), ...(reason ? { reason } : {}) };
    this.d.store.updateJob(done);
    this.d.record({
      type: 'job.finished',
      ts: done.finishedAt!,
      agent: job.agent,
      device: job.device,
      by: job.requestedBy ?? 'scheduler',
      ...(reason ? { reason } : {}),
      data: {
        job: job.id,
        kind: job.kind,
        state,
        attempt: job.attempt,
        ...(job.show ? { show: job.show } : {}),
        ...(job.schedule ? { schedule: job.schedule } : {}),
        ...(job.report ? { durationMs: job.report.durationMs } : {}),
      },
    });
    this.d.log[state === 'passed' ? 'info' : 'warn'](
      { agent: job.agent, device: job.device, job: job.id, kind: job.kind, state, reason },
      'test job finished',
    );
    this.d.onFinished(done);
    for (const resolve of this.waiters.get(job.id) ?? []) resolve(done);
    this.waiters.delete(job.id);
  }
}

function withoutRun(job: Job): Omit<Job, 'id' | 'state' | 'startedAt' | 'finishedAt' | 'report' | 'reason'> {
  const { id: _id, state: _state, startedAt: _s, finishedAt: _f, report: _r, reason: _reason, ...rest } = job;
  return rest;
}
