import { describe, expect, it } from 'vitest';
import { Registry } from '../../controller/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/failure-detector.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';

const health = (session: number, over: Partial<DeviceHealth> = {}): DeviceHealth => ({
  status: 'ok', checks: [], metrics: {}, consecutiveFailures: 0, ts: 0, seq: 0, session, driver: 'simulated', ...over,
});

describe('registry: the session rule (Sparkplug B bdSeq)', () => {
  it('ignores a death older than the current birth', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 5, ts: 0, devices: ['cam-1'] }, 0);
    r.applyHealth('a', 'cam-1', health(5), 1);
    const stale = r.applyAgentState('a', { online: false, session: 4, ts: 0 }, 2);
    expect(stale.ignored).toMatch(/older/);
    expect(r.agent('a')!.online).toBe(true);
    expect(r.status('a', 'cam-1')).toBe('ok');
  });

  it('a death of the current session takes every device offline at once', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 5, ts: 0, devices: ['cam-1', 'mic-1'] }, 0);
    r.applyHealth('a', 'cam-1', health(5), 1);
    r.applyHealth('a', 'mic-1', health(5), 1);
    const death = r.applyAgentState('a', { online: false, session: 5, ts: 0 }, 2);
    expect(death.agentChange).toMatchObject({ online: false });
    expect(death.deviceChanges.map((c) => `${c.device}:${c.to}`)).toEqual(['cam-1:offline', 'mic-1:offline']);
  });

  it('ignores health and heartbeats from an older session', () => {
    const r = new Registry(DEFAULT_THRESHOLDS);
    r.applyAgentState('a', { online: true, session: 7, ts: 0 }, 0);
    expect(r.applyHealth('a', 'cam-1', health(6), 1).ignored).toBeDefined();
    expect(r.applyHeartbeat('a', { session: 6, ts: 0, uptimeMs: 0 }, 1).ignored).toBeDefined();
  });

  it('a silent agent is declared lost after its heartbeat deadline', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    r.applyAgentState('a', { online: true, session: 1, ts: 0, devices: ['cam-1'] }, 0);
    r.applyHealth('a', 'cam-1', health(1), 0);
    r.applyHeartbeat('a', { session: 1, ts: 0, uptimeMs: 0 }, 500);
    expect(r.tick(1_500)).toEqual([]);
    const [lost] = r.tick(1_501);
    expect(lost!.agentChange).toMatchObject({ online: false, reason: 'no heartbeat for 1001 ms' });
    expect(r.status('a', 'cam-1')).toBe('offline');
  });

  it('stretches the heartbeat deadline to three of the agent’s own intervals', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    r.applyAgentState('a', { online: true, session: 1, ts: 0, heartbeatIntervalMs: 2_000 }, 0);
    expect(r.tick(5_999)).toEqual([]);
    expect(r.tick(6_001)).toHaveLength(1);
  });
});

describe('registry: restored after a controller restart', () => {
  it('gives agents a grace period, then declares lost the ones that never came back', () => {
    const r = new Registry({ ...DEFAULT_THRESHOLDS, heartbeatDeadlineMs: 1_000 });
    const track = { status: 'ok' as const, since: 0, reported: 'ok' as const, lastHealthAt: null, pending: null };
    r.restore([{ id: 'a', online: true, session: 3, lastSeenAt: 0, heartbeatDeadlineMs: 1_000 }], [{ agent: 'a', device: 'cam-1', track }], 100_000, 5_000);
    expect(r.tick(105_900)).toEqual([]);
    const [lost] = r.tick(106_001);
    expect(lost!.agentChange).toMatchObject({ agent: 'a', online: false });
    expect(r.status('a', 'cam-1')).toBe('offline');
  });
});
