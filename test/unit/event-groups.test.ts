/** Correlated rows: which events fold under which parent (console/event-groups.ts). */
import { describe, expect, it } from 'vitest';
import { groupEvents } from '../../console/event-groups.ts';
import type { ControllerEvent } from '../../protocols/events.ts';

let seq = 0;
const ev = (ts: number, type: string, fields: Partial<ControllerEvent>, data: Record<string, unknown> = {}): ControllerEvent =>
  ({ seq: (seq += 1), ts, type, data, ...fields }) as ControllerEvent;
/** Each group as "parent: children" by type (and agent/device or slot). */
const shape = (events: ControllerEvent[], windowMs?: number): string[] =>
  groupEvents(events, windowMs).map((g) =>
    [g.parent, ...g.children].map((e) => `${e.type}@${e.device ? `${e.agent}/${e.device}` : (e.slot ?? e.agent ?? '')}`).join(' > '),
  );

describe('correlated rows', () => {
  const lost = ev(1_000, 'agent.offline', { agent: 'agent-b' }, { session: 1 });
  const cam2 = ev(1_100, 'device.state', { agent: 'agent-b', device: 'cam-2' }, { from: 'ok', to: 'offline' });
  const mic = ev(1_100, 'device.state', { agent: 'agent-b', device: 'mic-1' }, { from: 'ok', to: 'offline' });
  const started = ev(1_200, 'failover.started', { slot: 'studio-a/cam' }, { from: 'agent-b/cam-2', candidates: ['agent-a/cam-1'] });
  const failed = ev(1_300, 'failover.failed', { slot: 'studio-a/cam' }, { from: 'agent-b/cam-2', attempts: [] });
  const down = ev(1_300, 'slot.down', { slot: 'studio-a/cam' }, { onAir: true });
  const alarm = ev(1_300, 'alarm', { slot: 'studio-a/cam' }, { severity: 'critical' });
  const other = ev(1_150, 'device.state', { agent: 'agent-a', device: 'cam-9' }, { from: 'ok', to: 'failed' });

  const table: Array<[string, ControllerEvent[], string[], number?]> = [
    [
      'an agent lost: its devices, their failovers and what the slot did next under one parent',
      [lost, cam2, other, mic, started, failed, down, alarm],
      [
        'agent.offline@agent-b > device.state@agent-b/cam-2 > device.state@agent-b/mic-1 > failover.started@studio-a/cam > failover.failed@studio-a/cam > slot.down@studio-a/cam > alarm@studio-a/cam',
        'device.state@agent-a/cam-9',
      ],
    ],
    [
      'an agent lost with the live member of a slot and nothing to fail over to: the slot leaving OK, its slot.down and alarm inside',
      [
        lost,
        cam2,
        ev(1_150, 'alert.raised', { slot: 'studio-a/cam' }, {}),
        ev(1_200, 'slot.state', { slot: 'studio-a/cam' }, { from: 'ok', to: 'down', active: 'agent-b/cam-2' }),
        down,
        alarm,
      ],
      [
        'agent.offline@agent-b > device.state@agent-b/cam-2 > slot.state@studio-a/cam > slot.down@studio-a/cam > alarm@studio-a/cam',
        'alert.raised@studio-a/cam',
      ],
    ],
    [
      'a slot that stays OK on another member is not part of the loss',
      [lost, ev(1_200, 'slot.state', { slot: 'studio-a/cam' }, { from: 'failing_over', to: 'ok', active: 'agent-a/cam-1' })],
      ['agent.offline@agent-b', 'slot.state@studio-a/cam'],
    ],
    [
      "a failover's chain on its own: started, then failed, the slot down and its alarm",
      [started, failed, down, alarm],
      ['failover.started@studio-a/cam > failover.failed@studio-a/cam > slot.down@studio-a/cam > alarm@studio-a/cam'],
    ],
    [
      "a device's change timed a millisecond before its agent's loss was logged is still the loss's",
      [lost, ev(999, 'device.state', { agent: 'agent-b', device: 'cam-2' }, { from: 'ok', to: 'offline' })],
      ['agent.offline@agent-b > device.state@agent-b/cam-2'],
    ],
    [
      'past the window, a device is a row of its own',
      [lost, ev(90_000, 'device.state', { agent: 'agent-b', device: 'cam-2' }, { from: 'ok', to: 'offline' })],
      ['agent.offline@agent-b', 'device.state@agent-b/cam-2'],
    ],
    [
      'after the agent is heard again, its devices are rows of their own',
      [lost, ev(1_050, 'agent.online', { agent: 'agent-b' }, { session: 2 }), cam2],
      ['agent.offline@agent-b', 'agent.online@agent-b', 'device.state@agent-b/cam-2'],
    ],
    [
      "a device's recovery is not part of its agent's loss",
      [lost, ev(1_100, 'device.state', { agent: 'agent-b', device: 'cam-2' }, { from: 'offline', to: 'ok' })],
      ['agent.offline@agent-b', 'device.state@agent-b/cam-2'],
    ],
    [
      "another slot's events stay out of a failover's chain",
      [started, ev(1_250, 'slot.down', { slot: 'studio-b/cam' }, { onAir: true })],
      ['failover.started@studio-a/cam', 'slot.down@studio-b/cam'],
    ],
    ['a slot down with no failover before it is a row of its own', [down, alarm], ['slot.down@studio-a/cam', 'alarm@studio-a/cam']],
  ];
  it.each(table)('%s', (_, events, groups, windowMs) => expect(shape(events, windowMs)).toEqual(groups));
});
