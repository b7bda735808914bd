/** The engine decides only on what the controller can see, and stops cleanly. */
import { describe, expect, it } from 'vitest';
import { FailoverRefused } from '../../controller/failover/failover-engine.ts';
import { CAM, harness, lastState, types } from './failover-harness.ts';

describe('failover engine: what the controller can see', () => {
  it('makes no decision while cut off from the broker, and decides when it sees the fleet again', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.view.fleet = 'blind';
    h.fail('a/cam-1', 'offline');
    await h.settle();
    expect(h.activations).toEqual([]);
    expect(types(h)).not.toContain('slot.down');
    await expect(h.engine.requestFailover(CAM.id, undefined, 'test', 'eng')).rejects.toThrow('the controller cannot reach the broker');
    // Back, and the device is still down: now it fails over.
    h.view.fleet = 'settled';
    h.engine.reevaluate();
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
  });

  it('never sends activate to an agent not heard since the (re)connect, and waits for the grace rather than declaring the slot down', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.view.fleet = 'settling';
    h.unreachable.add('b');
    h.unreachable.add('c');
    h.fail('a/cam-1');
    await h.settle();
    expect(h.activations).toEqual([]);
    expect(types(h)).not.toContain('slot.down');
    expect(lastState(h).active).toEqual(CAM.primary);
    // Agent c is heard: its camera takes over at once.
    h.unreachable.delete('c');
    h.engine.onAgentReachable('c');
    h.engine.reevaluate();
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['c/cam-3']);
  });

  it('after the grace, a slot whose backups’ agents are unheard is unknown, not down; down once they are declared lost; back when one returns', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    h.view.fleet = 'settling';
    h.unreachable.add('b');
    h.unreachable.add('c');
    h.fail('a/cam-1');
    h.view.fleet = 'settled';
    h.engine.reevaluate();
    await h.settle();
    expect(types(h), 'their cameras were ok when last heard: unknown, not down').toEqual([]);
    expect(lastState(h)).toMatchObject({ state: 'unknown', reason: expect.stringContaining('waiting for b/cam-2, c/cam-3') });
    // Their agents miss the heartbeat deadline: declared lost, the slot is down.
    h.fail('b/cam-2', 'offline');
    await h.settle();
    expect(types(h)).toEqual([]);
    h.fail('c/cam-3', 'offline');
    await h.settle();
    expect(types(h)).toEqual(['slot.down', 'alarm']);
    expect(lastState(h).state).toBe('down');
    // Agent b is heard again and its camera reports ok: the slot comes back.
    h.unreachable.delete('b');
    h.engine.onAgentReachable('b');
    h.fail('b/cam-2', 'ok');
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
    expect(lastState(h)).toMatchObject({ state: 'ok', active: { agent: 'b', device: 'cam-2' } });
  });

  it('refuses a manual failover to a member whose agent has not been heard yet', async () => {
    const h = harness();
    h.unreachable.add('b');
    await expect(h.engine.requestFailover(CAM.id, 'b/cam-2', 'test', 'eng')).rejects.toThrow(FailoverRefused);
    await expect(h.engine.requestFailover(CAM.id, 'b/cam-2', 'test', 'eng')).rejects.toThrow(
      'agent b has not been heard since the controller (re)connected',
    );
  });

  it('tells a board’s lamps again when its agent is heard after a reconnect', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    expect(h.tallies).toEqual(['cam-1:on', 'cam-2:off']);
    h.engine.onAgentReachable('a');
    expect(h.tallies).toEqual(['cam-1:on', 'cam-2:off', 'cam-1:on', 'cam-2:off']);
  });

  it('halts: a decision in flight ends without a verdict, and nothing new starts', async () => {
    const h = harness();
    h.engine.setOnAir(true);
    let cancel = (): void => undefined;
    // b's activate is in flight when the controller stops; stopping cancels the command.
    h.answers.set('b/cam-2', () => new Promise((_, reject) => (cancel = () => reject(new Error('controller stopping')))));
    h.fail('a/cam-1');
    await h.settle();
    const halted = h.engine.halt();
    cancel();
    await halted;
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']); // c was not tried
    expect(types(h)).not.toContain('failover.failed');
    expect(types(h)).not.toContain('slot.down');
    expect(types(h)).not.toContain('alarm');
    h.fail('b/cam-2');
    await h.settle();
    expect(h.activations.map((a) => a.device)).toEqual(['b/cam-2']);
  });
});
