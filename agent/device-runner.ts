/**
 * Runs one device: connects its driver, probes it on a fixed period with a deadline,
 * turns every outcome (answer, error, hang) into health, and runs actions with a deadline.
 * A driver that throws or hangs only ever makes its own device "failed".
 */
import { inMetricList } from '../protocols/drivers/spec.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { Backoff } from '../lib/backoff.ts';
import { errorMessage, withTimeout } from '../lib/timeout.ts';
import type { DeviceHealth, DeviceStatus, HealthCheck, Params } from '../protocols/schemas.ts';
import type { HealthRule } from '../protocols/profile.ts';
import { evaluateHealthRules, worstOf } from '../protocols/health-rules.ts';
import { isDown } from '../protocols/failover-rule.ts';
import { isContentCheck } from '../protocols/media.ts';
import type { ActionOutcome, Driver, ProbeResult } from './driver.ts';
import { inDeviceScope, type DeviceScope } from './fault-isolation.ts';

export type HealthReport = Omit<DeviceHealth, 'session'>;

export interface DeviceRunnerSettings {
  /** The agent's id, for logs and for attributing a driver's escaped exception. */
  agentId?: string;
  deviceId: string;
  driverName: string;
  kind?: string;
  driver: Driver;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  connectTimeoutMs: number;
  actionTimeoutMs: number;
  healthIntervalMs: number;
  /** The profile's health rules, applied to every probe's metrics. */
  rules?: readonly HealthRule[];
  /** Metrics whose change is published at once (the driver's stateMetrics). */
  stateMetrics?: readonly string[];
  clock: Clock;
  log: Logger;
  publish: (health: HealthReport) => void;
}

/** Each failed probe is published (the controller counts them) up to this many in a row; then the steady interval applies. */
const FAILURE_REPORTS = 10;
/** After this many failed probes in a row on one connection, the driver is closed and connected again. */
const RECONNECT_AFTER_FAILURES = 8;

export class DeviceRunner {
  private timer: NodeJS.Timeout | undefined;
  private connected = false;
  private connecting = false;
  private nextConnectAt = 0;
  private probeInFlight = false;
  /** When the probe in flight passes its deadline (then a tick finding it still running is a failure). */
  private probeDeadlineAt = 0;
  private consecutiveFailures = 0;
  /** Failed probes since the driver last connected: a streak outlives reconnects, this does not. */
  private failuresOnConnection = 0;
  /** When the first failed probe of the current streak was sent (this agent's clock). */
  private failingSince = 0;
  private seq = 0;
  private last: HealthReport | undefined;
  private lastPublishedAt = 0;
  /** Capped low: a device back after a long outage is seen within seconds, not after a half-minute wait. */
  private readonly reconnectBackoff = new Backoff({ initialMs: 500, maxMs: 5_000 });
  private stopped = false;
  private rules: readonly HealthRule[];
  /** Grows with every probe started; a fresh reading is one from a probe started after the request. */
  private probeGeneration = 0;
  private freshWaiters: Array<{ after: number; resolve: (report: HealthReport) => void }> = [];

  /** Every driver call runs in this scope, so an exception a library throws from its own callbacks is this device's fault. */
  private readonly scope: DeviceScope;

  constructor(private readonly s: DeviceRunnerSettings) {
    this.rules = s.rules ?? [];
    this.scope = { agent: s.agentId ?? '', device: s.deviceId, fault: (err) => this.onDriverFault(err) };
  }

  /** What escaped from the driver's own callbacks: a failed probe, and a fresh connection. */
  private onDriverFault(err: Error): void {
    if (this.stopped) return;
    this.record(failedProbe('driver', 'failed', `driver crashed: ${err.message}`), 0, this.s.clock.now());
    if (this.connected) this.reconnect();
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return inDeviceScope(this.scope, work);
  }

  /** A profile change that only touches health rules applies without reconnecting the device. */
  setRules(rules: readonly HealthRule[]): void {
    this.rules = rules;
  }

