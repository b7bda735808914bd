/**
 * One failover rule, two deciders (protocols/failover-rule.ts): the controller's FailoverEngine, with
 * the registry's failure tracking in front of it as the controller wires it (health → Registry →
 * device transitions → engine), and an agent's CarryOn, alone, fed the runner's health. Each case is a
 * sequence of health reports (with the runner's count of failed probes in a row) and time steps; both
 * deciders get the very same sequence and must activate the same members and end with the same one live.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { CarryOn } from '../../agent/carry-on.ts';
import { FailoverEngine, type SlotDefinition } from '../../controller/failover/failover-engine.ts';
import { Registry, type RegistryResult } from '../../controller/fleet/registry.ts';
import type { DetectionThresholds } from '../../controller/fleet/failure-detector.ts';
import { isDown } from '../../protocols/failover-rule.ts';
import type { LocalSlot } from '../../protocols/device-config.ts';
import type { DeviceStatus } from '../../protocols/schemas.ts';

const AGENT = 'agent-a';
const CAMS = ['cam-1', 'cam-2', 'cam-3'] as const;
type Cam = (typeof CAMS)[number];
const T: DetectionThresholds = { failAfterProbes: 2, recoverAfterMs: 10_000, healthDeadlineMs: 15_000, heartbeatDeadlineMs: 1e9 };
const START = 1_000_000;

/** [ms since start, device, status reported, failed probes in a row] — or [ms] alone: time passes (both tick). */
type Step = [at: number, device?: Cam, status?: DeviceStatus, failures?: number];

interface Case {
  name: string;
  steps: Step[];
  /** Devices that refuse `activate`. */
  refuse?: Cam[];
  /** Members that got a successful or failed `activate`, in order, and the member live at the end (null: none). */
  activated: Cam[];
  live: Cam | null;
}

const down = (at: number, cam: Cam, status: DeviceStatus = 'failed', n = 2): Step[] =>
  Array.from({ length: n }, (_, i): Step => [at, cam, status, i + 1]);
const ok = (at: number, ...cams: Cam[]): Step[] => cams.map((cam): Step => [at, cam, 'ok']);

const CASES: Case[] = [
  {
    name: 'a single offline report of the live member (a driver reconnecting) fails nothing over',
    steps: [[100, 'cam-1', 'offline', 1], [200]],
    activated: [],
    live: 'cam-1',
  },
  {
    name: 'a single failed report of the live member fails nothing over',
    steps: [[100, 'cam-1', 'failed', 1], [200]],
    activated: [],
    live: 'cam-1',
  },
  { name: 'failAfterProbes failed probes in a row: the first ok backup', steps: down(100, 'cam-1'), activated: ['cam-2'], live: 'cam-2' },
  { name: 'offline probes in a row count like failed ones', steps: down(100, 'cam-1', 'offline'), activated: ['cam-2'], live: 'cam-2' },
  {
    name: 'failed probes not in a row (a good one between) fail nothing over',
    steps: [
      [100, 'cam-1', 'failed', 1],
      [200, 'cam-1', 'ok'],
      [300, 'cam-1', 'failed', 1],
    ],
    activated: [],
    live: 'cam-1',
  },
  { name: 'a degraded live member is not a failure', steps: [[100, 'cam-1', 'degraded'], [200]], activated: [], live: 'cam-1' },
  {
    name: 'ok before degraded, whatever the slot order',
    steps: [[50, 'cam-2', 'degraded'], ...down(100, 'cam-1')],
    activated: ['cam-3'],
    live: 'cam-3',
  },
  {
    name: 'a degraded-only backup is taken rather than nothing',
    steps: [[50, 'cam-2', 'degraded'], ...down(50, 'cam-3', 'offline'), ...down(100, 'cam-1')],
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'no member can go live: none, the slot is down',
    steps: [...down(50, 'cam-2'), ...down(50, 'cam-3', 'offline'), ...down(100, 'cam-1')],
    activated: [],
    live: null,
  },
  {
    name: 'a backup that refuses activate: the next one',
    steps: down(100, 'cam-1'),
    refuse: ['cam-2'],
    activated: ['cam-2', 'cam-3'],
    live: 'cam-3',
  },
  {
    name: 'a backup suspected on one offline report is still a candidate',
    steps: [[50, 'cam-2', 'offline', 1], ...down(100, 'cam-1')],
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'a backup that failed and answers again, but not for recoverAfterMs yet, is passed over',
    steps: [...down(50, 'cam-2'), ...ok(1_000, 'cam-2'), ...down(6_000, 'cam-1')],
    activated: ['cam-3'],
    live: 'cam-3',
  },
  {
    name: 'a member that failed before and recovered (healthy for recoverAfterMs) is taken in slot order',
    steps: [...down(100, 'cam-1'), ...ok(1_000, 'cam-1'), [11_000], ...down(12_000, 'cam-2')],
    activated: ['cam-2', 'cam-1'],
    live: 'cam-1',
  },
  {
    name: 'recovery inside recoverAfterMs: a slot with nothing else stays down…',
    steps: [...down(50, 'cam-3', 'offline'), ...down(100, 'cam-1'), ...ok(1_000, 'cam-1'), ...down(5_000, 'cam-2')],
    activated: ['cam-2'],
    live: null,
  },
  {
    name: '…and takes the member back the moment it has been healthy for recoverAfterMs',
    steps: [
      ...down(50, 'cam-3', 'offline'),
      ...down(100, 'cam-1'),
      ...ok(1_000, 'cam-1'),
      ...down(5_000, 'cam-2'),
      ...ok(9_000, 'cam-1'),
      [10_999],
      [11_000],
    ],
    activated: ['cam-2', 'cam-1'],
    live: 'cam-1',
  },
  {
    name: 'a slot down takes a member that comes back degraded, once it held for recoverAfterMs',
    steps: [...down(50, 'cam-2'), ...down(50, 'cam-3'), ...down(100, 'cam-1'), [500, 'cam-3', 'degraded'], [10_500]],
    activated: ['cam-3'],
    live: 'cam-3',
  },
  {
    name: 'a live member gone mute (no health for healthDeadlineMs) is failed over',
    steps: [...ok(10_000, 'cam-2', 'cam-3'), [15_000], [15_001]],
    activated: ['cam-2'],
    live: 'cam-2',
  },
];

