/**
 * The controller's side of content faults (controller/failover/content-watch.ts), pure with an
 * injected clock: the events it records when a fault begins and ends, the critical alarm naming
 * what viewers get from the program or the platform, and the alarm instead of a failover for a live
 * member its slot keeps on air.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { ContentWatch, type ContentWatchDependencies } from '../../controller/failover/content-watch.ts';
import type { ContentTolerance } from '../../protocols/content-policy.ts';
import type { NewEvent } from '../../protocols/events.ts';
import type { MediaRole } from '../../protocols/media.ts';
import type { DeviceHealth, DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';

const T0 = 1_700_000_000_000;

/** A health report as an agent with a media watch sends it: the gear's probe, then the content checks. */
function health(faults: Array<'black' | 'frozen' | 'silent' | 'stalled' | 'clipping'>, gear: DeviceStatus = 'ok'): DeviceHealth {
  const check = (name: string, list: string[]) => {
    const mine = faults.filter((f) => list.includes(f));
    const failing = mine.filter((f) => f !== 'clipping');
    return {
      name,
      status: failing.length ? ('failed' as const) : mine.length ? ('degraded' as const) : ('ok' as const),
      latencyMs: 0,
      ...(mine.length ? { detail: `${mine.join(', ')} for 4.0 s` } : {}),
    };
  };
  const checks = [
    { name: 'probe', status: gear, latencyMs: 2 },
    check('picture', ['black', 'frozen']),
    check('sound', ['silent', 'clipping']),
    check('playback', ['stalled']),
  ];
  const down = gear !== 'ok' || checks.some((c) => c.status === 'failed');
  return {
    status: down ? 'failed' : checks.some((c) => c.status === 'degraded') ? 'degraded' : 'ok',
    checks,
    metrics: { contentFaults: faults.join(',') },
    consecutiveFailures: down ? 3 : 0,
    ts: T0,
    seq: 1,
    session: 1,
    driver: 'stream',
  };
}

interface Rig {
  clock: ManualClock;
  events: NewEvent[];
  watch: ContentWatch;
  alarms: () => Array<{ severity: string; reason: string; slot?: string }>;
}

function rig(o: {
  roles?: Record<string, MediaRole>;
  onAir?: boolean | (() => boolean);
  live?: Record<string, string[]>;
  tolerance?: ContentTolerance;
  sources?: Array<{ ref: DeviceRef; status: DeviceStatus }>;
}): Rig {
  const clock = new ManualClock(T0);
  const events: NewEvent[] = [];
  const d: ContentWatchDependencies = {
    clock,
    log: silentLogger(),
    record: (e) => void events.push(e),
    roleOf: (ref) => o.roles?.[ref.device] ?? 'source',
    studioOf: () => 'studio-a',
    onAir: () => (typeof o.onAir === 'function' ? o.onAir() : (o.onAir ?? true)),
    liveIn: (ref) => o.live?.[ref.device] ?? [],
    tolerance: () => o.tolerance,
    sources: () => o.sources ?? [{ ref: { agent: 'a', device: 'cam-1' }, status: 'ok' }],
  };
  return {
    clock,
    events,
    watch: new ContentWatch(d),
    alarms: () =>
      events.flatMap((e) =>
        e.type === 'alarm' ? [{ severity: e.data.severity, reason: e.reason ?? '', ...(e.slot ? { slot: e.slot } : {}) }] : [],
      ),
  };
}

