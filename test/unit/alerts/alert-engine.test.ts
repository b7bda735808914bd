import { describe, expect, it } from 'vitest';
import { alertRig } from './alerts-harness.ts';

/** An agent with `devices` devices whose first `slots` are live on air, each backed by a device of agent-b. */
function agentHang(devices: number, slots: number) {
  const rig = alertRig();
  const a = rig.picture.addAgent('agent-a', devices);
  const b = rig.picture.addAgent('agent-b', slots);
  for (let i = 0; i < slots; i += 1) rig.picture.addSlot(`cam-${i + 1}`, [a[i]!, b[i]!]);
  for (const ref of a) rig.picture.status.set(`agent-a/${ref.device}`, 'offline');
  rig.emit('agent.offline', { agent: 'agent-a', reason: 'no heartbeat for 3000 ms', data: { session: 1 } });
  for (const ref of a) rig.emit('device.state', { ...ref, data: { from: 'ok', to: 'offline' } });
  for (let i = 0; i < slots; i += 1) {
    const slot = `cam-${i + 1}`;
    rig.emit('failover.started', { slot, data: { from: `agent-a/dev-${i + 1}`, candidates: [`agent-b/dev-${i + 1}`] } });
    rig.picture.slots.get(slot)!.live = b[i]!;
    rig.emit('failover.succeeded', {
      slot,
      agent: 'agent-b',
      device: `dev-${i + 1}`,
      data: { from: `agent-a/dev-${i + 1}`, to: `agent-b/dev-${i + 1}`, durationMs: 300, attempts: [] },
    });
  }
  return rig;
}

