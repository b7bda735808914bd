/**
 * Will it last the show, as it runs: keeps the readings of devices whose profile has forecast rules
 * (controller/plan/endurance.ts) and, on air, raises an alarm once when a slot's live member is
 * forecast to run out before the show ends — its lead time before that (at once if already inside
 * it), with the backup the failover rules would pick — and clears it when the member is swapped out
 * or its forecast lasts again (charged, a fresh battery). Per health message: one map lookup for a
 * device without forecast rules; for one with rules, O(rules × bounded readings).
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { NewEvent } from '../../protocols/events.ts';
import type { EnduranceVerdict, Show } from '../../protocols/plan-schemas.ts';
import type { EnduranceShortfall } from '../../protocols/profile.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { DeviceHealth, DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';
import { deviceKey, refName, sameRef } from '../../protocols/device-ref.ts';
import { DEFAULT_LEAD_MINUTES, forecast, proposeBackup, watchedMetrics, type ForecastRule, type Reading } from './endurance.ts';
import type { EnduranceChecks } from './endurance-checklist.ts';

export interface EnduranceWatchDependencies {
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  /** The device's forecast rules and its profile's shortfall policy (undefined: not registered, or none). */
  rulesOf: (ref: DeviceRef) => { rules: ForecastRule[]; shortfall?: EnduranceShortfall } | undefined;
  slots: {
    definition(id: string): SlotDefinition | undefined;
    slotsOf(ref: DeviceRef): string[];
    liveOf(slot: string): DeviceRef | null;
  };
  status: (ref: DeviceRef) => DeviceStatus | undefined;
}

/** Trend readings are kept one per this much time, over this long: a bounded least-squares window. */
const SERIES_SPACING_MS = 10_000;
const SERIES_WINDOW_MS = 30 * 60_000;
/** Profiles can change: what a device's rules are is looked up again after this long. */
const RULES_TTL_MS = 60_000;

interface Watched {
  rules: ForecastRule[];
  shortfall?: EnduranceShortfall;
  metrics: ReadonlySet<string>;
  trendMetrics: ReadonlySet<string>;
  latest: Map<string, Reading>;
  series: Map<string, Reading[]>;
}

/** A live member forecast to run out before its show ends. */
interface Shortfall {
  show: string;
  slot: string;
  ref: DeviceRef;
  verdict: EnduranceVerdict;
  dueAt: number;
  raised: boolean;
}

export class EnduranceWatch implements EnduranceChecks {
  private readonly devices = new Map<string, Watched | null>();
  private rulesCheckedAt = 0;
  private onAir: Show[] = [];
  /** show|slot|device|metric → the shortfall. */
  private readonly shortfalls = new Map<string, Shortfall>();

  constructor(private readonly d: EnduranceWatchDependencies) {}

  noteHealth(agent: string, device: string, health: Pick<DeviceHealth, 'status' | 'metrics'>): void {
    const ref = { agent, device };
    const w = this.watched(ref);
    if (!w) return;
    // An offline device's empty metrics are no evidence: keep what it last said.
    if (health.status === 'offline') return;
    const now = this.d.clock.now();
    for (const metric of w.metrics) {
      const value = health.metrics[metric];
      if (typeof value !== 'number') {
        w.latest.delete(metric); // not reported now (a run time the receiver does not know): not the old value either
        continue;
      }
      w.latest.set(metric, { value, at: now });
      if (w.trendMetrics.has(metric)) keepInSeries(w.series, metric, { value, at: now });
    }
    if (this.onAir.length > 0) this.judgeLive(ref, w, now);
  }

  /** EnduranceChecks: the forecasts of a device against a show's end, from what it last reported. */
  verdicts(ref: DeviceRef, showEndsAt: number): EnduranceVerdict[] {
    const w = this.watched(ref);
    return w ? forecast(ref, w.rules, w, showEndsAt, this.d.clock.now()) : [];
  }

  shortfallPolicy(ref: DeviceRef): EnduranceShortfall | undefined {
    return this.watched(ref)?.shortfall;
  }

  status(ref: DeviceRef): DeviceStatus | undefined {
    return this.d.status(ref);
  }

  /** The shows on air changed: their live members are judged at once; a show gone off air takes its shortfalls with it. */
  sync(shows: Show[]): void {
    this.onAir = shows;
    for (const [key, s] of this.shortfalls) if (!shows.some((show) => show.id === s.show)) this.shortfalls.delete(key);
    const now = this.d.clock.now();
    for (const show of shows)
      for (const slot of show.slots) {
        const live = this.d.slots.liveOf(slot);
        const w = live && this.watched(live);
        if (live && w) this.judge(show, slot, live, w, now);
      }
  }

  /** A slot's live member changed: a shortfall of the member swapped out is over. */
  liveChanged(slot: string): void {
    const live = this.d.slots.liveOf(slot);
    for (const [key, s] of this.shortfalls) {
      if (s.slot !== slot || sameRef(s.ref, live)) continue;
      this.shortfalls.delete(key);
      if (s.raised) this.clear(s, `${refName(s.ref)} was swapped out of ${slot} (now ${refName(live)})`);
    }
    const show = this.onAir.find((sh) => sh.slots.includes(slot));
    const w = live && this.watched(live);
    if (show && live && w) this.judge(show, slot, live, w, this.d.clock.now());
  }