  /**
   * Health from a probe that starts after this call (self-tests check what an action did, not what was
   * true before it). Waits for a probe already running to finish rather than stacking a second one.
   */
  freshHealth(): Promise<HealthReport> {
    if (!this.connected) return Promise.reject(this.notConnected());
    const after = this.probeGeneration;
    const waiter = { after, resolve: (_: HealthReport) => undefined as void };
    const reading = new Promise<HealthReport>((resolve) => {
      waiter.resolve = resolve;
      this.freshWaiters.push(waiter);
    });
    if (!this.probeInFlight) this.runProbe();
    const deadlineMs = this.s.probeIntervalMs + this.s.probeTimeoutMs + 1_000;
    return withTimeout(`fresh probe of ${this.s.deviceId}`, deadlineMs, () => reading).finally(() => {
      this.freshWaiters = this.freshWaiters.filter((w) => w !== waiter);
    });
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.s.probeIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await withTimeout(`closing ${this.s.deviceId}`, this.s.connectTimeoutMs, () => this.call(() => this.s.driver.close())).catch(
      (err: unknown) => this.s.log.warn({ err: errorMessage(err) }, 'driver close failed'),
    );
  }

  lastHealth(): HealthReport | undefined {
    return this.last;
  }

  /** Runs an action with its deadline; `abandon` (a command's time to live, or its cancel) aborts it sooner. */
  async execute(action: string, params: Params, abandon?: AbortSignal): Promise<ActionOutcome> {
    if (!this.connected) throw this.notConnected();
    return withTimeout(`${action} on ${this.s.deviceId}`, this.s.actionTimeoutMs, (deadline) =>
      this.call(() => this.s.driver.execute(action, params, abandon ? AbortSignal.any([deadline, abandon]) : deadline)),
    );
  }