describe('AlertEngine: one alert per cause', () => {
  it('an agent hang with 20 devices and 4 slots is ONE alert and ONE firing notification per contact', () => {
    const rig = agentHang(20, 4);
    expect(rig.raised()).toHaveLength(1);
    const firing = rig.queued.filter((q) => q.reason === 'firing');
    expect(firing.map((q) => q.contact)).toEqual(['wang-mail', 'wang-wecom']);
    const [alert] = rig.engine.list({ state: 'open' }).alerts;
    expect(alert).toMatchObject({
      key: 'agent-lost:agent-a',
      kind: 'agent-lost',
      severity: 'warning',
      summary: 'agent-a lost: 20 devices, 4 slots affected, all failed over',
      noBackupLeft: true,
      runbook: 'agent-lost',
      count: 1,
    });
    expect(alert!.inhibits.filter((k) => k.startsWith('device:'))).toHaveLength(20);
    expect(alert!.inhibits.filter((k) => k.startsWith('failover:'))).toHaveLength(4);
    // back: resolved, and everyone told hears so
    rig.emit('agent.online', { agent: 'agent-a', data: { session: 2 } });
    expect(rig.engine.get(alert!.id)!.state).toBe('resolved');
    expect(rig.queued.filter((q) => q.reason === 'resolved').map((q) => q.contact)).toEqual(['wang-mail', 'wang-wecom']);
    expect(rig.cancelled).toEqual([alert!.id]);
  });

  it('a slot that goes down for the lost agent makes its alert critical, not a slot-down alert of its own', () => {
    const rig = agentHang(3, 1);
    rig.picture.slots.get('cam-1')!.down = true;
    rig.emit('slot.down', { slot: 'cam-1', data: {} });
    rig.emit('alarm', { slot: 'cam-1', reason: 'slot cam-1 is DOWN', data: { severity: 'critical' } });
    expect(rig.raised()).toHaveLength(1);
    const alert = rig.engine.list({ state: 'open' }).alerts[0]!;
    expect(alert.severity).toBe('critical');
    expect(alert.summary).toBe('agent-a lost: 3 devices, 1 slots affected, 1 down, 0 failed over');
    expect(alert.inhibits).toContain('slot-down:cam-1');
  });

  it('a flapping device is one alert with a count: 11 failures in 3 minutes, count 11, notified once', () => {
    const rig = alertRig();
    const [cam] = rig.picture.addAgent('agent-a', 1);
    rig.picture.addSlot('cam-1', [cam!], false);
    for (let i = 0; i < 11; i += 1) {
      rig.emit('device.state', { ...cam!, data: { from: 'ok', to: 'failed' } });
      rig.clock.advance(8_000);
      rig.emit('device.state', { ...cam!, data: { from: 'failed', to: 'ok' } });
      rig.clock.advance(8_000);
    }
    expect(rig.raised()).toHaveLength(1);
    const alert = rig.engine.get(rig.raised()[0]!.data.alert as number)!;
    expect(alert).toMatchObject({ count: 11, state: 'resolved', severity: 'minor' });
    expect(rig.queued.filter((q) => q.reason === 'firing')).toHaveLength(2);
    // its resolved notice waits for the flap to settle
    const resolvedBefore = rig.queued.filter((q) => q.reason === 'resolved').length;
    rig.tickUntil(rig.clock.now() + rig.deps.core.settings.flapWindowMs);
    expect(rig.queued.filter((q) => q.reason === 'resolved').length).toBe(resolvedBefore + 2);
  });

  it('decides nothing about the gear while the fleet is not in view; a lost broker is one controller alert', () => {
    const rig = alertRig();
    rig.picture.addAgent('agent-a', 2);
    rig.picture.view = 'blind';
    rig.emit('broker.lost', { data: {} });
    rig.emit('agent.offline', { agent: 'agent-a', data: { session: 1 } });
    rig.emit('device.state', { agent: 'agent-a', device: 'dev-1', data: { from: 'ok', to: 'offline' } });
    expect(rig.raised().map((e) => e.data)).toMatchObject([{ key: 'controller:broker', kind: 'controller', severity: 'critical' }]);
    rig.emit('broker.restored', { data: {} });
    expect(rig.engine.list({ state: 'open' }).alerts).toEqual([]);
  });

  it('a device failover that failed on air is critical and told again; the slot going down joins it', () => {
    const rig = alertRig();
    const [cam, spare] = rig.picture.addAgent('agent-a', 2);
    rig.picture.addSlot('cam-1', [cam!, spare!]);
    rig.picture.status.set('agent-a/dev-1', 'failed');
    rig.picture.status.set('agent-a/dev-2', 'failed');
    rig.emit('device.state', { ...cam!, data: { from: 'ok', to: 'failed' } });
    expect(rig.engine.list({ state: 'open' }).alerts[0]!.severity).toBe('warning');
    rig.emit('failover.failed', { slot: 'cam-1', data: { from: 'agent-a/dev-1', attempts: ['dev-2: failed'] } });
    rig.picture.slots.get('cam-1')!.down = true;
    rig.emit('slot.down', { slot: 'cam-1', data: {} });
    expect(rig.raised()).toHaveLength(1);
    const alert = rig.engine.list({ state: 'open' }).alerts[0]!;
    expect(alert).toMatchObject({ key: 'device:agent-a/dev-1', severity: 'critical', summary: 'agent-a/dev-1 failed, failover failed' });
    expect(rig.queued.filter((q) => q.reason === 'firing')).toHaveLength(4); // told at warning, again when it went critical
  });

  it('off air is minor, warning when a show of the studio starts within the pre-show window', () => {
    const rig = alertRig();
    const [cam, other] = rig.picture.addAgent('agent-a', 2);
    rig.picture.shows = [{ show: 'news', studio: 'studio-a', startsAt: rig.clock.now() + 30 * 60_000 }];
    rig.emit('device.state', { ...cam!, data: { from: 'ok', to: 'failed' } });
    rig.picture.shows = [{ show: 'news', studio: 'studio-a', startsAt: rig.clock.now() + 2 * 3_600_000 }];
    rig.emit('device.state', { ...other!, data: { from: 'ok', to: 'failed' } });
    expect(rig.raised().map((e) => [e.data.key, e.data.severity])).toEqual([
      ['device:agent-a/dev-1', 'warning'],
      ['device:agent-a/dev-2', 'minor'],
    ]);
  });

  it("the console's alarm acknowledgement acknowledges the alert its event belongs to", () => {
    const rig = alertRig();
    const alarm = rig.emit('alarm', { reason: 'cannot write', data: { severity: 'critical', cause: 'storage' } });
    // as controller/http/console-hub.ts records it
    rig.emit('alarm.acked', { by: 'wang', reason: 'on it', data: { seq: alarm.seq, alarm: 'cannot write' } });
    const acked = rig.engine.get(rig.raised()[0]!.data.alert as number);
    expect(acked).toMatchObject({ state: 'acknowledged', ackedBy: 'wang', ackComment: 'on it' });
    const event = rig.recorded.find((e) => e.type === 'alert.acked')!;
    expect(event.data).toMatchObject({ via: 'console', person: 'wang', afterMs: 0 });
    expect(rig.engine.acknowledgeEvent(alarm.seq, 'li')).toBeUndefined();
    expect(() => rig.engine.acknowledge(acked!.id, 'li', 'cli')).toThrow(/acknowledged by wang already/);
  });
});