  /** On the plan's timer: shortfalls whose lead time has come are raised. */
  tick(): void {
    const now = this.d.clock.now();
    if (now - this.rulesCheckedAt >= RULES_TTL_MS) {
      this.rulesCheckedAt = now;
      for (const [key, w] of this.devices) if (w === null) this.devices.delete(key); // looked up again when heard
    }
    for (const s of this.shortfalls.values()) if (!s.raised && now >= s.dueAt) this.raise(s);
  }

  private judgeLive(ref: DeviceRef, w: Watched, now: number): void {
    for (const slot of this.d.slots.slotsOf(ref)) {
      if (!sameRef(this.d.slots.liveOf(slot), ref)) continue;
      for (const show of this.onAir) if (show.slots.includes(slot)) this.judge(show, slot, ref, w, now);
    }
  }

  private judge(show: Show, slot: string, ref: DeviceRef, w: Watched, now: number): void {
    const lead = (show.enduranceLeadMinutes ?? DEFAULT_LEAD_MINUTES) * 60_000;
    for (const v of forecast(ref, w.rules, w, show.endsAt, now)) {
      const key = `${show.id}|${slot}|${refName(ref)}|${v.metric}`;
      const known = this.shortfalls.get(key);
      if (v.outcome === 'short' && v.endsAt !== null) {
        const s: Shortfall = known ?? { show: show.id, slot, ref, verdict: v, dueAt: 0, raised: false };
        s.verdict = v;
        s.dueAt = v.endsAt - lead;
        this.shortfalls.set(key, s);
        if (!s.raised && now >= s.dueAt) this.raise(s);
      } else if (known && v.outcome === 'lasts') {
        // Charged or a fresh battery: the forecast crossed back over the show's end. "unknown" (a receiver
        // still calculating a new battery's run time) changes nothing yet.
        this.shortfalls.delete(key);
        if (known.raised) this.clear(known, v.message);
      }
    }
  }

  private raise(s: Shortfall): void {
    s.raised = true;
    const def = this.d.slots.definition(s.slot);
    const members = def ? [def.primary, ...def.backups] : [];
    const backup = proposeBackup(
      members,
      s.ref,
      (m) => this.d.status(m),
      (m) => this.wontLast(m, s),
    );
    const proposal = backup
      ? `; backup: ${refName(backup)} (onair failover ${s.slot} --to ${refName(backup)} --reason "will not last the show")`
      : '; no backup ready in this slot';
    this.d.log.warn({ agent: s.ref.agent, device: s.ref.device, slot: s.slot, show: s.show }, 'will not last the show');
    this.alarm(s, 'warning', `${s.verdict.message}${proposal}`);
  }

  private clear(s: Shortfall, why: string): void {
    this.d.log.info({ agent: s.ref.agent, device: s.ref.device, slot: s.slot, show: s.show, why }, 'lasts the show again');
    this.alarm(s, 'cleared', `cleared: ${why}`);
  }

  /** Through the existing alarm path: an `alarm` event (the console's alarms, acknowledgements, notifications). */
  private alarm(s: Shortfall, severity: 'warning' | 'cleared', reason: string): void {
    this.d.record({
      type: 'alarm',
      ts: this.d.clock.now(),
      agent: s.ref.agent,
      device: s.ref.device,
      slot: s.slot,
      by: 'endurance',
      reason,
      data: { severity, cause: 'endurance', show: s.show },
    });
  }

  /** A backup that would run out before this show ends too is proposed only when nothing else can go. */
  private wontLast(m: DeviceRef, s: Shortfall): boolean {
    const endsAt = this.onAir.find((show) => show.id === s.show)?.endsAt;
    return endsAt !== undefined && this.verdicts(m, endsAt).some((v) => v.outcome === 'short');
  }

  /** The device's rules, looked up once (and again after RULES_TTL_MS for devices that had none). */
  private watched(ref: DeviceRef): Watched | undefined {
    const key = deviceKey(ref.agent, ref.device);
    const known = this.devices.get(key);
    if (known !== undefined) return known ?? undefined;
    const found = this.d.rulesOf(ref);
    if (!found || found.rules.length === 0) {
      this.devices.set(key, null);
      return undefined;
    }
    const w: Watched = {
      rules: found.rules,
      ...(found.shortfall ? { shortfall: found.shortfall } : {}),
      metrics: new Set(watchedMetrics(found.rules)),
      trendMetrics: new Set(found.rules.flatMap((r) => (r.kind === 'trend' ? [r.metric] : []))),
      latest: new Map(),
      series: new Map(),
    };
    this.devices.set(key, w);
    return w;
  }
}

/** One reading per SERIES_SPACING_MS, none older than SERIES_WINDOW_MS: at most 180 a metric. */
function keepInSeries(series: Map<string, Reading[]>, metric: string, r: Reading): void {
  const list = series.get(metric) ?? [];
  const last = list.at(-1);
  if (last && r.at - last.at < SERIES_SPACING_MS) return;
  list.push(r);
  while (list.length > 0 && r.at - list[0]!.at > SERIES_WINDOW_MS) list.shift();
  series.set(metric, list);
}