describe('content faults at the controller', () => {
  it('records a fault when it begins and when it ends, once, with its role and duration', () => {
    const r = rig({ roles: { 'obs-1': 'program' }, onAir: false });
    r.watch.noteHealth('a', 'obs-1', health(['black']));
    r.watch.noteHealth('a', 'obs-1', health(['black'])); // the same fault again: nothing new
    r.clock.advance(120_000);
    r.watch.noteHealth('a', 'obs-1', health([]));
    const faults = r.events.filter((e) => e.type === 'content.fault');
    expect(faults.map((e) => [e.ts - T0, e.device, e.data])).toEqual([
      [0, 'obs-1', { fault: 'black', role: 'program', phase: 'started', studio: 'studio-a' }],
      [120_000, 'obs-1', { fault: 'black', role: 'program', phase: 'ended', studio: 'studio-a', forMs: 120_000 }],
    ]);
    expect(r.alarms(), 'off air: no alarm').toEqual([]);
  });

  it('a degraded content check (clipping) is no fault to count', () => {
    const r = rig({ roles: { 'obs-1': 'program' } });
    r.watch.noteHealth('a', 'obs-1', health(['clipping']));
    expect(r.events).toEqual([]);
  });

  it('a black program on air is a critical alarm that names it and says every source is healthy; cleared when it ends', () => {
    const r = rig({ roles: { 'obs-1': 'program' } });
    r.watch.noteHealth('a', 'obs-1', health(['black']));
    r.clock.advance(5_000);
    r.watch.noteHealth('a', 'obs-1', health([]));
    expect(r.alarms()).toEqual([
      {
        severity: 'critical',
        reason: 'black program on a/obs-1 (picture: black for 4.0 s); every source on air is healthy: the fault is downstream of them',
      },
      { severity: 'cleared', reason: 'a/obs-1: black ended after 5.0 s' },
    ]);
  });

  it('a program still black when a show goes on air is alarmed then, once', () => {
    let onAir = false;
    const r = rig({ roles: { 'obs-1': 'program' }, onAir: () => onAir });
    r.watch.noteHealth('a', 'obs-1', health(['black']));
    expect(r.alarms()).toEqual([]);
    onAir = true;
    r.watch.noteHealth('a', 'obs-1', health(['black']));
    r.watch.noteHealth('a', 'obs-1', health(['black']));
    expect(r.alarms().map((a) => a.severity)).toEqual(['critical']);
  });

  it('names the sources that are not healthy when there are some', () => {
    const r = rig({ roles: { 'obs-1': 'program' }, sources: [{ ref: { agent: 'a', device: 'cam-1' }, status: 'failed' }] });
    r.watch.noteHealth('a', 'obs-1', health(['silent']));
    expect(r.alarms()[0]!.reason).toBe('silent program on a/obs-1 (sound: silent for 4.0 s); sources not healthy: a/cam-1 (failed)');
  });

  it('the platform\'s playback stalled: "platform output stalled"', () => {
    const r = rig({ roles: { hls: 'playback' } });
    r.watch.noteHealth('a', 'hls', health(['stalled']));
    expect(r.alarms()[0]).toMatchObject({ severity: 'critical', reason: expect.stringMatching(/^platform output stalled on a\/hls /) });
  });

  it('a live member its slot keeps on air (onContentFault alarm) is a critical alarm naming slot, member, fault and duration', () => {
    const r = rig({ live: { 'cam-1': ['studio-a/cam'] }, tolerance: { onContentFault: 'alarm', allowed: [], windows: [] } });
    r.watch.noteHealth('a', 'cam-1', health(['frozen']));
    expect(r.alarms()).toEqual([
      {
        severity: 'critical',
        slot: 'studio-a/cam',
        reason:
          'slot studio-a/cam: its live member a/cam-1 has frozen (picture: frozen for 4.0 s), kept on air: its slot alarms on content faults instead of failing over (onContentFault alarm): fail it over by hand if needed',
      },
    ]);
  });

  it("a planned dark scene (the show's quiet window) is a warning", () => {
    const r = rig({
      live: { 'cam-1': ['studio-a/cam'] },
      tolerance: { onContentFault: 'failover', allowed: [], windows: [{ from: T0 - 1, to: T0 + 60_000 }] },
    });
    r.watch.noteHealth('a', 'cam-1', health(['black']));
    expect(r.alarms()).toEqual([
      expect.objectContaining({ severity: 'warning', reason: expect.stringContaining("inside the show's quiet window") }),
    ]);
  });

  it('a source the slot fails over (the default, or a gear failure beside the fault) raises no content alarm: the failover says it', () => {
    const r = rig({ live: { 'cam-1': ['studio-a/cam'] }, tolerance: { onContentFault: 'alarm', allowed: [], windows: [] } });
    r.watch.noteHealth('a', 'cam-1', health(['black'], 'failed'));
    const plain = rig({ live: { 'cam-1': ['studio-a/cam'] } });
    plain.watch.noteHealth('a', 'cam-1', health(['black']));
    expect([r.alarms(), plain.alarms()]).toEqual([[], []]);
    expect(plain.events.map((e) => e.type)).toEqual(['content.fault']);
  });
});
