import { describe, expect, it } from 'vitest';
import { Registry } from '../../controller/fleet/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/fleet/failure-detector.ts';
import { healthReport } from '../support/health-report.ts';

const live = (now: number) => ({ now, live: true });
const replayed = (now: number) => ({ now, live: false });
const health = healthReport;

describe('registry: the session rule (Sparkplug B bdSeq)', () => {
  it('ignores a death older than the current birth', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 5, ts: 0, devices: ['cam-1'] }, live(0));
    r.applyHealth('a', 'cam-1', health(5), live(1));
    const stale = r.applyAgentState('a', { online: false, session: 4, ts: 0 }, live(2));
    expect(stale.ignored).toMatch(/older/);
    expect(r.agent('a')!.online).toBe(true);
    expect(r.status('a', 'cam-1')).toBe('ok');
  });

  it('a death of the current session takes every device offline at once', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 5, ts: 0, devices: ['cam-1', 'mic-1'] }, live(0));
    r.applyHealth('a', 'cam-1', health(5), live(1));
    r.applyHealth('a', 'mic-1', health(5), live(1));
    const death = r.applyAgentState('a', { online: false, session: 5, ts: 0 }, live(2));
    expect(death.agentChange).toMatchObject({ online: false });
    expect(death.deviceChanges.map((c) => `${c.device}:${c.to}`)).toEqual(['cam-1:offline', 'mic-1:offline']);
  });

  it('ignores health and heartbeats from an older session', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 7, ts: 0 }, live(0));
    expect(r.applyHealth('a', 'cam-1', health(6), live(1)).ignored).toBeDefined();
    expect(r.applyHeartbeat('a', { session: 6, ts: 0, uptimeMs: 0 }, 1).ignored).toBeDefined();
  });

  it('a silent agent is declared lost after its heartbeat deadline', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    r.applyAgentState('a', { online: true, session: 1, ts: 0, devices: ['cam-1'] }, live(0));
    r.applyHealth('a', 'cam-1', health(1), live(0));
    r.applyHeartbeat('a', { session: 1, ts: 0, uptimeMs: 0 }, 500);
    expect(r.tick(1_500)).toEqual([]);
    const [lost] = r.tick(1_501);
    expect(lost!.agentChange).toMatchObject({ online: false, reason: 'no heartbeat for 1001 ms' });
    expect(r.status('a', 'cam-1')).toBe('offline');
  });

  it('stretches the heartbeat deadline to three of the agent’s own intervals', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    r.applyAgentState('a', { online: true, session: 1, ts: 0, heartbeatIntervalMs: 2_000 }, live(0));
    expect(r.tick(5_999)).toEqual([]);
    expect(r.tick(6_001)).toHaveLength(1);
  });
});

describe('registry: restored after a controller restart', () => {
  it('gives agents a grace period, then declares lost the ones that never came back', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    const track = { status: 'ok' as const, since: 0, reported: 'ok' as const, lastHealthAt: null, pending: null };
    r.restore(
      [{ id: 'a', online: true, session: 3, lastSeenAt: 0, heartbeatDeadlineMs: 1_000 }],
      [{ agent: 'a', device: 'cam-1', track }],
      100_000,
      5_000,
    );
    expect(r.tick(105_900)).toEqual([]);
    const [lost] = r.tick(106_001);
    expect(lost!.agentChange).toMatchObject({ agent: 'a', online: false });
    expect(r.status('a', 'cam-1')).toBe('offline');
  });
});

