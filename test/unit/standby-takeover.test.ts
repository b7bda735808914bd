/**
 * What a new leader takes over from its hot standby (pure parts, injected times): the registry the
 * standby kept (Registry.adopt) and the last leader's published slot states (FailoverEngine.adoptPublished).
 */
import { describe, expect, it } from 'vitest';
import { Registry } from '../../controller/fleet/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/fleet/failure-detector.ts';
import type { SlotState } from '../../protocols/schemas.ts';
import { CAM, harness, ref, types } from './failover-harness.ts';
import { healthReport } from '../support/health-report.ts';

const GRACE = 10_000;
const health = healthReport;
const everything = () => true;

/** The leader's registry as a restart leaves it: restored from the store, linked, in its grace. */
function restoredLeader(now: number): Registry {
  const r = new Registry(DEFAULT_THRESHOLDS);
  r.restore(
    [{ id: 'a', online: true, session: 3, lastSeenAt: now - 500, heartbeatDeadlineMs: 3_000 }],
    [{ agent: 'a', device: 'cam-1', track: { status: 'ok', since: 0, reported: 'ok', lastHealthAt: now - 500, pending: null } }],
    now,
    GRACE,
  );
  return r;
}

describe('a new leader takes over its standby picture (Registry.adopt)', () => {
  it('agents the standby heard are reachable at once and the fleet is settled without waiting for the grace', () => {
    const now = 100_000;
    const leader = restoredLeader(now);
    expect(leader.settled(now)).toBe(false);
    const picture = new Registry(DEFAULT_THRESHOLDS);
    picture.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: now - 900, live: true });
    picture.applyHealth('a', 'cam-1', health(3), { now: now - 200, live: true });

    const results = leader.adopt(picture, everything, now);
    expect(leader.reachable('a')).toBe(true);
    expect(leader.settled(now)).toBe(true);
    expect(results.map((r) => r.confirmed).filter(Boolean)).toEqual(['a']);
    // Its deadlines run from when the standby last heard it, not from the end of a grace.
    expect(leader.agent('a')!.lastSeenAt).toBe(now - 200);
  });

  it('a failure the last leader never stored comes back as a change, dated when the standby saw it', () => {
    const now = 100_000;
    const leader = restoredLeader(now);
    const picture = new Registry(DEFAULT_THRESHOLDS);
    picture.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: now - 900, live: true });
    picture.applyHealth('a', 'cam-1', health(3, { status: 'failed', consecutiveFailures: 2 }), { now: now - 150, live: true });

    const changes = leader.adopt(picture, everything, now).flatMap((r) => r.deviceChanges);
    expect(changes).toEqual([expect.objectContaining({ agent: 'a', device: 'cam-1', from: 'ok', to: 'failed', at: now - 150 })]);
    expect(changes[0]!.reason).toMatch(/while standing by/);
    expect(leader.status('a', 'cam-1')).toBe('failed');
  });

  it('nothing changes when the standby saw what the leader stored', () => {
    const now = 100_000;
    const leader = restoredLeader(now);
    const picture = new Registry(DEFAULT_THRESHOLDS);
    picture.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: now - 900, live: true });
    picture.applyHealth('a', 'cam-1', health(3), { now: now - 150, live: true });
    const results = leader.adopt(picture, everything, now);
    expect(results.flatMap((r) => r.deviceChanges)).toEqual([]);
    expect(results.filter((r) => r.agentChange)).toEqual([]);
  });

  it('an agent seen going offline is recorded offline; an older session than the stored one is ignored', () => {
    const now = 100_000;
    const leader = restoredLeader(now);
    leader.restore([{ id: 'b', online: true, session: 9, lastSeenAt: now, heartbeatDeadlineMs: 3_000 }], [], now, GRACE);
    const picture = new Registry(DEFAULT_THRESHOLDS);
    picture.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: now - 900, live: true });
    picture.applyHealth('a', 'cam-1', health(3), { now: now - 800, live: true });
    picture.applyAgentState('a', { online: false, session: 3, ts: 0 }, { now: now - 300, live: true });
    picture.applyAgentState('b', { online: true, session: 8, ts: 0 }, { now: now - 300, live: true });

    const results = leader.adopt(picture, everything, now);
    expect(results.map((r) => r.agentChange).filter(Boolean)).toEqual([expect.objectContaining({ agent: 'a', online: false, session: 3 })]);
    expect(results.flatMap((r) => r.deviceChanges)).toEqual([expect.objectContaining({ device: 'cam-1', from: 'ok', to: 'offline' })]);
    expect(leader.agent('b')!.session).toBe(9);
    expect(leader.reachable('b')).toBe(false);
  });

  it('a device the catalog does not know and the store never had is left out (a retained ghost); a standby cut off confirms nobody', () => {
    const now = 100_000;
    const leader = restoredLeader(now);
    const picture = new Registry(DEFAULT_THRESHOLDS);
    picture.applyAgentState('a', { online: true, session: 3, ts: 0, devices: ['cam-1'] }, { now: now - 900, live: true });
    picture.applyHealth('a', 'ghost', health(3), { now: now - 800, live: false });
    picture.linkLost();

    const results = leader.adopt(picture, (_agent, device) => device !== 'ghost', now);
    expect(leader.device('a', 'ghost')).toBeUndefined();
    expect(results.map((r) => r.confirmed).filter(Boolean)).toEqual([]);
    expect(leader.reachable('a')).toBe(false);
    expect(leader.settled(now)).toBe(false); // it waits for the agents, as a cold start does
  });
});

