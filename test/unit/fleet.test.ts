import { describe, expect, it } from 'vitest';
import { Fleet } from '../../controller/fleet/fleet.ts';
import type { Bus } from '../../controller/broker/bus.ts';
import { DEFAULT_THRESHOLDS } from '../../controller/fleet/failure-detector.ts';
import { Registry } from '../../controller/fleet/registry.ts';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { healthReport } from '../support/health-report.ts';

const health = healthReport;

function fleetWith(registered: string[] = [], bus: Partial<Bus> = { inProcess: true }) {
  const registry = new Registry(DEFAULT_THRESHOLDS);
  const clock = new ManualClock(1_000_000);
  const deleted: string[] = [];
  const events: string[] = [];
  const statuses: string[] = [];
  const link = { connected: true, ...bus } as unknown as Bus;
  const fleet = new Fleet({
    registry,
    store: { saveAgent: () => undefined, saveDevice: () => undefined, deleteDevice: (a, d) => void deleted.push(`${a}/${d}`) },
    record: (e) => void events.push(e.type),
    clock,
    log: silentLogger(),
    decisions: {
      onDeviceStatus: (ref, to) => void statuses.push(`${ref.agent}/${ref.device}=${to}`),
      onAgentReachable: () => undefined,
      reevaluate: () => undefined,
    },
    catalog: { isRetiring: () => false, isRegistered: (a, d) => registered.includes(`${a}/${d}`) },
    noteHealth: () => undefined,
    bus: () => link,
    counters: { staleMessages: 0, stateChanges: 0 },
    graceMs: 5_000,
    linkCheckMs: 1_000,
  });
  fleet.linkUp();
  return { fleet, registry, deleted, clock, events, statuses };
}

describe('fleet: a device its agent stopped running', () => {
  it('is forgotten when its health is cleared, even when the health came before the birth (retained messages in any order)', () => {
    const { fleet, registry } = fleetWith();
    fleet.onHealth('a', 'cam-1', health(7), false); // live, before the birth: kept for it
    fleet.onHealthCleared('a', 'cam-1'); // the agent stopped it (unregistered while it ran from its cache)
    fleet.onAgentState('a', { online: true, session: 7, ts: 0 }, true);
    expect(registry.device('a', 'cam-1'), 'no ghost to miss its health deadline').toBeUndefined();
  });

  it('is forgotten once known; a registered one is kept', () => {
    const { fleet, registry, deleted } = fleetWith(['a/cam-2']);
    fleet.onAgentState('a', { online: true, session: 7, ts: 0 }, false);
    fleet.onHealth('a', 'cam-1', health(7), false);
    fleet.onHealth('a', 'cam-2', health(7), false);
    fleet.onHealthCleared('a', 'cam-1');
    fleet.onHealthCleared('a', 'cam-2');
    expect(registry.device('a', 'cam-1')).toBeUndefined();
    expect(deleted).toEqual(['a/cam-1']);
    expect(registry.device('a', 'cam-2')).toBeDefined();
  });

  it('is not brought back by a retained copy delivered after the live clear; a registered device is', () => {
    const { fleet, registry } = fleetWith(['a/cam-2']);
    fleet.onAgentState('a', { online: true, session: 7, ts: 0 }, false);
    fleet.onHealthCleared('a', 'cam-1'); // live: the agent stopped it
    fleet.onHealth('a', 'cam-1', health(7), true); // the broker's retained copy, streamed late
    fleet.onHealth('a', 'cam-2', health(7), true);
    expect(registry.device('a', 'cam-1'), 'no ghost to miss its health deadline').toBeUndefined();
    expect(registry.device('a', 'cam-2')).toBeDefined();
    fleet.onHealth('a', 'cam-1', health(7), false); // an agent's own device, heard live
    expect(registry.device('a', 'cam-1')).toBeDefined();
  });

  it('is not brought back by a replayed birth that lists it after the live clear; a birth heard live lists what it lists', () => {
    const { fleet, registry } = fleetWith(['a/cam-2']);
    fleet.onHealthCleared('a', 'cam-1'); // live: the agent stopped it
    fleet.onAgentState('a', { online: true, session: 7, ts: 0, devices: ['cam-1', 'cam-2'] }, true); // its retained birth, streamed late
    expect(registry.device('a', 'cam-1'), 'no ghost').toBeUndefined();
    expect(registry.device('a', 'cam-2')).toBeDefined();
    fleet.onAgentState('a', { online: true, session: 8, ts: 0, devices: ['cam-1', 'cam-2'] }, false);
    expect(registry.device('a', 'cam-1')).toBeDefined();
  });
});

describe('fleet: a death that comes as the broker goes away', () => {
  function overBroker(answers: { ok: boolean }) {
    const { fleet, registry, clock, events, statuses } = fleetWith(['a/cam-1'], {
      inProcess: false,
      roundTrip: async () => answers.ok,
      reconnect: () => undefined,
    });
    fleet.onAgentState('a', { online: true, session: 7, ts: 0, devices: ['cam-1'] }, false);
    fleet.onHealth('a', 'cam-1', health(7), false);
    clock.advance(10_000); // the grace is long over: the agent is confirmed and its camera ok
    fleet.onHealth('a', 'cam-1', health(7), false);
    expect(registry.status('a', 'cam-1')).toBe('ok');
    statuses.length = 0;
    events.length = 0;
    return { fleet, registry, clock, events, statuses };
  }

  it('is held, not applied, when the broker does not answer the round trip: the agent is lost only if it does not come back within the grace', async () => {
    const answers = { ok: false };
    const { fleet, registry, clock, events, statuses } = overBroker(answers);
    fleet.onAgentState('a', { online: false, session: 7, ts: 0 }, false); // Mosquitto publishes wills as it shuts down
    await new Promise((r) => setImmediate(r));
    expect(registry.connected, 'the failed round trip took the link down').toBe(false);
    expect(registry.agent('a')?.online, 'not declared offline while the controller cannot see').toBe(true);
    expect(registry.status('a', 'cam-1')).toBe('ok');
    expect(statuses).toEqual([]);
    fleet.linkUp(); // back: the agent gets its grace
    answers.ok = true;
    fleet.onAgentState('a', { online: true, session: 8, ts: 0, devices: ['cam-1'] }, false);
    clock.advance(6_000);
    fleet.tick();
    await new Promise((r) => setImmediate(r));
    fleet.tick();
    expect(registry.connected).toBe(true);
    expect(registry.agent('a')?.online, 'it came back with a new session within the grace').toBe(true);
    expect(events).not.toContain('agent.offline');
  });

  it('stands after the grace when the agent does not come back, with its event', async () => {
    const answers = { ok: false };
    const { fleet, registry, clock, events, statuses } = overBroker(answers);
    fleet.onAgentState('a', { online: false, session: 7, ts: 0 }, false);
    await new Promise((r) => setImmediate(r));
    fleet.linkUp();
    answers.ok = true;
    clock.advance(6_000);
    fleet.tick(); // silence everywhere: it proves its own link first
    await new Promise((r) => setImmediate(r));
    fleet.tick();
    expect(registry.agent('a')?.online).toBe(false);
    expect(events).toContain('agent.offline');
    expect(statuses).toEqual(['a/cam-1=offline']);
  });

  it('is applied at once when the broker answers', async () => {
    const { fleet, registry, statuses } = overBroker({ ok: true });
    fleet.onAgentState('a', { online: false, session: 7, ts: 0 }, false);
    await new Promise((r) => setImmediate(r));
    expect(registry.agent('a')?.online).toBe(false);
    expect(statuses).toEqual(['a/cam-1=offline']);
  });
});
