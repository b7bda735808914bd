/**
 * The program switcher is gear that fails too, and tally lamps show what the program shows. A real
 * controller and agents; two OBS Studio simulators over real WebSockets (the program switcher and
 * its backup, fed the same cameras), a Firmata board over a pty pair with a tally lamp per camera.
 * - Tallies follow the switcher's own program (a director's take), not only the slot's live member.
 * - The switcher crashes on air: its slot fails over to the backup switcher, which takes what the
 *   failed one had on program; a later camera failover cuts on the backup switcher (the slot's
 *   mapping names the first switcher: it is re-pointed to the switcher live now).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { removeDir, simulate, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let controller: Controller;
let agents: Agent[];
let pair: PtyPair;
let board: FirmataBoardSimulator;
const switchers: ObsStudioSimulator[] = [];
const PINS = { 'cam-1': 12, 'cam-2': 13 } as const;

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'engineer@test' };
  return withController(options, (c) => request(c, op, params, options));
};
const lit = () =>
  Object.entries(PINS)
    .filter(([, pin]) => board.digital(pin) === 1)
    .map(([name]) => name);
const live = (slot: string) => controller.status().slots.find((s) => s.slot === slot)!.active?.device;
const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
const cuts = () => controller.events({}).filter((e) => e.type === 'program.cut');
/** A director's take on the OBS panel (not through OnAir). */
const take = (obs: ObsStudioSimulator, scene: string) => {
  obs.state.program = scene;
  obs.state.programChangedAt = Date.now();
};

beforeAll(async () => {
  dir = tempDir();
  for (let i = 0; i < 2; i += 1) {
    const obs = new ObsStudioSimulator();
    await obs.listen(0);
    switchers.push(obs);
  }
  pair = await createPtyPair();
  board = new FirmataBoardSimulator(pair.b);
  await board.start();
  controller = await startController({ dataDir: dir, config: { detection: { recoverAfterMs: 300 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  const probe = { intervalMs: 100, timeoutMs: 80 };
  const obsProbe = { intervalMs: 200, timeoutMs: 150 };
  await registerStudio(controller.brokerUrl, {
    by: 'test',
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', probe },
      { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', probe },
      {
        agent: 'agent-a',
        device: 'switcher-1',
        profile: 'obs-studio-30-switcher',
        options: { host: '127.0.0.1', port: switchers[0]!.port },
        probe: obsProbe,
      },
      {
        agent: 'agent-b',
        device: 'switcher-2',
        profile: 'obs-studio-30-switcher',
        options: { host: '127.0.0.1', port: switchers[1]!.port },
        probe: obsProbe,
      },
      {
        agent: 'agent-b',
        device: 'gpio-1',
        profile: 'arduino-uno-relay-tally',
        probe: { intervalMs: 200, timeoutMs: 150 },
        options: { path: pair.a, tallies: PINS, relays: {}, lightSensor: { pin: 'A0', brightAbove: 600 } },
      },
    ],
    slots: [
      {
        id: 'studio-a/cam-wide',
        primary: 'agent-a/cam-1',
        backups: ['agent-b/cam-2'],
        params: { preset: 1 },
        program: { 'agent-a/cam-1': 'switcher-1#scene:Cam 1', 'agent-b/cam-2': 'switcher-1#scene:Cam 2' },
        tallies: {
          'agent-a/cam-1': { board: 'agent-b/gpio-1', tally: 'cam-1' },
          'agent-b/cam-2': { board: 'agent-b/gpio-1', tally: 'cam-2' },
        },
      },
      { id: 'studio-a/program', primary: 'agent-a/switcher-1', backups: ['agent-b/switcher-2'], params: {} },
    ],
  });
  await waitUntil(
    () => ['cam-1', 'cam-2', 'switcher-1', 'switcher-2', 'gpio-1'].every((d) => status(d) === 'ok'),
    15_000,
    'cameras, switchers and board ok',
  );
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await controller.stop();
  await Promise.all(switchers.map((s) => s.stop()));
  await board.stop();
  await pair.close();
  removeDir(dir);
});

describe('the program switcher in a slot, and tallies from its program', () => {
  it('lights the lamp of what the program shows: a director’s take moves it, off air none is lit', async () => {
    take(switchers[0]!, 'Cam 1');
    await ask('on-air', { onAir: true, reason: 'test' });
    await waitUntil(() => lit().join() === 'cam-1', 3_000, 'cam-1 lit');
    take(switchers[0]!, 'Cam 2'); // the director takes the other camera; the slot's live member is still cam-1
    await waitUntil(() => lit().join() === 'cam-2', 2_000, 'the lamp follows the program to cam-2');
    expect(live('studio-a/cam-wide')).toBe('cam-1');
    take(switchers[0]!, 'Slides');
    await waitUntil(() => lit().length === 0, 2_000, 'no camera on program: no lamp');
    take(switchers[0]!, 'Cam 1');
    await waitUntil(() => lit().join() === 'cam-1', 2_000, 'cam-1 lit again');
  });

  it('a crashed switcher fails over on air; the backup takes what program showed, and a camera failover cuts on it', async () => {
    const before = cuts().length;
    take(switchers[1]!, 'Wide'); // the backup shows something else until it is needed
    await switchers[0]!.stop(); // OBS crashed
    await waitUntil(() => live('studio-a/program') === 'switcher-2', 5_000, 'the backup switcher is live');
    await waitUntil(() => switchers[1]!.state.program === 'Cam 1', 3_000, 'the backup switcher shows what the failed one had on program');
    await waitUntil(() => cuts().length > before, 2_000, 'the take is recorded');
    expect(cuts().slice(before)[0]).toMatchObject({
      slot: 'studio-a/program',
      device: 'switcher-2',
      data: { to: 'scene:Cam 1', cut: true },
    });
    // Tallies now follow the backup switcher's program.
    await waitUntil(() => lit().join() === 'cam-1', 2_000, 'cam-1 still lit, by switcher-2');

    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => switchers[1]!.state.program === 'Cam 2', 4_000, 'switcher-2 cut to the backup camera');
    expect(live('studio-a/cam-wide')).toBe('cam-2');
    await waitUntil(
      () => cuts().some((e) => e.slot === 'studio-a/cam-wide' && e.device === 'switcher-2'),
      2_000,
      'the cut is recorded on switcher-2',
    );
    await waitUntil(() => lit().join() === 'cam-2', 2_000, 'cam-2 lit');
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    await ask('on-air', { onAir: false, reason: 'test' });
    await waitUntil(() => lit().length === 0, 2_000, 'off air: no lamp');
  });

  it('a show whose slots cut on a switcher in a slot has that slot too: armed on air, checked before air', async () => {
    const startsAt = Date.now() + 600_000;
    const show = await ask('show.add', {
      id: 'evening',
      studio: 'studio-a',
      startsAt,
      endsAt: startsAt + 60_000,
      slots: ['studio-a/cam-wide'],
    });
    expect(show.slots).toEqual(['studio-a/cam-wide', 'studio-a/program']);
  });
});
