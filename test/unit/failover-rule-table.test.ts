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
import { localSlotsFor } from '../../controller/failover/local-slots.ts';
import type { DeviceStatus } from '../../protocols/schemas.ts';
import type { QuietWindow, SlotContentFlags } from '../../protocols/content-policy.ts';
import type { Show } from '../../protocols/plan-schemas.ts';
import { toleranceOf } from '../../controller/failover/content-policy.ts';

const AGENT = 'agent-a';
const CAMS = ['cam-1', 'cam-2', 'cam-3'] as const;
type Cam = (typeof CAMS)[number];
const T: DetectionThresholds = { failAfterProbes: 2, recoverAfterMs: 10_000, healthDeadlineMs: 15_000, heartbeatDeadlineMs: 1e9 };
const START = 1_000_000;

/**
 * What a device's runner reports: a status of its gear, or a content fault (issue 22) — `black`,
 * `frozen`, `silent`: the picture or sound check failed while the gear's probe is fine (the device is failed:
 * the worse of the two); `black+gear`: both failed.
 */
type Reported = DeviceStatus | 'black' | 'frozen' | 'silent' | 'black+gear';
/** [ms since start, device, what is reported, failed probes in a row] — or [ms] alone: time passes (both tick). */
type Step = [at: number, device?: Cam, status?: Reported, failures?: number];

interface Case {
  name: string;
  steps: Step[];
  /** Devices that refuse `activate`. */
  refuse?: Cam[];
  /** Members that got a successful or failed `activate`, in order, and the member live at the end (null: none). */
  activated: Cam[];
  live: Cam | null;
  /** The slot's content rule and its show's quiet windows (times from the start); none: the default, failover. */
  slot?: SlotContentFlags & { quiet?: Array<Omit<QuietWindow, 'from' | 'to'> & { from: number; to: number }> };
}

const down = (at: number, cam: Cam, status: Reported = 'failed', n = 2, from = 1): Step[] =>
  Array.from({ length: n }, (_, i): Step => [at, cam, status, from + i]);
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

const health = (reported: Reported, failures: number, at: number, seq: number) => {
  const fault = reported === 'silent' || reported === 'frozen' ? reported : reported.startsWith('black') ? 'black' : undefined;
  const gear: DeviceStatus = reported === 'black+gear' ? 'failed' : fault ? 'ok' : (reported as DeviceStatus);
  const content = fault
    ? [{ name: fault === 'silent' ? 'sound' : 'picture', status: 'failed' as const, latencyMs: 0, detail: `${fault} for 3.0 s` }]
    : [];
  return {
    status: fault ? ('failed' as const) : gear,
    checks: [{ name: 'probe', status: gear, latencyMs: 1 }, ...content],
    metrics: { contentFaults: fault ?? '' },
    consecutiveFailures: failures,
    ts: at,
    seq,
    session: 1,
    driver: 'simulated',
  };
};

const flush = async (): Promise<void> => {
  for (let i = 0; i < 3; i += 1) await new Promise((r) => setTimeout(r, 0));
};

/** The case's slot and its show (with the case's quiet windows), as both deciders get them from the controller. */
function slotAndShow(c: Case): { def: SlotDefinition; show: Show } {
  const ref = (device: string) => ({ agent: AGENT, device });
  const { quiet, ...flags }: NonNullable<Case['slot']> = c.slot ?? {};
  const def: SlotDefinition = {
    id: 'studio-a/cam',
    primary: ref('cam-1'),
    backups: [ref('cam-2'), ref('cam-3')],
    params: {},
    tallies: [],
    ...flags,
  };
  const show: Show = {
    id: 'news',
    studio: 'studio-a',
    title: 'news',
    startsAt: START,
    endsAt: START + 3_600_000,
    slots: [def.id],
    preShowMinutes: 0,
    quiet: (quiet ?? []).map((w) => ({ ...w, from: START + w.from, to: START + w.to })),
    state: 'on_air',
    startedAt: START,
    endedAt: null,
  };
  return { def, show };
}