const health = (status: DeviceStatus, failures: number, at: number, seq: number) => ({
  status,
  checks: [{ name: 'probe', status, latencyMs: 1 }],
  metrics: {},
  consecutiveFailures: failures,
  ts: at,
  seq,
  session: 1,
  driver: 'simulated',
});

const flush = async (): Promise<void> => {
  for (let i = 0; i < 3; i += 1) await new Promise((r) => setTimeout(r, 0));
};

/** The controller: registry tracking in front of the engine, as controller/fleet/fleet.ts wires them. */
async function controllerDecides(c: Case): Promise<{ activated: string[]; live: string | null }> {
  const clock = new ManualClock(START);
  const registry = new Registry(T);
  const activated: string[] = [];
  const ref = (device: string) => ({ agent: AGENT, device });
  const def: SlotDefinition = { id: 'studio-a/cam', primary: ref('cam-1'), backups: [ref('cam-2'), ref('cam-3')], params: {}, tallies: [] };
  const engine = new FailoverEngine(
    {
      clock,
      log: silentLogger(),
      status: (r) => registry.status(r.agent, r.device),
      reachable: () => true,
      fleet: () => 'settled',
      activate: async (r) => {
        activated.push(r.device);
        return { id: 'x', device: r.device, status: c.refuse?.includes(r.device as Cam) ? 'failed' : 'succeeded', ts: clock.now() };
      },
      standby: () => undefined,
      tally: () => undefined,
      record: () => undefined,
      publish: () => undefined,
      unpublish: () => undefined,
      saveActive: () => undefined,
      activateTimeoutMs: 500,
    },
    [def],
  );
  const apply = (results: RegistryResult[]): void => {
    for (const r of results) for (const change of r.deviceChanges) engine.onDeviceStatus(ref(change.device), change.to);
  };
  engine.setOnAir(true);
  apply([registry.applyAgentState(AGENT, { online: true, session: 1, ts: START, devices: [...CAMS] }, { now: START, live: true })]);
  let seq = 0;
  for (const cam of CAMS) apply([registry.applyHealth(AGENT, cam, health('ok', 0, START, seq++), { now: START, live: true })]);
  for (const [at, cam, status, failures] of c.steps) {
    clock.set(START + at);
    apply(registry.tick(clock.now()));
    if (cam && status)
      apply([registry.applyHealth(AGENT, cam, health(status, failures ?? 0, clock.now(), seq++), { now: clock.now(), live: true })]);
    await flush();
  }
  const live = engine.liveOf(def.id);
  return { activated, live: live && !isDown(registry.status(live.agent, live.device)) ? live.device : null };
}

/** The agent alone (the controller out of reach from the start), fed the same reports by its runners. */
async function agentDecides(c: Case): Promise<{ activated: string[]; live: string | null }> {
  const clock = new ManualClock(START);
  const activated: string[] = [];
  const slot: LocalSlot = {
    id: 'studio-a/cam',
    failAfterProbes: T.failAfterProbes,
    recoverAfterMs: T.recoverAfterMs,
    healthDeadlineMs: T.healthDeadlineMs,
    members: CAMS.map((device) => ({ device, activate: { action: 'activate', params: {} }, standby: { action: 'standby', params: {} } })),
  };
  const carryOn = new CarryOn({
    agentId: AGENT,
    clock,
    log: silentLogger(),
    aloneAfterMs: 0,
    execute: async (device, action) => {
      if (action !== 'activate') return;
      activated.push(device);
      if (c.refuse?.includes(device as Cam)) throw new Error('refused');
    },
    onDecisions: () => undefined,
  });
  carryOn.setSlots([slot]);
  const ref = (device: string) => ({ agent: AGENT, device });
  carryOn.onSlotState({
    slot: slot.id,
    state: 'ok',
    active: ref('cam-1'),
    primary: ref('cam-1'),
    backups: [ref('cam-2'), ref('cam-3')],
    members: [],
    params: {},
    onAir: true,
    primaryAvailable: false,
    ts: START,
  });
  let seq = 0;
  for (const cam of CAMS) carryOn.onHealth(cam, health('ok', 0, START, seq++));
  for (const [at, cam, status, failures] of c.steps) {
    clock.set(START + at);
    carryOn.tick();
    if (cam && status) carryOn.onHealth(cam, health(status, failures ?? 0, clock.now(), seq++));
    await flush();
  }
  return { activated, live: carryOn.liveOf(slot.id) };
}

describe('one failover rule: the controller and an agent alone choose the same member', () => {
  it('has enough cases', () => expect(CASES.length).toBeGreaterThanOrEqual(10));

  for (const c of CASES) {
    it(c.name, async () => {
      const expected = { activated: c.activated, live: c.live };
      expect(await controllerDecides(c), 'the controller').toEqual(expected);
      expect(await agentDecides(c), 'the agent alone').toEqual(expected);
    });
  }
});
