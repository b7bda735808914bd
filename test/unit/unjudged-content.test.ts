/**
 * A content fault a hot standby could not judge (it knows no slot) is judged by the new leader at
 * adoption, with its own tolerance: the registries as a takeover leaves them, injected times.
 */
import { describe, expect, it } from 'vitest';
import { Registry } from '../../controller/fleet/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/fleet/failure-detector.ts';
import type { ContentTolerance } from '../../protocols/content-policy.ts';
import type { DeviceHealth, DeviceStatus } from '../../protocols/schemas.ts';
import { healthReport } from '../support/health-report.ts';

const NOW = 100_000;
const everything = () => true;
const ALARM: ContentTolerance = { onContentFault: 'alarm', allowed: [], windows: [] };
const DARK: ContentTolerance = { onContentFault: 'failover', allowed: ['black'], windows: [] };

/** cam-1's report: the gear's probe and the picture check. */
function report(picture: 'fine' | 'black', gear: DeviceStatus = 'ok', failures = 2): DeviceHealth {
  const down = picture === 'black' || gear !== 'ok';
  return healthReport(3, {
    status: down ? 'failed' : 'ok',
    checks: [
      { name: 'probe', status: gear, latencyMs: 3 },
      { name: 'picture', status: picture === 'black' ? 'failed' : 'ok', latencyMs: 0 },
    ],
    metrics: { contentFaults: picture === 'black' ? 'black' : '' },
    consecutiveFailures: down ? failures : 0,
  });
}

/** The new leader: cam-1 stored as the last leader judged it, and the slots' tolerance its content watch wires. */
function leader(stored: DeviceStatus, tolerance: ContentTolerance | undefined): Registry {
  const r = new Registry(DEFAULT_THRESHOLDS);
  r.restore(
    [{ id: 'a', online: true, session: 3, lastSeenAt: NOW - 500, heartbeatDeadlineMs: 3_000 }],
    [{ agent: 'a', device: 'cam-1', track: { status: stored, since: 0, reported: stored, lastHealthAt: NOW - 500, pending: null } }],
    NOW,
    10_000,
  );
  r.judgeContentWith(() => tolerance);
  return r;
}

/** The standby's picture: cam-1 reported ok, then each of `reports` 100 ms apart, the last at NOW - 100. */
function standby(...reports: DeviceHealth[]): Registry {
  const r = new Registry(DEFAULT_THRESHOLDS);
  r.judgeContentAtAdoption();
  r.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: NOW - 20_000, live: true });
  r.applyHealth('a', 'cam-1', report('fine'), { now: NOW - 19_000, live: true });
  reports.forEach((h, i) => r.applyHealth('a', 'cam-1', h, { now: NOW - 100 * (reports.length - i), live: true }));
  return r;
}

const toStatuses = (results: ReturnType<Registry['adopt']>) => results.flatMap((r) => r.deviceChanges).map((c) => c.to);

describe('a content fault the standby could not judge, judged at adoption', () => {
  it('the standby alone calls a black member failed (it knows no slot)', () => {
    expect(standby(report('black')).status('a', 'cam-1')).toBe('failed');
  });

  it('onContentFault alarm: the member the last leader kept live as degraded stays degraded, never failed', () => {
    const l = leader('degraded', ALARM);
    const results = l.adopt(standby(report('black'), report('black', 'ok', 3)), everything, NOW);
    expect(l.status('a', 'cam-1')).toBe('degraded');
    expect(toStatuses(results)).toEqual([]);
    // Deadlines still run from the standby's last report.
    expect(l.device('a', 'cam-1')!.track.lastHealthAt).toBe(NOW - 100);
  });

  it("alarm, with the last leader's write of degraded lost: ok moves to degraded, as its own tracking step would", () => {
    const l = leader('ok', ALARM);
    expect(toStatuses(l.adopt(standby(report('black')), everything, NOW))).toEqual(['degraded']);
  });

  it('mayBeDark: a black member is as healthy as its gear', () => {
    const l = leader('ok', DARK);
    expect(toStatuses(l.adopt(standby(report('black')), everything, NOW))).toEqual([]);
    expect(l.status('a', 'cam-1')).toBe('ok');
  });

  it("a slot that fails over on content (no tolerance): the standby's failed stands", () => {
    const l = leader('ok', undefined);
    expect(toStatuses(l.adopt(standby(report('black')), everything, NOW))).toEqual(['failed']);
  });

  it('a gear failure beside the black picture is never tolerated', () => {
    const l = leader('ok', ALARM);
    expect(toStatuses(l.adopt(standby(report('black', 'failed')), everything, NOW))).toEqual(['failed']);
  });

  it('a tolerated fault that ended and is recovering: kept live as the leader had it, the recovery still pending', () => {
    const l = leader('degraded', ALARM);
    l.adopt(standby(report('black'), report('fine')), everything, NOW);
    const track = l.device('a', 'cam-1')!.track;
    expect(track.status).toBe('degraded');
    expect(track.pending).toMatchObject({ status: 'ok' });
  });

  it("once the standby's track settled after the fault, there is nothing left to judge: its picture stands", () => {
    const picture = standby();
    picture.applyHealth('a', 'cam-1', report('black'), { now: NOW - 15_000, live: true });
    picture.applyHealth('a', 'cam-1', report('fine'), { now: NOW - 14_000, live: true });
    picture.applyHealth('a', 'cam-1', report('fine'), { now: NOW - 100, live: true }); // the recovery waited out
    const l = leader('degraded', ALARM);
    expect(toStatuses(l.adopt(picture, everything, NOW))).toEqual(['ok']);
  });
});