/** The controller: registry tracking in front of the engine, as controller/fleet/fleet.ts wires them. */
async function controllerDecides(c: Case): Promise<{ activated: string[]; live: string | null }> {
  const clock = new ManualClock(START);
  const registry = new Registry(T);
  const activated: string[] = [];
  const ref = (device: string) => ({ agent: AGENT, device });
  const { def, show } = slotAndShow(c);
  // As the controller wires it (controller/controller-parts.ts): the slots' rule and the shows' quiet windows.
  registry.judgeContentWith(() => toleranceOf([def], [show]));
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
  // As the controller sends it in the agent's desired config (controller/fleet/catalog/agent-configs.ts): its thresholds, the slot's content rule and the show's quiet windows.
  const { def, show } = slotAndShow(c);
  const [slot] = localSlotsFor(AGENT, [def], (_ref, role) => ({ action: role, params: {} }), T, [show]);
  if (!slot) throw new Error('the slot is not one the agent fails over alone');
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

/** Content faults (issue 22): the same rule, with the slot's content rule in front of the tracking step. */
const CONTENT_CASES: Case[] = [
  {
    name: 'a content fault alone (black, the gear answering) fails the live member over like any failure',
    steps: down(100, 'cam-1', 'black'),
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'onContentFault alarm: a black live member stays on air (the controller alarms instead)',
    slot: { onContentFault: 'alarm' },
    steps: [...down(100, 'cam-1', 'black', 3), [2_000]],
    activated: [],
    live: 'cam-1',
  },
  {
    name: 'onContentFault alarm: a gear failure beside the black picture still fails over',
    slot: { onContentFault: 'alarm' },
    steps: down(100, 'cam-1', 'black+gear'),
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'onContentFault alarm: a black backup is taken after every healthy one',
    slot: { onContentFault: 'alarm' },
    steps: [...down(50, 'cam-2', 'black'), ...down(100, 'cam-1')],
    activated: ['cam-3'],
    live: 'cam-3',
  },
  {
    name: 'mayBeDark: black fails nothing over…',
    slot: { mayBeDark: true },
    steps: down(100, 'cam-1', 'black', 3),
    activated: [],
    live: 'cam-1',
  },
  {
    name: '…but silence does (only black is allowed)',
    slot: { mayBeDark: true },
    steps: down(100, 'cam-1', 'silent'),
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'mayBeStill: frozen members (slides) are as healthy as their gear; black still fails over, to the frozen backup',
    slot: { mayBeStill: true },
    steps: [...down(50, 'cam-2', 'frozen', 3), ...down(100, 'cam-1', 'frozen', 3), ...down(3_000, 'cam-1', 'black', 2, 4)],
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'onContentFault alarm: a black backup is taken rather than nothing',
    slot: { onContentFault: 'alarm' },
    steps: [...down(50, 'cam-2', 'black'), ...down(50, 'cam-3'), ...down(100, 'cam-1')],
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: "inside the show's quiet window black fails nothing over; still black after it ends, it does",
    slot: { quiet: [{ from: 0, to: 5_000, faults: ['black'] }] },
    // cam-2 fails meanwhile: cam-1, black through the window, is failed over to cam-3 only once the window ended.
    steps: [...down(100, 'cam-1', 'black', 3), ...down(1_000, 'cam-2'), [4_999], ...down(5_000, 'cam-1', 'black', 1, 4)],
    activated: ['cam-3'],
    live: 'cam-3',
  },
  {
    name: 'a quiet window for black only: a silent member fails over inside it',
    slot: { quiet: [{ from: 0, to: 5_000, faults: ['black'] }] },
    steps: down(100, 'cam-1', 'silent'),
    activated: ['cam-2'],
    live: 'cam-2',
  },
  {
    name: 'a quiet window for another slot changes nothing here',
    slot: { quiet: [{ from: 0, to: 5_000, slots: ['studio-a/other'] }] },
    steps: down(100, 'cam-1', 'black'),
    activated: ['cam-2'],
    live: 'cam-2',
  },
];

describe('the failover rule on content faults', () => {
  for (const c of CONTENT_CASES) {
    it(c.name, async () => {
      const expected = { activated: c.activated, live: c.live };
      expect(await controllerDecides(c), 'the controller').toEqual(expected);
      expect(await agentDecides(c), 'the agent alone').toEqual(expected);
    });
  }
});
