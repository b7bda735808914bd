/**
 * Pure failure detection of one device: (track, health report or clock tick, now, thresholds) →
 * (new track, transition?). The one tracking step both deciders use: the controller's registry
 * (controller/fleet/registry.ts, through controller/fleet/failure-detector.ts) and an agent carrying on alone
 * (agent/carry-on.ts), so a device counts as failed, and as trusted again, at the same moment for both.
 *
 * Asymmetric hysteresis, as broadcast monitoring wants it: fail fast (failAfterProbes failed probes in a
 * row as the agent's runner counts them, or no health within a deadline), recover slowly (healthy for
 * recoverAfterMs without a relapse). A single failed or offline report is only a suspicion: a driver that
 * reconnects reports offline once, and switching a show's camera for that is worse than waiting a probe.
 */
import type { DeviceHealth, DeviceStatus } from './schemas.ts';
import { FAULT_CHECK, isContentCheck, isContentFault, MEDIA_METRICS, type ContentFault } from './media.ts';
import type { ContentTolerance } from './content-policy.ts';

/** A member that cannot go live: it failed, or it (or its agent) is gone (a string: event logs carry statuses as text too). */
export const isDown = (s: string | undefined): boolean => s === 'failed' || s === 'offline';

/** Enough failed probes in a row (the runner's count, carried by every DeviceHealth) to call the device down. */
export const failedEnough = (health: Pick<DeviceHealth, 'status' | 'consecutiveFailures'>, failAfterProbes: number): boolean =>
  isDown(health.status) && health.consecutiveFailures >= failAfterProbes;

export interface TrackingThresholds {
  /** Failed probes in a row (as counted by the agent) that make a device failed. */
  failAfterProbes: number;
  /** How long a device must stay better before it is trusted again. */
  recoverAfterMs: number;
  /** No health message for this long: the device is failed (its agent is alive but mute). */
  healthDeadlineMs: number;
  /** What the member's slots allow of a content fault now (absent: a content fault fails it like any other). */
  content?: ContentTolerance;
}

export const DEFAULT_TRACKING: TrackingThresholds = { failAfterProbes: 2, recoverAfterMs: 10_000, healthDeadlineMs: 15_000 };

export interface DeviceTrack {
  status: DeviceStatus;
  since: number;
  /** What the agent last said, before hysteresis. */
  reported: DeviceStatus;
  lastHealthAt: number | null;
  /** A better status waiting out recoverAfterMs. */
  pending: { status: DeviceStatus; since: number } | null;
  detail?: string;
}

export interface Transition {
  from: DeviceStatus;
  to: DeviceStatus;
  reason: string;
  /** Failed or offline as reported by the agent: when its first failed probe was sent, on our clock (detection comes later). */
  failingSince?: number;
}

export interface Step {
  track: DeviceTrack;
  transition?: Transition;
}

/** What a tracking step reads of a health message. */
export type HealthReading = Pick<DeviceHealth, 'status' | 'consecutiveFailures' | 'failingForMs' | 'checks'> &
  Partial<Pick<DeviceHealth, 'metrics'>>;

const SEVERITY: Record<DeviceStatus, number> = { unknown: -1, ok: 0, degraded: 1, failed: 2, offline: 2 };

export function newTrack(now: number, status: DeviceStatus = 'unknown'): DeviceTrack {
  return { status, since: now, reported: status, lastHealthAt: null, pending: null };
}

export function moveTo(track: DeviceTrack, to: DeviceStatus, now: number, reason: string, detail?: string): Step {
  if (to === track.status) return { track: { ...track, pending: null, detail } };
  return {
    track: { ...track, status: to, since: now, pending: null, detail },
    transition: { from: track.status, to, reason },
  };
}

export function onHealth(track: DeviceTrack, reported: HealthReading, now: number, t: TrackingThresholds): Step {
  const health = t.content ? judgeContent(reported, t.content, now).reading : reported;
  const seen: DeviceTrack = { ...track, reported: health.status, lastHealthAt: now };
  const detail = problemDetail(health.checks);
  if (health.status === 'unknown') return { track: seen };
  if (isDown(health.status)) {
    if (!failedEnough(health, t.failAfterProbes)) return { track: { ...seen, pending: null } }; // suspect, not failed yet
    if (isDown(track.status)) return { track: { ...seen, pending: null, detail } };
    const step = moveTo(
      seen,
      health.status,
      now,
      `${health.consecutiveFailures} failed probes in a row${detail ? `: ${detail}` : ''}`,
      detail,
    );
    if (step.transition && health.failingForMs !== undefined) step.transition.failingSince = now - health.failingForMs;
    return step;
  }
  return towards(seen, health.status, now, t, detail);
}