const published = (over: Partial<SlotState>): SlotState => ({
  slot: CAM.id,
  state: 'ok',
  active: ref('b', 'cam-2'),
  primary: CAM.primary,
  backups: CAM.backups,
  members: [],
  params: {},
  onAir: true,
  primaryAvailable: false,
  ts: 1,
  term: 6,
  ...over,
});

describe("a new leader takes over the last leader's published slot states (FailoverEngine.adoptPublished)", () => {
  it('a live member the last leader published but never stored stands: saved, recorded once, no command', async () => {
    const h = harness(new Map([[CAM.id, ref('a', 'cam-1')]]));
    expect(h.engine.adoptPublished([published({})], 6, 'ctl-a (term 6)')).toBe(1);
    await h.settle();
    expect(h.engine.liveOf(CAM.id)).toEqual(ref('b', 'cam-2'));
    expect(h.saved).toEqual([[CAM.id, ref('b', 'cam-2')]]);
    expect(types(h)).toEqual(['failover.succeeded']);
    expect(h.events[0]).toMatchObject({ by: 'ctl-a (term 6)', data: { from: 'a/cam-1', to: 'b/cam-2' } });
    expect(h.activations).toEqual([]);
    expect(h.standbys).toEqual([]);
  });

  it('ignores a state of an older term, one naming no member or a non-member, and one that agrees with the store', () => {
    const h = harness(new Map([[CAM.id, ref('a', 'cam-1')]]));
    const states = [
      published({ term: 5 }), // older than the last leader: never its word
      published({ term: undefined }),
      published({ active: null }), // a slot down is decided again, not adopted
      published({ active: ref('z', 'cam-9') }),
      published({ slot: 'unknown/slot' }),
      published({ active: ref('a', 'cam-1') }),
    ];
    expect(h.engine.adoptPublished(states, 6, 'ctl-a (term 6)')).toBe(0);
    expect(h.engine.liveOf(CAM.id)).toEqual(ref('a', 'cam-1'));
    expect(h.saved).toEqual([]);
    expect(h.events).toEqual([]);
  });

  it('a member adopted that has failed since is failed over from, once', async () => {
    const h = harness(new Map([[CAM.id, ref('a', 'cam-1')]]));
    h.engine.setOnAir(true, new Set());
    h.statuses.set('a/cam-1', 'failed'); // why the last leader switched
    h.statuses.set('b/cam-2', 'failed');
    h.engine.adoptPublished([published({})], 6, 'ctl-a (term 6)');
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['c/cam-3']);
    expect(types(h).filter((t) => t === 'failover.succeeded')).toHaveLength(2);
  });
});
