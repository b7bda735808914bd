/**
 * Each device's last health report and an hour of its numeric metrics, in memory, for the console's
 * device page. O(metrics) per health message and no disk write: a sample is kept per `sampleMs`
 * (each metric's last value in the interval), in a ring of `windowMs / sampleMs` samples per device.
 * With `persist`, each device's metrics are also folded into one sample per `persist.sampleMs`
 * (coarser: days of them are kept) that is saved once its interval is over — by the next message,
 * or by `saveEnded` on a timer for a device that stopped reporting — never per message.
 */
import type { DeviceHealth } from '../../protocols/schemas.ts';
import type { DeviceHealthView, MetricTrend } from '../../protocols/console-operations.ts';
import { deviceKey } from '../../protocols/device-ref.ts';
import type { HealthSample } from '../store/health-samples.ts';

/** Where the long history goes: one sample per device per `sampleMs` (controller/store/health-samples.ts). */
export interface HealthPersistence {
  sampleMs: number;
  save(sample: HealthSample): void;
}

interface Sample {
  t: number;
  values: Record<string, number>;
}

interface DeviceHistory {
  latest: NonNullable<DeviceHealthView['latest']>;
  ring: Array<Sample | undefined>;
  /** Where the next interval's sample goes. */
  next: number;
  /** The interval the sample at next - 1 belongs to. */
  interval: number;
  /** The persisted interval being filled (its start), not yet saved. */
  stored?: HealthSample;
}

export class HealthHistory {
  private readonly devices = new Map<string, DeviceHistory>();
  private readonly size: number;

  constructor(private readonly o: { sampleMs?: number; windowMs?: number; persist?: HealthPersistence } = {}) {
    this.size = Math.max(1, Math.ceil(this.windowMs / this.sampleMs));
  }

  get sampleMs(): number {
    return this.o.sampleMs ?? 10_000;
  }

  get windowMs(): number {
    return this.o.windowMs ?? 3_600_000;
  }

  /** `at`: the controller's clock when the report arrived (an agent's clock may be off). */
  note(agent: string, device: string, health: DeviceHealth, at: number): void {
    const key = deviceKey(agent, device);
    let h = this.devices.get(key);
    const latest = { status: health.status, checks: health.checks, metrics: health.metrics, ts: health.ts, driver: health.driver };
    if (!h) this.devices.set(key, (h = { latest, ring: new Array<Sample | undefined>(this.size), next: 0, interval: -1 }));
    h.latest = latest;
    const interval = Math.floor(at / this.sampleMs);
    // The interval's last value of each metric, written into the interval's own sample (no copy per
    // message: this runs for every health message): a report without a metric (a failed probe reports
    // none) does not erase the values the interval already had.
    let sample = h.ring[(h.next - 1 + this.size) % this.size];
    if (interval !== h.interval || !sample) {
      sample = { t: at, values: {} };
      h.ring[h.next] = sample;
      h.next = (h.next + 1) % this.size;
      h.interval = interval;
    }
    sample.t = at;
    const stored = this.o.persist ? this.storedSample(agent, device, h, at, this.o.persist) : undefined;
    for (const name in health.metrics) {
      const value = health.metrics[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      sample.values[name] = value;
      if (stored) stored.values[name] = value;
    }
  }

  /** The persisted interval `at` falls in; the one before it is saved first, being over. */
  private storedSample(agent: string, device: string, h: DeviceHistory, at: number, persist: HealthPersistence): HealthSample {
    const start = Math.floor(at / persist.sampleMs) * persist.sampleMs;
    if (h.stored && h.stored.t !== start) this.save(h);
    return (h.stored ??= { agent, device, t: start, values: {} });
  }

  private save(h: DeviceHistory): void {
    if (h.stored && Object.keys(h.stored.values).length > 0) this.o.persist?.save(h.stored);
    delete h.stored;
  }

  /** Saves the persisted samples whose interval is over at `now` (a device that stopped reporting); all of them without `now` (closing). */
  saveEnded(now?: number): void {
    const persist = this.o.persist;
    if (!persist) return;
    for (const h of this.devices.values()) if (h.stored && (now === undefined || h.stored.t + persist.sampleMs <= now)) this.save(h);
  }

  /** The persisted sample still being filled (not yet in the store), if any. */
  unsaved(agent: string, device: string): HealthSample | undefined {
    return this.devices.get(deviceKey(agent, device))?.stored;
  }

  forget(agent: string, device: string): void {
    const h = this.devices.get(deviceKey(agent, device));
    if (h) this.save(h);
    this.devices.delete(deviceKey(agent, device));
  }

  view(agent: string, device: string, now: number): DeviceHealthView {
    const h = this.devices.get(deviceKey(agent, device));
    const trend: MetricTrend = { sampleMs: this.sampleMs, t: [], series: {} };
    if (!h) return { agent, device, latest: null, trend };
    const samples: Sample[] = [];
    for (let i = 0; i < this.size; i += 1) {
      const s = h.ring[(h.next + i) % this.size];
      if (s && s.t > now - this.windowMs) samples.push(s);
    }
    const names = new Set(samples.flatMap((s) => Object.keys(s.values)));
    for (const name of names) trend.series[name] = samples.map((s) => s.values[name] ?? null);
    trend.t = samples.map((s) => s.t);
    return { agent, device, latest: h.latest, trend };
  }
}
