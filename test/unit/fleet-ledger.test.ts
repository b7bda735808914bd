import { describe, expect, it } from 'vitest';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import { ledger, type SlotView } from '../faults/fleet-ledger.ts';

const SLOTS: SlotView[] = [{ id: 's/cam', members: ['a/cam-1', 'b/cam-2', 'c/cam-3'], active: 'a/cam-1' }];
let seq = 0;
const ev = (e: NewEvent extends infer E ? (E extends NewEvent ? Omit<E, 'ts'> : never) : never): ControllerEvent =>
  ({ seq: (seq += 1), ts: seq, ...e }) as ControllerEvent;
const state = (ref: string, to: 'ok' | 'failed' | 'offline') =>
  ev({ type: 'device.state', agent: ref.split('/')[0]!, device: ref.split('/')[1]!, data: { from: 'ok', to } });
const switched = (to: string, by = 'controller') =>
  ev({ type: 'failover.succeeded', slot: 's/cam', by, data: { from: 'x', to, durationMs: 1, attempts: [] } });

describe('fleet ledger (how the chaos run counts)', () => {
  it('one failover per failure of the live member; a backup failing is no failure of the slot', () => {
    const l = ledger(
      [state('b/cam-2', 'failed'), state('a/cam-1', 'offline'), switched('c/cam-3'), state('a/cam-1', 'ok'), state('b/cam-2', 'ok')],
      0,
      SLOTS,
    );
    expect(l).toMatchObject({ realFailures: 1, failovers: 1, withoutFailure: 0, unexplainedDowns: 0 });
  });

  it('a failover with no failure before it is counted as one', () => {
    expect(ledger([switched('b/cam-2')], 0, SLOTS)).toMatchObject({ realFailures: 0, failovers: 1, withoutFailure: 1 });
  });

  it('a slot down is explained only when no other member was healthy', () => {
    const explained = ledger(
      [
        state('b/cam-2', 'failed'),
        state('c/cam-3', 'offline'),
        state('a/cam-1', 'failed'),
        ev({ type: 'slot.down', slot: 's/cam', data: {} }),
      ],
      0,
      SLOTS,
    );
    expect(explained).toMatchObject({ realFailures: 1, failuresEndedDown: 1, unexplainedDowns: 0 });
    const unexplained = ledger(
      [state('c/cam-3', 'offline'), state('a/cam-1', 'failed'), ev({ type: 'slot.down', slot: 's/cam', data: {} })],
      0,
      SLOTS,
    );
    expect(unexplained.unexplainedDowns).toBe(1);
  });

  it("an engineer's switch ends a failure; events before the phase are not counted", () => {
    const events = [state('a/cam-1', 'failed'), switched('b/cam-2', 'engineer')];
    expect(ledger(events, 0, SLOTS)).toMatchObject({ realFailures: 1, failovers: 0, failuresSwitchedByHand: 1, manualSwitches: 1 });
    expect(ledger(events, events.at(-1)!.seq, SLOTS)).toMatchObject({ realFailures: 0, manualSwitches: 0 });
  });
});
