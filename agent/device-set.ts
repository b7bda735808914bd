/**
 * The devices an agent runs: those in its own config file, plus the registered devices the
 * controller hands it (retained desired config). A new desired config is applied live, one at a
 * time and in order: a device added starts, a changed one reconnects, a removed one stops — and
 * every other device keeps running untouched. A device the agent cannot run is refused with a
 * reason while its previous form, if any, keeps running: a typo never takes working gear away.
 */
import { probeDeadline } from '../protocols/probe-deadline.ts';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { AppliedConfig, DesiredConfig, DeviceConfig } from '../protocols/device-config.ts';
import { DeviceRunner, type HealthReport } from './device-runner.ts';
import type { CatalogDriver, DriverCatalog } from './driver.ts';
import type { KeptState } from './kept-state.ts';
import { withMedia, type MediaWatchFactory } from './media/with-media.ts';

export interface RunningDevice {
  config: DeviceConfig;
  runner: DeviceRunner;
  definition: CatalogDriver;
  /** From the controller's desired config (true) or the agent's own file (false). */
  managed: boolean;
}

export interface DeviceSetDependencies {
  agentId: string;
  drivers: DriverCatalog;
  clock: Clock;
  log: Logger;
  healthIntervalMs: number;
  /** Shared objects and outputs kept across restarts, for every driver of this agent. */
  keptState: KeptState;
  /** The media watch of a device whose config has `media` (its picture and sound in its health). */
  mediaWatches: MediaWatchFactory;
  publishHealth: (deviceId: string, health: HealthReport) => void;
  /** A watched device's live picture for the wall (protocols/pictures.ts); none without it. */
  publishPicture?: (deviceId: string, jpeg: Buffer) => void;
  /** A device was removed: clear its retained health so nobody keeps reading a ghost. */
  forget: (deviceId: string) => void;
}

/** What decides how a device connects (its media watch included): a change here means reconnect; rules alone change in place. */
const connectionKey = (c: DeviceConfig): string =>
  JSON.stringify([c.driver, c.kind ?? null, c.probe, c.connectTimeoutMs, c.actionTimeoutMs, c.options, c.media ?? null]);

export class DeviceSet {
  private readonly devices = new Map<string, RunningDevice>();
  private readonly optionChecks = new Map<string, TypeCheck<TSchema>>();
  private applying: Promise<unknown> = Promise.resolve();
  private applied: AppliedConfig | undefined;

  constructor(private readonly d: DeviceSetDependencies) {}

  get(deviceId: string): RunningDevice | undefined {
    return this.devices.get(deviceId);
  }

  ids(): string[] {
    return [...this.devices.keys()];
  }

  entries(): IterableIterator<[string, RunningDevice]> {
    return this.devices.entries();
  }

  /** Devices from the agent's own file: already validated by the config loader. */
  startLocal(configs: DeviceConfig[]): void {
    for (const config of configs) this.start(config, false);
  }

  /** The last report, so it can be repeated after a reconnect. */
  lastApplied(): AppliedConfig | undefined {
    return this.applied;
  }

  /** Applies desired configs strictly in arrival order. */
  apply(desired: DesiredConfig): Promise<AppliedConfig> {
    const next = this.applying.then(() => this.applyNow(desired));
    this.applying = next.catch(() => undefined);
    return next;
  }

  async stopAll(): Promise<void> {
    await this.applying;
    await Promise.all([...this.devices.values()].map((d) => d.runner.stop()));
    this.devices.clear();
  }

