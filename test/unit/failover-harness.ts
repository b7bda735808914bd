/** The failover engine with fakes around it: every dependency recorded, the fleet view and answers under the test's control. */
import { ManualClock, type Clock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FailoverEngine, type FailoverEvent, type SlotDefinition } from '../../controller/failover/failover-engine.ts';
import type { FleetView } from '../../controller/fleet/fleet.ts';
import type { CommandResult, DeviceRef, DeviceStatus, SlotState } from '../../protocols/schemas.ts';

export const ref = (agent: string, device: string): DeviceRef => ({ agent, device });
export const CAM: SlotDefinition = {
  id: 'studio-a/cam-wide',
  primary: ref('a', 'cam-1'),
  backups: [ref('b', 'cam-2'), ref('c', 'cam-3')],
  params: { preset: 2 },
  tallies: [
    { member: ref('a', 'cam-1'), board: ref('a', 'gpio'), tally: 'cam-1' },
    { member: ref('b', 'cam-2'), board: ref('a', 'gpio'), tally: 'cam-2' },
  ],
};

export interface Harness {
  engine: FailoverEngine;
  statuses: Map<string, DeviceStatus>;
  activations: Array<{ device: string; params: Record<string, unknown>; by: string }>;
  standbys: string[];
  /** Tally commands in order: "cam-1:on". */
  tallies: string[];
  events: FailoverEvent[];
  published: SlotState[];
  saved: Array<[string, DeviceRef | null]>;
  /** Decide how each device answers `activate`. */
  answers: Map<string, () => Promise<CommandResult>>;
  fail: (device: string, status?: DeviceStatus) => void;
  settle: () => Promise<void>;
  /** Makes `device` hold its answer to `activate` until the returned function is called. */
  hold: (device: string) => () => void;
  /** Agents not heard since the (re)connect. */
  unreachable: Set<string>;
  view: { fleet: FleetView };
}

export function harness(restored?: Map<string, DeviceRef | null>, clock: Clock = new ManualClock()): Harness {
  const statuses = new Map<string, DeviceStatus>([
    ['a/cam-1', 'ok'],
    ['b/cam-2', 'ok'],
    ['c/cam-3', 'ok'],
  ]);
  const h: Omit<Harness, 'engine' | 'fail' | 'settle' | 'hold'> = {
    statuses,
    activations: [],
    standbys: [],
    tallies: [],
    events: [],
    published: [],
    saved: [],
    answers: new Map(),
    unreachable: new Set(),
    view: { fleet: 'settled' },
  };
  const engine = new FailoverEngine(
    {
      clock,
      log: silentLogger(),
      status: (r) => statuses.get(`${r.agent}/${r.device}`) ?? 'unknown',
      reachable: (r) => !h.unreachable.has(r.agent),
      fleet: () => h.view.fleet,
      activate: (r, params, by) => {
        h.activations.push({ device: `${r.agent}/${r.device}`, params, by });
        const answer = h.answers.get(`${r.agent}/${r.device}`);
        return answer ? answer() : Promise.resolve({ id: 'x', device: r.device, status: 'succeeded', ts: clock.now() });
      },
      standby: (r) => h.standbys.push(`${r.agent}/${r.device}`),
      tally: (_board, tally, on) => h.tallies.push(`${tally}:${on ? 'on' : 'off'}`),
      record: (e) => h.events.push(e),
      publish: (s) => h.published.push(s),
      unpublish: () => undefined,
      saveActive: (slot, active) => h.saved.push([slot, active]),
      activateTimeoutMs: 500,
    },
    [CAM],
    restored,
  );
  const fail = (device: string, status: DeviceStatus = 'failed') => {
    statuses.set(device, status);
    const [agent, id] = device.split('/') as [string, string];
    engine.onDeviceStatus(ref(agent, id), status);
  };
  const settle = () => new Promise<void>((r) => setTimeout(r, 0));
  const hold = (device: string) => {
    let release = () => {};
    h.answers.set(device, () => new Promise((resolve) => (release = () => resolve({ id: 'x', device, status: 'succeeded', ts: 0 }))));
    return () => release();
  };
  return { ...h, engine, fail, settle, hold };
}

export const types = (h: Harness) => h.events.map((e) => e.type).filter((t) => t !== 'slot.state');
export const lastState = (h: Harness) => h.published.at(-1)!;
