import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { CarryOn } from '../../agent/carry-on.ts';
import type { LocalSlot } from '../../protocols/device-config.ts';
import type { DeviceStatus, LocalDecision, SlotState } from '../../protocols/schemas.ts';

const SLOT: LocalSlot = {
  id: 'studio-a/cam',
  failAfterProbes: 2,
  recoverAfterMs: 10_000,
  healthDeadlineMs: 15_000,
  members: ['cam-1', 'cam-2', 'cam-3'].map((device) => ({
    device,
    activate: { action: 'recall-preset', params: { preset: 1 } },
    standby: { action: 'standby', params: {} },
  })),
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

/** A runner's health report: `failures` failed probes in a row (the runner's count). */
const report = (status: DeviceStatus, failures = 0) => ({
  status,
  consecutiveFailures: failures,
  checks: [{ name: 'probe', status, latencyMs: 1 }],
});

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
  for (const cam of ['cam-1', 'cam-2', 'cam-3']) carryOn.onHealth(cam, report('ok'));
  const flush = () => new Promise((r) => setTimeout(r, 0));
  /** `n` failed probes in a row, as the runner reports them. */
  const down = (cam: string, n = 2, status: DeviceStatus = 'offline') => {
    for (let i = 1; i <= n; i += 1) carryOn.onHealth(cam, report(status, i));
  };
  return { clock, carryOn, ran, reported, flush, down };
}

describe('an agent carrying on alone', () => {
  it('does nothing while the controller is in reach, however the gear fails', async () => {
    const s = setup();
    s.down('cam-1', 5, 'failed');
    s.clock.advance(60_000);
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual([]);
  });

  it('cut off past aloneAfterMs, after failAfterProbes failed probes: the first healthy member, the failed one to standby, one decision', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(2_999);
    s.down('cam-1', 2, 'failed');
    await s.flush();
    expect(s.ran, 'not alone yet: a standby controller may be taking over').toEqual([]);
    s.clock.advance(1);
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
    expect(s.reported.at(-1)).toMatchObject([
      { slot: SLOT.id, from: 'cam-1', to: 'cam-2', reason: 'cam-1 failed (2 failed probes in a row: probe: failed)' },
    ]);
    s.carryOn.onHealth('cam-1', report('failed', 3));
    s.carryOn.tick();
    await s.flush();
    expect(s.ran, 'one decision per failure').toHaveLength(2);
  });

  it('waits for failAfterProbes, offline included (a reconnecting driver says offline once), skips a slot not on air', async () => {
    const s = setup();
    s.carryOn.onControllerState(false); // the controller's will
    s.clock.advance(5_000);
    s.carryOn.onHealth('cam-1', report('offline', 1));
    await s.flush();
    expect(s.ran, 'one offline report: a suspicion, as for the controller').toEqual([]);
    s.carryOn.onHealth('cam-1', report('ok'));
    s.carryOn.onHealth('cam-1', report('failed', 1));
    await s.flush();
    expect(s.ran, 'the count starts again after a good probe').toEqual([]);
    s.carryOn.onSlotState(slotState('cam-1', false));
    s.carryOn.onHealth('cam-1', report('offline', 2));
    await s.flush();
    expect(s.ran, 'not on air: nothing to keep on air').toEqual([]);
    s.carryOn.onSlotState(slotState('cam-1', true));
    s.carryOn.tick();
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
  });

  it('takes a member that failed again only after recoverAfterMs healthy, then in slot order, as the controller; tries the next when a backup refuses', async () => {
    const s = setup({ refuse: ['cam-2'] });
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.down('cam-1');
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-3:recall-preset', 'cam-1:standby']);
    s.carryOn.onHealth('cam-1', report('ok')); // the primary answers again: not trusted yet, and no switch back while cam-3 is live
    await s.flush();
    expect(s.ran).toHaveLength(3);
    s.down('cam-3');
    await s.flush();
    expect(s.ran.slice(3), 'cam-1 has not been healthy for recoverAfterMs: only cam-2 is tried').toEqual(['cam-2:recall-preset']);
    s.clock.advance(9_999);
    s.carryOn.tick(); // (cam-2 is tried again every 5 s)
    await s.flush();
    expect(
      s.ran.filter((x) => x.startsWith('cam-1:recall')),
      'cam-1 still waiting out recoverAfterMs',
    ).toEqual([]);
    s.clock.advance(1);
    s.carryOn.tick(); // cam-1 healthy for 10 s: it counts again, and the slot takes it at once
    await s.flush();
    expect(s.ran.slice(-2)).toEqual(['cam-1:recall-preset', 'cam-3:standby']);
  });

  it('a slot nothing could take over takes a member the moment it counts again, degraded included', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.down('cam-3');
    s.down('cam-1'); // the primary dies: cam-2 goes live…
    await s.flush();
    expect(s.ran).toEqual(['cam-2:recall-preset', 'cam-1:standby']);
    s.down('cam-2'); // …and hangs: nothing left (retried in 5 s)
    await s.flush();
    expect(s.ran).toHaveLength(2);
    s.clock.advance(2_000);
    s.carryOn.onHealth('cam-1', report('degraded')); // the primary answers again, degraded: taken once it held for recoverAfterMs
    s.clock.advance(10_000);
    s.carryOn.tick();
    await s.flush();
    expect(s.ran.slice(2)).toEqual(['cam-1:recall-preset', 'cam-2:standby']);
    expect(s.reported.at(-1)?.at(-1)).toMatchObject({ from: 'cam-2', to: 'cam-1' });
  });

  it('keeps its view until the controller shows the decision adopted, then clears the report', async () => {
    const s = setup();
    s.carryOn.onLink(false);
    s.clock.advance(3_000);
    s.down('cam-1');
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
    s.down('cam-2');
    await s.flush();
    expect(s.ran[0], 'cam-1 failed before the restart: it must prove itself healthy first').toBe('cam-3:recall-preset');
  });
});