  /**
   * Someone asked this device for something (a self-test, a command) while it waits out its reconnect
   * backoff: it tries to connect now instead, so the asker's next attempt can find it back — a repaired
   * device must not fail its pre-show retry for a pause meant to spare a hung one.
   */
  private notConnected(): Error {
    this.nextConnectAt = 0;
    if (!this.stopped) this.tryConnect();
    return new Error(`device ${this.s.deviceId} is not connected`);
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.connected) {
      this.tryConnect();
      return;
    }
    if (this.probeInFlight) {
      // Within its deadline, a probe slower than the interval is not a failure: the driver may still
      // answer, or give its own reason (a tick counting it failed would hide that reason).
      if (this.s.clock.now() < this.probeDeadlineAt) return;
      // The previous probe outlived its deadline and the driver still has not returned.
      this.record(failedProbe('probe', 'failed', 'previous probe still has no answer (device hung)'), 0, this.s.clock.now());
      return;
    }
    this.runProbe();
  }

  private tryConnect(): void {
    const now = this.s.clock.now();
    if (this.connecting || now < this.nextConnectAt) return;
    this.connecting = true;
    const started = now;
    withTimeout(`connecting ${this.s.deviceId}`, this.s.connectTimeoutMs, (signal) => this.call(() => this.s.driver.connect(signal)))
      .then(() => {
        this.connected = true;
        this.failuresOnConnection = 0;
        // The backoff is reset by a probe that works, not by the connect: a device that accepts the
        // connection and then stays hung must not be reconnected ever faster.
        this.s.log.info('device connected');
        this.runProbe();
      })
      .catch((err: unknown) => {
        this.nextConnectAt = this.s.clock.now() + this.reconnectBackoff.next();
        this.record(failedProbe('connect', 'offline', errorMessage(err)), 0, started);
      })
      .finally(() => {
        this.connecting = false;
      });
  }

  private runProbe(): void {
    if (this.stopped) return;
    this.probeInFlight = true;
    const generation = ++this.probeGeneration;
    const started = this.s.clock.now();
    this.probeDeadlineAt = started + this.s.probeTimeoutMs;
    withTimeout(`probe of ${this.s.deviceId}`, this.s.probeTimeoutMs, (signal) => {
      const call = this.call(() => Promise.resolve().then(() => this.s.driver.probe(signal)));
      // In flight until the driver itself returns, not until our deadline: a driver that
      // ignores its abort signal must not get a second probe piled on top of the hung one.
      call.then(
        () => (this.probeInFlight = false),
        () => (this.probeInFlight = false),
      );
      return call;
    })
      .then((result) => this.record(result, generation, started))
      .catch((err: unknown) =>
        this.record(failedProbe('probe', 'failed', errorMessage(err), this.s.clock.now() - started), generation, started),
      );
  }

  /** `sentAt`: when the probe (or connect attempt) behind this result began. */
  private record(probed: ProbeResult, generation: number, sentAt: number): void {
    if (this.stopped) return;
    const result = this.withRules({ ...probed, metrics: cleanMetrics(probed.metrics) });
    const failing = isDown(result.status);
    if (failing && this.consecutiveFailures === 0) this.failingSince = sentAt;
    this.consecutiveFailures = failing ? this.consecutiveFailures + 1 : 0;
    // A reconnect cannot mend a black picture or a silent mic, and would restart the device's media
    // watch (its durations from zero): only the gear's own failures count towards one.
    this.failuresOnConnection = failing && !contentOnly(result.checks) ? this.failuresOnConnection + 1 : 0;
    if (!failing) this.reconnectBackoff.reset();
    if (this.failuresOnConnection >= RECONNECT_AFTER_FAILURES && this.connected) this.reconnect();
    const now = this.s.clock.now();
    const report: HealthReport = {
      status: result.status,
      checks: result.checks,
      metrics: result.metrics,
      consecutiveFailures: this.consecutiveFailures,
      ...(failing ? { failingForMs: Math.max(0, now - this.failingSince) } : {}),
      ts: now,
      seq: this.seq,
      driver: this.s.driverName,
      ...(this.s.kind ? { kind: this.s.kind } : {}),
    };
    if (this.shouldPublish(report, now)) {
      this.seq += 1;
      this.lastPublishedAt = now;
      this.s.publish(report);
      if (report.status !== this.last?.status) {
        this.s.log.info({ status: report.status, detail: firstProblem(report.checks) }, 'device health changed');
      }
    }
    this.last = report;
    if (generation > 0 && this.freshWaiters.length > 0) {
      for (const w of this.freshWaiters) if (w.after < generation) w.resolve(report);
    }
  }

  /** The driver's own verdict, made worse (never better) by the profile's rules on its metrics. */
  private withRules(result: ProbeResult): ProbeResult {
    if (this.rules.length === 0) return result;
    const ruleChecks = evaluateHealthRules(this.rules, result.metrics);
    if (ruleChecks.length === 0) return result;
    return { ...result, status: worstOf([result.status, ...ruleChecks.map((c) => c.status)]), checks: [...result.checks, ...ruleChecks] };
  }

  private shouldPublish(report: HealthReport, now: number): boolean {
    const previous = this.last;
    if (!previous) return true;
    if (report.status !== previous.status) return true;
    if (report.consecutiveFailures > 0 && report.consecutiveFailures <= FAILURE_REPORTS) return true;
    if (problemKey(report.checks) !== problemKey(previous.checks)) return true;
    if (this.stateChanged(report.metrics, previous.metrics)) return true;
    return now - this.lastPublishedAt >= this.s.healthIntervalMs;
  }

  private stateChanged(now: HealthReport['metrics'], before: HealthReport['metrics']): boolean {
    const names = this.s.stateMetrics;
    if (!names?.length) return false;
    for (const key of new Set([...Object.keys(now), ...Object.keys(before)])) {
      if (now[key] !== before[key] && inMetricList(names, key)) return true;
    }
    return false;
  }

  private reconnect(): void {
    this.s.log.warn({ failures: this.consecutiveFailures }, 'device keeps failing; reconnecting its driver');
    this.connected = false;
    this.nextConnectAt = this.s.clock.now() + this.reconnectBackoff.next();
    withTimeout(`closing ${this.s.deviceId}`, this.s.connectTimeoutMs, () => this.call(() => this.s.driver.close())).catch(() => undefined);
  }
}

/** Drivers are outside code: a metric that is not a finite number, string or boolean is dropped, never published. */
function cleanMetrics(metrics: ProbeResult['metrics']): ProbeResult['metrics'] {
  const clean: ProbeResult['metrics'] = {};
  for (const [key, value] of Object.entries(metrics ?? {})) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      clean[key] = value;
  }
  return clean;
}

function failedProbe(check: string, status: DeviceStatus, detail: string, latencyMs = 0): ProbeResult {
  return { status, checks: [{ name: check, status, latencyMs, detail }], metrics: {} };
}

/** Every check that is down is a content check (picture, sound, playback): the gear itself answers. */
function contentOnly(checks: HealthCheck[]): boolean {
  const down = checks.filter((c) => isDown(c.status));
  return down.length > 0 && down.every((c) => isContentCheck(c.name));
}

function problemKey(checks: HealthCheck[]): string {
  let key = '';
  for (const c of checks) if (c.status !== 'ok') key += `${c.name}=${c.status};`;
  return key;
}

function firstProblem(checks: HealthCheck[]): string | undefined {
  const bad = checks.find((c) => c.status !== 'ok');
  return bad ? `${bad.name}: ${bad.detail ?? bad.status}` : undefined;
}
