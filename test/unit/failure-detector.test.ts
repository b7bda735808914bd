import { describe, expect, it } from 'vitest';
import {
  newTrack,
  onAgentLost,
  onHealth,
  onTick,
  type DetectionThresholds,
  type DeviceTrack,
} from '../../controller/fleet/failure-detector.ts';
import type { DeviceStatus } from '../../protocols/schemas.ts';

const T: DetectionThresholds = { failAfterProbes: 3, recoverAfterMs: 5_000, healthDeadlineMs: 2_000, heartbeatDeadlineMs: 1_000 };
const report = (status: DeviceStatus, consecutiveFailures = 0) => ({
  status,
  consecutiveFailures,
  checks: [{ name: 'probe', status, latencyMs: 1, detail: `said ${status}` }],
});

function feed(track: DeviceTrack, steps: Array<[number, DeviceStatus, number?]>): { track: DeviceTrack; transitions: string[] } {
  const transitions: string[] = [];
  for (const [at, status, failures] of steps) {
    const step = onHealth(track, report(status, failures), at, T);
    track = step.track;
    if (step.transition) transitions.push(`${at}:${step.transition.from}->${step.transition.to}`);
  }
  return { track, transitions };
}

describe('failure detector: fail fast', () => {
  it('takes the first report of a new device at once', () => {
    const { track, transitions } = feed(newTrack(0), [[10, 'ok']]);
    expect(track.status).toBe('ok');
    expect(transitions).toEqual(['10:unknown->ok']);
  });

  it('fails only on the Nth failed probe in a row', () => {
    const { track, transitions } = feed(newTrack(0), [
      [0, 'ok'],
      [100, 'failed', 1],
      [200, 'failed', 2],
      [300, 'failed', 3],
      [400, 'failed', 4],
    ]);
    expect(transitions).toEqual(['0:unknown->ok', '300:ok->failed']);
    expect(track.detail).toBe('probe: said failed');
  });

  it('dates the failure from the first failed probe, on its own clock, from the duration the agent measured', () => {
    let track = onHealth(newTrack(0), report('ok'), 0, T).track;
    track = onHealth(track, { ...report('failed', 1), failingForMs: 50 }, 1_050, T).track;
    track = onHealth(track, { ...report('failed', 2), failingForMs: 150 }, 1_150, T).track;
    const step = onHealth(track, { ...report('failed', 3), failingForMs: 250 }, 1_260, T);
    expect(step.transition).toMatchObject({ from: 'ok', to: 'failed', failingSince: 1_010 });
    expect(step.track.since).toBe(1_260); // the status itself changed when it was declared
  });

  it('does not fail on failures that were not consecutive', () => {
    const { transitions } = feed(newTrack(0), [
      [0, 'ok'],
      [100, 'failed', 2],
      [200, 'ok'],
      [300, 'failed', 1],
      [400, 'failed', 2],
    ]);
    expect(transitions).toEqual(['0:unknown->ok']);
  });

  it('turns degraded at once', () => {
    const { transitions } = feed(newTrack(0), [
      [0, 'ok'],
      [50, 'degraded'],
    ]);
    expect(transitions).toEqual(['0:unknown->ok', '50:ok->degraded']);
  });

  it('fails a device that stops reporting, once its deadline passes', () => {
    let track = feed(newTrack(0), [[0, 'ok']]).track;
    expect(onTick(track, 2_000, T).transition).toBeUndefined();
    const step = onTick(track, 2_001, T);
    expect(step.transition).toMatchObject({ from: 'ok', to: 'failed' });
    track = step.track;
    expect(onTick(track, 10_000, T).transition).toBeUndefined();
  });

  it('marks every device offline when its agent is lost', () => {
    const track = feed(newTrack(0), [[0, 'degraded']]).track;
    const step = onAgentLost(track, 5, 'last will');
    expect(step.transition).toEqual({ from: 'degraded', to: 'offline', reason: 'last will' });
  });
});

describe('failure detector: recover slowly', () => {
  const failed = () =>
    feed(newTrack(0), [
      [0, 'ok'],
      [100, 'failed', 3],
    ]).track;

  it('recovers only after staying healthy for recoverAfterMs', () => {
    let track = failed();
    let step = onHealth(track, report('ok'), 1_000, T);
    expect(step.transition).toBeUndefined();
    track = step.track;
    expect(onTick(track, 5_999, T).transition).toBeUndefined();
    step = onTick(track, 6_000, T);
    expect(step.transition).toMatchObject({ from: 'failed', to: 'ok' });
  });

  it('a relapse restarts the recovery clock', () => {
    let track = failed();
    track = onHealth(track, report('ok'), 1_000, T).track;
    track = onHealth(track, report('failed', 1), 3_000, T).track; // below the threshold, but not healthy
    track = onHealth(track, report('ok'), 4_000, T).track;
    expect(onTick(track, 6_000, T).transition).toBeUndefined();
    expect(onTick(track, 9_000, T).transition).toMatchObject({ to: 'ok' });
  });

  it('recovers to the latest better status (degraded), not to ok', () => {
    let track = failed();
    track = onHealth(track, report('ok'), 1_000, T).track;
    track = onHealth(track, report('degraded'), 2_000, T).track;
    expect(onTick(track, 6_000, T).transition).toMatchObject({ from: 'failed', to: 'degraded' });
  });

  it('an offline device (agent lost) also recovers slowly', () => {
    let track = onAgentLost(feed(newTrack(0), [[0, 'ok']]).track, 10, 'gone').track;
    const first = onHealth(track, report('ok'), 20, T);
    expect(first.transition).toBeUndefined();
    track = first.track;
    expect(onHealth(track, report('ok'), 5_020, T).transition).toMatchObject({ from: 'offline', to: 'ok' });
  });
});
