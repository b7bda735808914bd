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
export type HealthReading = Pick<DeviceHealth, 'status' | 'consecutiveFailures' | 'failingForMs' | 'checks'>;

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

export function onHealth(track: DeviceTrack, health: HealthReading, now: number, t: TrackingThresholds): Step {
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
