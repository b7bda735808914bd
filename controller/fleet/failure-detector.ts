/**
 * Pure failure detection: (device track, input, now, thresholds) → (new track, transition?).
 * Asymmetric hysteresis, as broadcast monitoring wants it: fail fast (N failed probes in a
 * row, or no health within a deadline), recover slowly (healthy for M ms without a relapse).
 */
import type { DeviceHealth, DeviceStatus } from '../../protocols/schemas.ts';

export interface DetectionThresholds {
  /** Failed probes in a row (as counted by the agent) that make a device failed. */
  failAfterProbes: number;
  /** How long a device must stay better before it is trusted again. */
  recoverAfterMs: number;
  /** No health message for this long: the device is failed (its agent is alive but mute). */
  healthDeadlineMs: number;
  /** No heartbeat for this long: the agent is gone and all its devices are offline. */
  heartbeatDeadlineMs: number;
}

export const DEFAULT_THRESHOLDS: DetectionThresholds = {
  failAfterProbes: 2,
  recoverAfterMs: 10_000,
  healthDeadlineMs: 15_000,
  heartbeatDeadlineMs: 3_000,
};

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

const SEVERITY: Record<DeviceStatus, number> = { unknown: -1, ok: 0, degraded: 1, failed: 2, offline: 2 };

export function newTrack(now: number, status: DeviceStatus = 'unknown'): DeviceTrack {
  return { status, since: now, reported: status, lastHealthAt: null, pending: null };
}

function moveTo(track: DeviceTrack, to: DeviceStatus, now: number, reason: string, detail?: string): Step {
  if (to === track.status) return { track: { ...track, pending: null, detail } };
  return {
    track: { ...track, status: to, since: now, pending: null, detail },
    transition: { from: track.status, to, reason },
  };
}

export function onHealth(track: DeviceTrack, health: Pick<DeviceHealth, 'status' | 'consecutiveFailures' | 'failingForMs' | 'checks'>, now: number, t: DetectionThresholds): Step {
  const seen: DeviceTrack = { ...track, reported: health.status, lastHealthAt: now };
  const detail = problemDetail(health.checks);
  if (health.status === 'unknown') return { track: seen };
  if (health.status === 'failed' || health.status === 'offline') {
    if (health.consecutiveFailures < t.failAfterProbes) return { track: { ...seen, pending: null } }; // suspect, not failed yet
    if (SEVERITY[track.status] >= SEVERITY.failed) return { track: { ...seen, pending: null, detail } };
    const step = moveTo(seen, health.status, now, `${health.consecutiveFailures} failed probes in a row${detail ? `: ${detail}` : ''}`, detail);
    if (step.transition && health.failingForMs !== undefined) step.transition.failingSince = now - health.failingForMs;
    return step;
  }
  return towards(seen, health.status, now, t, detail);
}

/** ok or degraded reported: worse moves at once, better waits out the recovery time. */
function towards(track: DeviceTrack, target: DeviceStatus, now: number, t: DetectionThresholds, detail?: string): Step {
  if (track.status === 'unknown') return moveTo(track, target, now, 'first health report', detail);
  if (SEVERITY[target] > SEVERITY[track.status]) return moveTo(track, target, now, detail ?? `reported ${target}`, detail);
  if (SEVERITY[target] === SEVERITY[track.status]) return { track: { ...track, pending: null, detail } };
  const pendingSince = track.pending ? track.pending.since : now;
  const waiting: DeviceTrack = { ...track, pending: { status: target, since: pendingSince } };
  if (now - pendingSince >= t.recoverAfterMs) return moveTo(waiting, target, now, `healthy for ${now - pendingSince} ms`, detail);
  return { track: waiting };
}

export function onTick(track: DeviceTrack, now: number, t: DetectionThresholds): Step {
  if (track.pending && now - track.pending.since >= t.recoverAfterMs) {
    return moveTo(track, track.pending.status, now, `healthy for ${now - track.pending.since} ms`);
  }
  const mute = track.lastHealthAt !== null && now - track.lastHealthAt > t.healthDeadlineMs;
  if (mute && SEVERITY[track.status] < SEVERITY.failed) {
    return moveTo({ ...track, pending: null }, 'failed', now, `no health report for ${now - (track.lastHealthAt ?? now)} ms`);
  }
  return { track };
}

export function onAgentLost(track: DeviceTrack, now: number, reason: string): Step {
  return moveTo({ ...track, reported: 'offline' }, 'offline', now, reason);
}

function problemDetail(checks: DeviceHealth['checks']): string | undefined {
  const bad = checks.find((c) => c.status !== 'ok');
  return bad ? `${bad.name}: ${bad.detail ?? bad.status}` : undefined;
}