  private async applyNow(desired: DesiredConfig): Promise<AppliedConfig> {
    const { log, agentId } = this.d;
    const problems: AppliedConfig['problems'] = [];
    const wanted = new Map<string, DeviceConfig>();
    for (const raw of desired.devices) {
      const checked = this.check(raw);
      if (typeof checked === 'string') problems.push({ device: raw.id, error: checked });
      else wanted.set(raw.id, checked);
    }
    const refused = new Set(problems.map((p) => p.device));

    const toStop: string[] = [];
    const toStart: DeviceConfig[] = [];
    for (const [id, running] of this.devices) {
      if (!running.managed || wanted.has(id) || refused.has(id)) continue;
      toStop.push(id); // removed from the desired config
    }
    for (const [id, config] of wanted) {
      const running = this.devices.get(id);
      if (!running) toStart.push(config);
      else if (connectionKey(running.config) !== connectionKey(config)) (toStop.push(id), toStart.push(config));
      else {
        running.runner.setRules(config.rules);
        running.config = config;
      }
    }

    // Stop first: a changed device may need the same serial port or TCP session it holds now.
    await Promise.all(toStop.map((id) => this.stop(id, !wanted.has(id))));
    for (const config of toStart) this.start(config, true);

    for (const p of problems)
      log.warn(
        { agent: agentId, device: p.device, configVersion: desired.version, err: p.error },
        'refused a registered device; its previous form (if any) keeps running',
      );
    log.info(
      { agent: agentId, configVersion: desired.version, started: toStart.map((c) => c.id), stopped: toStop, refused: [...refused] },
      'applied desired config',
    );
    this.applied = {
      version: desired.version,
      ts: this.d.clock.now(),
      running: [...this.devices.values()].filter((r) => r.managed).map((r) => r.config.id),
      problems,
    };
    return this.applied;
  }

  /** A usable config (driver defaults filled in) or the reason it is not. */
  private check(config: DeviceConfig): DeviceConfig | string {
    const existing = this.devices.get(config.id);
    if (existing && !existing.managed) return `device id "${config.id}" is already used by this agent's own config file`;
    const definition = this.d.drivers.get(config.driver);
    if (!definition) return `this agent has no driver "${config.driver}" (it has: ${[...this.d.drivers.keys()].join(', ')})`;
    let check = this.optionChecks.get(config.driver);
    if (!check) this.optionChecks.set(config.driver, (check = TypeCompiler.Compile(definition.optionsSchema)));
    const options = Value.Default(definition.optionsSchema, structuredClone(config.options)) as Record<string, unknown>;
    if (!check.Check(options)) {
      const errors = [...check.Errors(options)].slice(0, 3).map((e) => `options${e.path.replace(/\//g, '.')}: ${e.message}`);
      return `invalid ${config.driver} options: ${errors.join('; ')}`;
    }
    return { ...config, options };
  }

  private start(config: DeviceConfig, managed: boolean): void {
    const definition = this.d.drivers.get(config.driver);
    if (!definition) throw new Error(`unknown driver "${config.driver}" for device ${config.id}`);
    const log = this.d.log.child({ agent: this.d.agentId, device: config.id });
    // Never shorter than the driver's own request deadline, so a failed probe carries the driver's reason.
    const deadline = probeDeadline(definition, config.options, config.probe.timeoutMs);
    if (deadline.raised) log.warn({ probeTimeoutMs: deadline.ms }, deadline.raised);
    const own = definition.create({ deviceId: config.id, options: config.options, log, state: this.d.keptState });
    const driver = config.media
      ? withMedia({
          deviceId: config.id,
          driverName: config.driver,
          config: config.media,
          driver: own,
          watches: this.d.mediaWatches,
          feedTimeoutMs: config.connectTimeoutMs,
          clock: this.d.clock,
          log,
          ...(this.d.publishPicture ? { onPicture: (jpeg: Buffer) => this.d.publishPicture!(config.id, jpeg) } : {}),
        })
      : own;
    const runner = new DeviceRunner({
      agentId: this.d.agentId,
      deviceId: config.id,
      driverName: config.driver,
      kind: config.kind,
      driver,
      probeIntervalMs: config.probe.intervalMs,
      probeTimeoutMs: deadline.ms,
      connectTimeoutMs: config.connectTimeoutMs,
      actionTimeoutMs: config.actionTimeoutMs,
      healthIntervalMs: this.d.healthIntervalMs,
      rules: config.rules,
      ...(definition.stateMetrics ? { stateMetrics: definition.stateMetrics } : {}),
      clock: this.d.clock,
      log,
      publish: (health) => this.d.publishHealth(config.id, health),
    });
    this.devices.set(config.id, { config, runner, definition, managed });
    runner.start();
  }

  private async stop(deviceId: string, forget: boolean): Promise<void> {
    const running = this.devices.get(deviceId);
    if (!running) return;
    this.devices.delete(deviceId); // commands for it are refused from now on
    await running.runner.stop();
    if (forget) this.d.forget(deviceId);
  }
}
