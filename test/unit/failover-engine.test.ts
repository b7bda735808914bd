import { describe, expect, it } from 'vitest';
import { FailoverRefused } from '../../controller/failover/failover-engine.ts';
import { CAM, harness, lastState, ref, types } from './failover-harness.ts';

describe('failover engine: automatic', () => {
  it('on air, activates the first healthy backup with the role parameters', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    expect(h.activations).toEqual([{ device: 'b/cam-2', params: { preset: 2 }, by: 'controller' }]);
    expect(types(h)).toEqual(['failover.started', 'failover.succeeded']);
    expect(lastState(h)).toMatchObject({ state: 'ok', active: ref('b', 'cam-2'), primaryAvailable: false });
    expect(h.saved).toEqual([['studio-a/cam-wide', ref('b', 'cam-2')]]);
  });

  it('skips unhealthy backups and moves on when a backup fails to activate', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.answers.set('b/cam-2', async () => ({ id: 'x', device: 'cam-2', status: 'failed', error: 'lens cap', ts: 0 }));
    h.fail('a/cam-1');
    await h.settle();
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2', 'c/cam-3']);
    expect(lastState(h).active).toEqual(ref('c', 'cam-3'));
    expect(h.events.filter((e) => e.type !== 'slot.state').at(-1)).toMatchObject({ data: { attempts: ['b/cam-2: failed (lens cap)'] } });
  });

  it('treats an activate that times out like a failed one', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.answers.set('b/cam-2', () => Promise.reject(new Error('activate on b/cam-2 timed out after 500 ms')));
    h.fail('a/cam-1');
    await h.settle();
    await h.settle();
    expect(lastState(h).active).toEqual(ref('c', 'cam-3'));
  });

  it('with no healthy backup, the slot is down and an alarm is raised', async () => {
    const h = harness();
    h.statuses.set('b/cam-2', 'failed');
    h.statuses.set('c/cam-3', 'offline');
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    expect(h.activations).toEqual([]);
    expect(types(h)).toEqual(['slot.down', 'alarm']);
    expect(lastState(h)).toMatchObject({ state: 'down', active: null });
  });

  it('a down slot comes back when any member recovers', async () => {
    const h = harness();
    h.statuses.set('b/cam-2', 'failed');
    h.statuses.set('c/cam-3', 'failed');
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    h.statuses.set('c/cam-3', 'ok');
    h.engine.onDeviceStatus(ref('c', 'cam-3'), 'ok');
    await h.settle();
    expect(lastState(h)).toMatchObject({ state: 'ok', active: ref('c', 'cam-3') });
  });

  it('a down slot takes a member that comes back degraded (some gear is degraded as its normal state)', async () => {
    const h = harness();
    h.statuses.set('c/cam-3', 'offline');
    h.engine.setOnAir(true);
    h.fail('a/cam-1'); // the primary dies: the backup goes live…
    await h.settle();
    expect(lastState(h)).toMatchObject({ active: ref('b', 'cam-2') });
    h.fail('b/cam-2'); // …and hangs: nothing left
    await h.settle();
    expect(lastState(h)).toMatchObject({ state: 'down', active: null });
    h.statuses.set('b/cam-2', 'degraded'); // it answers again, degraded (its clock is 1 h off)
    h.engine.onDeviceStatus(ref('b', 'cam-2'), 'degraded');
    await h.settle();
    expect(lastState(h)).toMatchObject({ state: 'degraded', active: ref('b', 'cam-2') });
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2', 'b/cam-2']);
  });

  it('a backup whose agent is not heard again after a restart makes the slot unknown, not down, until it is heard or lost', async () => {
    for (const outcome of ['heard', 'lost'] as const) {
      const h = harness();
      h.statuses.set('c/cam-3', 'offline');
      h.unreachable.add('b'); // restored as ok, its agent not heard since the restart, the grace over
      h.engine.setOnAir(true);
      h.fail('a/cam-1');
      await h.settle();
      expect(types(h), outcome).toEqual([]);
      expect(lastState(h)).toMatchObject({
        state: 'unknown',
        active: ref('a', 'cam-1'),
        reason: expect.stringContaining('waiting for b/cam-2'),
      });
      if (outcome === 'heard') {
        h.unreachable.delete('b');
        h.engine.onAgentReachable('b');
        await h.settle();
        expect(types(h)).toEqual(['failover.started', 'failover.succeeded']);
        expect(lastState(h)).toMatchObject({ state: 'ok', active: ref('b', 'cam-2') });
      } else {
        h.fail('b/cam-2', 'offline'); // its agent missed the heartbeat deadline: declared lost
        await h.settle();
        expect(types(h)).toEqual(['slot.down', 'alarm']);
        expect(lastState(h)).toMatchObject({ state: 'down', active: null });
      }
    }
  });

  it('off air, records the failure but does not fail over', async () => {
    const h = harness();
    h.fail('a/cam-1');
    await h.settle();
    expect(h.activations).toEqual([]);
    expect(lastState(h)).toMatchObject({ state: 'down', onAir: false, active: ref('a', 'cam-1') });
  });

  it('going on air with a failed active device fails over at once', async () => {
    const h = harness();
    h.fail('a/cam-1');
    h.engine.setOnAir(true);
    await h.settle();
    expect(lastState(h).active).toEqual(ref('b', 'cam-2'));
  });

  it('does not switch back when the primary recovers; shows it as available', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    h.statuses.set('a/cam-1', 'ok');
    h.engine.onDeviceStatus(ref('a', 'cam-1'), 'ok');
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
    expect(lastState(h)).toMatchObject({ active: ref('b', 'cam-2'), primaryAvailable: true });
  });

  it('two failure reports during one decision give one failover', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    const release = h.hold('b/cam-2');
    h.fail('a/cam-1', 'failed');
    h.fail('a/cam-1', 'offline'); // its agent died too, a moment later
    release();
    await h.settle();
    await h.settle();
    expect(h.activations).toHaveLength(1);
    expect(types(h).filter((t) => t === 'failover.succeeded')).toHaveLength(1);
  });

  it('re-checks when the new device failed while the decision was running', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    const release = h.hold('b/cam-2');
    h.fail('a/cam-1');
    h.statuses.set('b/cam-2', 'failed');
    release();
    await h.settle();
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2', 'c/cam-3']);
    expect(lastState(h).active).toEqual(ref('c', 'cam-3'));
  });
});