describe('AlertEngine: never in the way of failover', () => {
  it('a fault while judging an event is logged, never thrown into the controller’s record()', () => {
    const rig = alertRig();
    rig.picture.addAgent('agent-a', 1);
    rig.deps.incidents.attach = () => {
      throw new Error('incidents table locked');
    };
    expect(() => rig.emit('device.state', { agent: 'agent-a', device: 'dev-1', data: { from: 'ok', to: 'failed' } })).not.toThrow();
    expect(rig.engine.list({}).alerts).toEqual([]); // and no row without its incident
  });
});

describe('AlertEngine: severity follows the slot', () => {
  it('a slot live again takes its covering alert back from critical to warning', () => {
    const rig = alertRig();
    const [cam, spare] = rig.picture.addAgent('agent-a', 2);
    rig.picture.addSlot('cam-1', [cam!, spare!]);
    rig.picture.status.set('agent-a/dev-1', 'failed');
    rig.emit('device.state', { ...cam!, data: { from: 'ok', to: 'failed' } });
    rig.picture.slots.get('cam-1')!.down = true;
    rig.emit('slot.down', { slot: 'cam-1', data: {} });
    expect(rig.engine.list({ state: 'open' }).alerts[0]!.severity).toBe('critical');
    rig.picture.slots.get('cam-1')!.down = false;
    rig.picture.slots.get('cam-1')!.live = spare!;
    rig.emit('slot.state', { slot: 'cam-1', data: { from: 'down', to: 'ok', active: 'agent-a/dev-2' } });
    expect(rig.engine.list({ state: 'open' }).alerts[0]).toMatchObject({ key: 'device:agent-a/dev-1', severity: 'warning' });
  });
});

describe('AlertEngine: content faults', () => {
  it("the program's fault on air and content-watch's alarm for it are one critical alert, told once; cleared ends it", () => {
    const rig = alertRig();
    const [cam] = rig.picture.addAgent('agent-a', 1);
    rig.picture.addSlot('cam-1', [cam!]);
    const program = { agent: 'agent-a', device: 'encoder' };
    rig.emit('content.fault', { ...program, data: { fault: 'black', role: 'program', phase: 'started' } });
    rig.emit('content.fault', { ...program, data: { fault: 'silent', role: 'program', phase: 'started' } });
    rig.emit('alarm', { ...program, reason: 'black program', data: { severity: 'critical', cause: 'content' } });
    expect(rig.raised().map((e) => [e.data.key, e.data.kind, e.data.severity])).toEqual([
      ['content:agent-a/encoder', 'content', 'critical'],
    ]);
    expect(rig.queued.filter((q) => q.reason === 'firing')).toHaveLength(2);
    rig.emit('content.fault', { ...program, data: { fault: 'black', role: 'program', phase: 'ended', forMs: 4_000 } });
    expect(rig.engine.list({ state: 'open' }).alerts).toHaveLength(1); // silent still
    rig.emit('alarm', { ...program, reason: 'ended', data: { severity: 'cleared', cause: 'content' } });
    expect(rig.engine.list({ state: 'open' }).alerts).toHaveLength(0);
  });
});

describe('AlertEngine: what happens now', () => {
  it('an event dated more than a minute before it is heard is history: no alert', () => {
    const rig = alertRig();
    rig.picture.addAgent('agent-a', 1);
    rig.emit('device.state', { agent: 'agent-a', device: 'dev-1', ts: rig.clock.now() - 61_000, data: { from: 'ok', to: 'failed' } });
    expect(rig.raised()).toEqual([]);
    rig.emit('device.state', { agent: 'agent-a', device: 'dev-1', ts: rig.clock.now() - 60_000, data: { from: 'ok', to: 'failed' } });
    expect(rig.raised()).toHaveLength(1);
  });
});