describe('registry: what the controller can see', () => {
  const T = { ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 };
  const online = (r: Registry, session: number, now: number) => {
    r.applyAgentState('a', { online: true, session, ts: 0, devices: ['cam-1'] }, live(now));
    r.applyHealth('a', 'cam-1', health(session), live(now));
  };

  it('health that arrives before its birth (retained, in any order) is applied when the birth comes', () => {
    const r = new Registry(T);
    r.beginGrace(0, 5_000);
    expect(r.applyHealth('a', 'cam-1', health(9), replayed(1))).toEqual({ deviceChanges: [] });
    const birth = r.applyAgentState('a', { online: true, session: 9, ts: 0 }, replayed(2));
    expect(birth.deviceChanges).toMatchObject([{ device: 'cam-1', from: 'unknown', to: 'ok' }]);
    expect(r.status('a', 'cam-1')).toBe('ok');
    // A retained birth proves nothing about now: not reachable until something live arrives.
    expect(r.reachable('a')).toBe(false);
    expect(r.applyHeartbeat('a', { session: 9, ts: 0, uptimeMs: 0 }, 3).confirmed).toBe('a');
    expect(r.reachable('a')).toBe(true);
  });

  it('parked health of an older session is dropped when a newer birth arrives', () => {
    const r = new Registry(T);
    r.applyHealth('a', 'cam-1', health(8, { status: 'failed', consecutiveFailures: 9 }), replayed(1));
    r.applyAgentState('a', { online: true, session: 9, ts: 0, devices: ['cam-1'] }, live(2));
    expect(r.status('a', 'cam-1')).toBe('unknown');
  });

  it('a death heard during the grace after a reconnect waits: a new birth means it was the broker', () => {
    const r = new Registry(T);
    online(r, 5, 0);
    r.linkLost();
    expect(r.tick(60_000)).toEqual([]); // no deadline runs while cut off from the broker
    r.beginGrace(60_000, 5_000);
    expect(r.applyAgentState('a', { online: false, session: 5, ts: 0 }, replayed(60_010)).ignored).toMatch(/held/);
    expect(r.status('a', 'cam-1')).toBe('ok');
    r.applyAgentState('a', { online: true, session: 6, ts: 0 }, live(61_000));
    r.applyHealth('a', 'cam-1', health(6), live(61_000));
    for (let t = 61_500; t <= 65_000; t += 500) r.applyHeartbeat('a', { session: 6, ts: 0, uptimeMs: 0 }, t);
    const after = r.tick(65_001);
    expect(after, JSON.stringify(after)).toEqual([]);
    expect(r.status('a', 'cam-1')).toBe('ok');
  });

  it('a held death stands when the agent does not come back within the grace', () => {
    const r = new Registry(T);
    online(r, 5, 0);
    r.linkLost();
    r.beginGrace(10_000, 5_000);
    r.applyAgentState('a', { online: false, session: 5, ts: 0 }, replayed(10_010));
    expect(r.tick(14_999)).toEqual([]);
    const [lost] = r.tick(15_000);
    expect(lost!.agentChange).toMatchObject({
      online: false,
      reason: 'agent offline: its last will stood, and it did not reconnect within the grace',
    });
    expect(r.status('a', 'cam-1')).toBe('offline');
  });

  it('a death of an agent heard live since the reconnect is applied at once, grace or not', () => {
    const r = new Registry(T);
    online(r, 5, 0);
    r.beginGrace(10_000, 5_000);
    r.applyHeartbeat('a', { session: 5, ts: 0, uptimeMs: 0 }, 10_100);
    expect(r.applyAgentState('a', { online: false, session: 5, ts: 0 }, live(10_200)).agentChange).toMatchObject({ online: false });
  });

  it('nothing is reachable while the link is down', () => {
    const r = new Registry(T);
    online(r, 5, 0);
    expect(r.reachable('a')).toBe(true);
    r.linkLost();
    expect(r.reachable('a')).toBe(false);
    expect(r.settled(1)).toBe(false);
    r.beginGrace(100, 1_000);
    expect(r.settled(1_099)).toBe(false);
    expect(r.settled(1_100)).toBe(true);
    // Or sooner: once every agent that was online has been heard again.
    r.linkLost();
    r.beginGrace(2_000, 1_000);
    expect(r.settled(2_001)).toBe(false);
    r.applyHeartbeat('a', { session: 5, ts: 0, uptimeMs: 0 }, 2_002);
    expect(r.settled(2_003)).toBe(true);
  });
});