describe('failover engine: tally lamps', () => {
  it('lights the live member’s tally on air, moves it on failover, and darkens all off air', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    expect(h.tallies).toEqual(['cam-1:on', 'cam-2:off']);
    h.fail('a/cam-1');
    await h.settle();
    expect(h.tallies.slice(2)).toEqual(['cam-1:off', 'cam-2:on']);
    h.engine.setOnAir(false);
    expect(h.tallies.slice(4)).toEqual(['cam-2:off']);
  });

  it('a member without a lamp going live darkens the others', async () => {
    const h = harness();
    h.statuses.set('b/cam-2', 'failed');
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    expect(lastState(h).active).toEqual(ref('c', 'cam-3'));
    expect(h.tallies).toEqual(['cam-1:on', 'cam-2:off', 'cam-1:off']);
  });
});

describe('failover engine: manual', () => {
  it('switches to a named device, puts the old one in standby, and records who and why', async () => {
    const h = harness();
    const outcome = await h.engine.requestFailover('studio-a/cam-wide', 'cam-3', 'reframing', 'eve');
    expect(outcome).toMatchObject({ from: ref('a', 'cam-1'), to: ref('c', 'cam-3') });
    expect(h.standbys).toEqual(['a/cam-1']);
    expect(h.events.filter((e) => e.type !== 'slot.state').at(-1)).toMatchObject({
      type: 'failover.succeeded',
      by: 'eve',
      reason: 'reframing',
    });
  });

  it('switches back to the primary by hand', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    h.statuses.set('a/cam-1', 'ok');
    await h.engine.requestFailover('studio-a/cam-wide', 'a/cam-1', 'primary repaired', 'eve');
    expect(lastState(h)).toMatchObject({ active: ref('a', 'cam-1'), primaryAvailable: false });
  });

  it('refuses a manual request that races a running decision', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    const release = h.hold('b/cam-2');
    h.fail('a/cam-1');
    await expect(h.engine.requestFailover('studio-a/cam-wide', 'cam-3', 'race', 'eve')).rejects.toThrow(/already failing over/);
    release();
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
  });

  it('explains unknown slots, unknown members and the active device', async () => {
    const h = harness();
    await expect(h.engine.requestFailover('nope', undefined, 'x', 'eve')).rejects.toThrow(FailoverRefused);
    await expect(h.engine.requestFailover('studio-a/cam-wide', 'cam-9', 'x', 'eve')).rejects.toThrow(
      /not a member.*members: a\/cam-1, b\/cam-2, c\/cam-3/,
    );
    await expect(h.engine.requestFailover('studio-a/cam-wide', 'cam-1', 'x', 'eve')).rejects.toThrow(/already active/);
  });

  it('reports a failed manual failover as an error and leaves the slot as it was', async () => {
    const h = harness();
    h.answers.set('b/cam-2', async () => ({ id: 'x', device: 'cam-2', status: 'rejected', error: 'no such action', ts: 0 }));
    await expect(h.engine.requestFailover('studio-a/cam-wide', 'cam-2', 'test', 'eve')).rejects.toThrow(/no such action/);
    expect(lastState(h).active).toEqual(ref('a', 'cam-1'));
  });

  it('starts from the restored assignment after a restart', () => {
    const h = harness(new Map([['studio-a/cam-wide', ref('c', 'cam-3')]]));
    expect(h.engine.states()[0]!.active).toEqual(ref('c', 'cam-3'));
  });
});

