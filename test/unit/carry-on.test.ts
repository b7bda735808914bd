import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { CarryOn } from '../../agent/carry-on.ts';
import type { LocalSlot } from '../../protocols/device-config.ts';
import type { LocalDecision, SlotState } from '../../protocols/schemas.ts';

const SLOT: LocalSlot = {
  id: 'studio-a/cam',
  failAfterProbes: 2,
  members: ['cam-1', 'cam-2', 'cam-3'].map((device) => ({ device, activate: { action: 'recall-preset', params: { preset: 1 } }, standby: { action: 'standby', params: {} } })),
};

function slotState(active: string | null, onAir = true): SlotState {
  const ref = (device: string) => ({ agent: 'agent-a', device });
  return {
    slot: SLOT.id,
    state: 'ok',
    active: active ? ref(active) : null,
    primary: ref('cam-1'),
    backups: [ref('cam-2'), ref('cam-3')],
    members: [],
    params: {},
    onAir,
    primaryAvailable: false,
    ts: 0,
  };
}

function setup(o: { refuse?: string[]; kept?: LocalDecision[] } = {}) {
  const clock = new ManualClock(1_000);
  const ran: string[] = [];
  const reported: LocalDecision[][] = [];
  const carryOn = new CarryOn({
    agentId: 'agent-a',
    clock,
    log: silentLogger(),
    aloneAfterMs: 3_000,
    execute: async (device, action) => {
      ran.push(`${device}:${action}`);
      if (o.refuse?.includes(device) && action !== 'standby') throw new Error('refused');
    },
    onDecisions: (d) => reported.push([...d]),
    ...(o.kept ? { kept: o.kept } : {}),
  });
  carryOn.setSlots([SLOT]);
  carryOn.onLink(true);
  carryOn.onControllerState(true);
  carryOn.onSlotState(slotState('cam-1'));
  for (const cam of ['cam-1', 'cam-2', 'cam-3']) carryOn.onHealth(cam, 'ok');
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { clock, carryOn, ran, reported, flush };
}

describe('an agent carrying on alone', () => {
  it('does nothing while the controller is in reach, however the gear fails', async () => {
    const s = setup();
    for (let i = 0; i < 5; i += 1) s.carryOn.onHealth('cam-1', 'failed');
    s.clock.advance(60_000);
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual([]);
  });

  it('cut off past aloneAfterMs, after failAfterProbes failed probes: the first healthy member, the failed one to standby, one decision', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(2_999);
    s.carryOn.onHealth('cam-1', 'failed');
    s.carryOn.onHealth('cam-1', 'failed');
    await s.flush();
    expect(s.ran, 'not alone yet: a standby controller may be taking over').toEqual([]);
    s.clock.advance(1);
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
    expect(s.reported.at(-1)).toMatchObject([{ slot: SLOT.id, from: 'cam-1', to: 'cam-2', reason: 'cam-1 failed (2 probes in a row)' }]);
    s.carryOn.onHealth('cam-1', 'failed');
    s.carryOn.tick();
    await s.flush();
    expect(s.ran, 'one decision per failure').toHaveLength(2);
  });

  it('waits for failAfterProbes, acts on offline at once, skips a slot not on air', async () => {
    const s = setup();
    s.carryOn.onControllerState(false); // the controller's will
    s.clock.advance(5_000);
    s.carryOn.onHealth('cam-1', 'failed');
    await s.flush();
    expect(s.ran).toEqual([]);
    s.carryOn.onSlotState(slotState('cam-1', false));
    s.carryOn.onHealth('cam-1', 'offline');
    await s.flush();
    expect(s.ran, 'not on air: nothing to keep on air').toEqual([]);
    s.carryOn.onSlotState(slotState('cam-1', true));
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
  });

  it('goes back to a member that failed while alone only when no other can go live, and tries the next when a backup refuses', async () => {
    const s = setup({ refuse: ['cam-2'] });
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.carryOn.onHealth('cam-1', 'offline');
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-3:recall-preset', 'cam-1:standby']);
    s.carryOn.onHealth('cam-1', 'ok'); // the primary is back: no switch back while cam-3 is live
    await s.flush();
    expect(s.ran).toHaveLength(3);
    s.carryOn.onHealth('cam-3', 'offline');
    await s.flush();
    expect(s.ran.slice(3), 'cam-1 failed while alone: tried after cam-2, before staying on a dead camera').toEqual(['cam-2:recall-preset', 'cam-1:recall-preset', 'cam-3:standby']);
  });

  it('a slot nothing could take over takes a member the moment it comes back degraded', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.carryOn.onHealth('cam-3', 'offline');
    s.carryOn.onHealth('cam-1', 'offline'); // the primary dies: cam-2 goes live…
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
    s.carryOn.onHealth('cam-2', 'offline'); // …and hangs: nothing left (retried in 5 s)
    await s.flush();
    expect(s.ran).toHaveLength(2);
    s.clock.advance(100);
    s.carryOn.onHealth('cam-1', 'degraded'); // the primary answers again, degraded: taken now, not in 5 s
    await s.flush();
    expect(s.ran.slice(2)).toEqual(['cam-1:recall-preset', 'cam-2:standby']);
    expect(s.reported.at(-1)?.at(-1)).toMatchObject({ from: 'cam-2', to: 'cam-1' });
  });

  it('keeps its view until the controller shows the decision adopted, then clears the report', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.carryOn.onHealth('cam-1', 'offline');
    await s.flush();
    expect(s.carryOn.pending()).toHaveLength(1);
    s.carryOn.onLink(true);
    s.carryOn.onSlotState(slotState('cam-1')); // the retained state from before our decision
    expect(s.carryOn.pending()).toHaveLength(1);
    s.carryOn.onSlotState(slotState('cam-2')); // adopted
    expect(s.carryOn.pending()).toEqual([]);
    expect(s.reported.at(-1)).toEqual([]);
  });

  it('restarted with decisions kept: reports them again and acts from the member it switched to', async () => {
    const kept: LocalDecision[] = [{ id: 'd1', slot: SLOT.id, from: 'cam-1', to: 'cam-2', at: 500, reason: 'cam-1 offline' }];
    const s = setup({ kept });
    expect(s.carryOn.pending()).toEqual(kept);
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.carryOn.onHealth('cam-2', 'offline');
    await s.flush();
    expect(s.ran[0]).toBe('cam-3:recall-preset');
  });
});