/** ok or degraded reported: worse moves at once, better waits out the recovery time. */
function towards(track: DeviceTrack, target: DeviceStatus, now: number, t: TrackingThresholds, detail?: string): Step {
  if (track.status === 'unknown') return moveTo(track, target, now, 'first health report', detail);
  if (SEVERITY[target] > SEVERITY[track.status]) return moveTo(track, target, now, detail ?? `reported ${target}`, detail);
  if (SEVERITY[target] === SEVERITY[track.status]) return { track: { ...track, pending: null, detail } };
  const pendingSince = track.pending ? track.pending.since : now;
  const waiting: DeviceTrack = { ...track, pending: { status: target, since: pendingSince } };
  if (now - pendingSince >= t.recoverAfterMs) return moveTo(waiting, target, now, `healthy for ${now - pendingSince} ms`, detail);
  return { track: waiting };
}

/** Time passed: a recovery that waited long enough, or a device gone mute. */
export function onTick(track: DeviceTrack, now: number, t: TrackingThresholds): Step {
  if (track.pending && now - track.pending.since >= t.recoverAfterMs) {
    return moveTo(track, track.pending.status, now, `healthy for ${now - track.pending.since} ms`);
  }
  const mute = track.lastHealthAt !== null && now - track.lastHealthAt > t.healthDeadlineMs;
  if (mute && !isDown(track.status)) {
    return moveTo({ ...track, pending: null }, 'failed', now, `no health report for ${now - (track.lastHealthAt ?? now)} ms`);
  }
  return { track };
}

function problemDetail(checks: DeviceHealth['checks']): string | undefined {
  const bad = checks.find((c) => c.status !== 'ok');
  return bad ? `${bad.name}: ${bad.detail ?? bad.status}` : undefined;
}

/**
 * The content faults of a health report that fail it: those of the `contentFaults` metric whose check
 * (picture, sound, playback) is down; 'unknown' for a check down that the metric does not explain.
 */
export function failingContentFaults(health: HealthReading): Array<ContentFault | 'unknown'> {
  const downChecks = new Set(health.checks.filter((c) => isDown(c.status) && isContentCheck(c.name)).map((c) => c.name));
  if (downChecks.size === 0) return [];
  const listed = health.metrics?.[MEDIA_METRICS.contentFaults];
  const faults = (typeof listed === 'string' ? listed.split(',') : [])
    .map((f) => f.trim())
    .filter((f): f is ContentFault => isContentFault(f) && downChecks.has(FAULT_CHECK[f]));
  const explained = new Set(faults.map((f) => FAULT_CHECK[f]));
  return [...new Set(faults), ...([...downChecks].some((c) => !explained.has(c as never)) ? (['unknown'] as const) : [])];
}

/** A failure that is only content: the device is down, and every check that is down is a content check. */
export function contentOnlyFailure(health: HealthReading): { faults: Array<ContentFault | 'unknown'> } | undefined {
  if (!isDown(health.status)) return undefined;
  const down = health.checks.filter((c) => isDown(c.status));
  if (down.length === 0 || !down.every((c) => isContentCheck(c.name))) return undefined;
  return { faults: failingContentFaults(health) };
}

export type ContentVerdict =
  /** Not a content-only failure, or one the slots do not tolerate: the reading stands (a failure fails over). */
  | { tolerated: false; reading: HealthReading }
  /** Tolerated: the member is not down; `why` says by what (the controller alarms with it). */
  | { tolerated: true; reading: HealthReading; faults: Array<ContentFault | 'unknown'>; why: 'alarm' | 'allowed' | 'quiet window' };

/**
 * The content rule of the failover rule (protocols/failover-rule.ts), one step before the tracking: a
 * member whose failure is only content counts as not down when its slot says `onContentFault: alarm`
 * (it stays live as degraded: it is taken after every healthy member), or when every fault is allowed
 * (mayBeDark, mayBeStill, maySilence) or inside a quiet window (it is as healthy as its gear). A gear
 * failure is never tolerated, with or without content faults beside it.
 */
export function judgeContent(health: HealthReading, tolerance: ContentTolerance, now: number): ContentVerdict {
  const only = contentOnlyFailure(health);
  if (!only) return { tolerated: false, reading: health };
  const quiet = tolerance.windows.filter((w) => now >= w.from && now < w.to);
  const allowed = (f: ContentFault | 'unknown'): boolean =>
    (f !== 'unknown' && tolerance.allowed.includes(f)) || quiet.some((w) => !w.faults || (f !== 'unknown' && w.faults.includes(f)));
  const gear = health.checks.filter((c) => !isContentCheck(c.name));
  const gearStatus: DeviceStatus = gear.some((c) => c.status === 'degraded') ? 'degraded' : 'ok';
  const asIf = (status: DeviceStatus): HealthReading => ({ ...health, status, consecutiveFailures: 0 });
  if (only.faults.every(allowed))
    return { tolerated: true, reading: asIf(gearStatus), faults: only.faults, why: quiet.length ? 'quiet window' : 'allowed' };
  if (tolerance.onContentFault === 'alarm') return { tolerated: true, reading: asIf('degraded'), faults: only.faults, why: 'alarm' };
  return { tolerated: false, reading: health };
}