describe('failover engine: slots defined at run time', () => {
  it('a redefinition keeps the live device when it is still a member, and re-indexes the members', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    await h.engine.requestFailover('studio-a/cam-wide', 'cam-2', 'test', 'tech');
    h.engine.defineSlot({ ...CAM, backups: [ref('b', 'cam-2')], tallies: [] }); // cam-3 leaves the slot
    expect(lastState(h)).toMatchObject({ active: ref('b', 'cam-2'), backups: [ref('b', 'cam-2')] });
    expect(h.engine.slotsOf(ref('c', 'cam-3'))).toEqual([]);
    expect(h.engine.slotsOf(ref('b', 'cam-2'))).toEqual(['studio-a/cam-wide']);
    expect(h.tallies.at(-1)).toBe('cam-2:off'); // its lamp is no longer in the definition: switched off, not left lit
    // A member that left the slot no longer moves it.
    h.fail('c/cam-3');
    await h.settle();
    expect(types(h).filter((t) => t === 'failover.started')).toHaveLength(1);
  });

  it('a new slot on air takes over at once if its primary is down; a removed slot is forgotten', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.statuses.set('a/mic-1', 'failed');
    h.statuses.set('b/mic-2', 'ok');
    h.engine.defineSlot({ id: 'studio-a/mic', primary: ref('a', 'mic-1'), backups: [ref('b', 'mic-2')], params: {}, tallies: [] });
    await h.settle();
    expect(h.activations.at(-1)).toMatchObject({ device: 'b/mic-2' });
    expect(h.engine.removeSlot('studio-a/mic')).toBe(true);
    expect(h.engine.definition('studio-a/mic')).toBeUndefined();
    expect(h.engine.removeSlot('studio-a/mic')).toBe(false);
  });

  it('refuses to change a slot while it is failing over', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    const release = h.hold('b/cam-2');
    h.fail('a/cam-1');
    await h.settle();
    expect(() => h.engine.defineSlot(CAM)).toThrow(FailoverRefused);
    expect(() => h.engine.removeSlot(CAM.id)).toThrow('slot studio-a/cam-wide is failing over; change it when that has finished');
    release();
    await h.settle();
  });
});

describe('failover engine: slot condition history', () => {
  it('records each change of a slot condition, so reports can measure time down', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    h.fail('b/cam-2');
    h.fail('c/cam-3');
    await h.settle();
    const history = h.events.filter((e) => e.type === 'slot.state').map((e) => `${String(e.data.from)}→${String(e.data.to)}`);
    // The active device's failure shows as down until the decision starts: the program is hit from that moment.
    expect(history).toEqual([
      'none→ok',
      'ok→down',
      'down→failing_over',
      'failing_over→ok',
      'ok→down',
      'down→failing_over',
      'failing_over→down',
    ]);
  });

  it('marks the slot recovered at the instant the backup confirmed, so its time down never exceeds the time to recover', async () => {
    // A clock that moves on every reading: any bookkeeping between the confirmation and the slot's change would show.
    let now = 1_700_000_000_000;
    const h = harness(undefined, { now: () => (now += 1) });
    h.engine.setOnAir(true);
    h.fail('a/cam-1');
    await h.settle();
    const at = (type: string, to?: string) =>
      h.events.find((e) => e.type === type && (to === undefined || ('to' in e.data && e.data.to === to)))!.ts;
    expect(at('slot.state', 'ok')).toBeLessThan(at('slot.state', 'down'));
    const recoveredAt = h.events.filter((e) => e.type === 'slot.state' && e.data.to === 'ok').at(-1)!.ts;
    expect(recoveredAt).toBe(at('failover.succeeded'));
    expect(at('slot.state', 'failing_over')).toBe(at('failover.started'));
  });
});

describe('failover engine: what is on air', () => {
  it("arms only the slots of the shows on air; the engineer's override arms them all", async () => {
    const h = harness();
    h.engine.defineSlot({ id: 'studio-b/cam', primary: ref('x', 'cam-9'), backups: [ref('y', 'cam-8')], params: {}, tallies: [] });
    h.statuses.set('x/cam-9', 'ok');
    h.statuses.set('y/cam-8', 'ok');
    h.engine.setOnAir(false, new Set(['studio-a/cam-wide']));
    expect(h.engine.isOnAir()).toBe(true);
    expect(h.engine.isSlotOnAir('studio-b/cam')).toBe(false);
    h.fail('x/cam-9'); // studio B is rehearsing: recorded, not switched
    h.fail('a/cam-1'); // studio A is on air: switched
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
    expect(h.tallies).toContain('cam-2:on');
    h.engine.setOnAir(true); // the override: everything on air, studio B's slot fails over now
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2', 'y/cam-8']);
    h.engine.setOnAir(false, new Set());
    expect(h.engine.isOnAir()).toBe(false);
  });
});
