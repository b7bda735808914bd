/**
 * A controller killed (SIGKILL) on air while a program cut is pending: no cut is lost and none is
 * made twice. The controller and agents are real processes; OBS is simulated over a real WebSocket.
 * - Lost: OBS hangs, so the take never lands; the controller dies; OBS recovers; the restarted
 *   controller sees the program still showing the failed camera and takes the live one.
 * - Twice: OBS is overloaded, so the take lands 1.5 s late, while the controller is down; the
 *   restarted controller sees the program showing the live camera and leaves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { agentProcess, controllerProcess, type ControllerProcess, type ManagedProcess } from '../support/processes.ts';
import { Watcher } from '../support/watcher.ts';
import { request, withController } from '../../client/request-client.ts';
import { eventually, removeDir, simulate, tempDir, waitUntil } from './helpers.ts';
import { eventsOf } from '../../protocols/events.ts';

const SLOT = 'studio-a/cam-wide';
let dir: string;
let obs: ObsStudioSimulator;
let controller: ControllerProcess;
let watcher: Watcher;
const agents: ManagedProcess[] = [];

const takes = () => obs.requests.filter((r) => r === 'SetCurrentProgramScene').length;
const liveCamera = () => watcher.slots.get(SLOT)?.active?.device;

/** kill -9 as soon as the failover to `to` is confirmed: the program take is in flight. */
async function killAfterFailoverTo(to: string): Promise<void> {
  const seen = watcher.of('failover.succeeded', SLOT).length;
  await watcher.waitFor(
    () =>
      watcher
        .of('failover.succeeded', SLOT)
        .slice(seen)
        .some((e) => e.data.to === `agent-b/${to}` || e.data.to === `agent-a/${to}`),
    8_000,
    `failover to ${to}`,
  );
  await controller.kill();
}

async function restartAndSettle(): Promise<void> {
  const startedAt = Date.now();
  controller.start();
  await watcher.waitFor(() => (watcher.slots.get(SLOT)?.ts ?? 0) > startedAt, 15_000, 'controller back (its slot state republished)');
  await new Promise((r) => setTimeout(r, 3_500)); // past the restart grace: the controller sees the fleet
}

beforeAll(async () => {
  dir = tempDir();
  obs = new ObsStudioSimulator();
  await obs.listen(0);
  controller = await controllerProcess(dir, { onAir: true, detection: { restartGraceMs: 2_000, recoverAfterMs: 300 } });
  controller.start();
  watcher = await Watcher.start(controller.url);
  for (const id of ['agent-a', 'agent-b']) {
    const agent = await agentProcess(dir, id, controller.url);
    agent.start();
    agents.push(agent);
  }
  await registerStudio(controller.url, {
    by: 'test',
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', probe: { intervalMs: 100, timeoutMs: 80 } },
      { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', probe: { intervalMs: 100, timeoutMs: 80 } },
      {
        agent: 'agent-b',
        device: 'switcher-1',
        profile: 'obs-studio-30-switcher',
        options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 1_000 },
        probe: { intervalMs: 200, timeoutMs: 150 },
      },
    ],
    slots: [
      {
        id: SLOT,
        primary: 'agent-a/cam-1',
        backups: ['agent-b/cam-2'],
        params: {},
        program: { 'agent-a/cam-1': 'switcher-1#scene:Cam 1', 'agent-b/cam-2': 'switcher-1#scene:Cam 2' },
      },
    ],
  });
  await watcher.waitFor(() => watcher.slots.get(SLOT)?.members.every((m) => m.status === 'ok'), 15_000, 'cameras ok');
});

afterAll(async () => {
  await watcher?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await controller?.stop();
  await obs?.stop();
  removeDir(dir);
});

describe('a controller killed while a program cut is pending', () => {
  it('does not lose the cut: the restarted controller takes the live camera when the program still shows the failed one', async () => {
    obs.state.program = 'Cam 1';
    obs.setFault('dead'); // the take will never be answered
    await simulate(controller.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await killAfterFailoverTo('cam-2');
    obs.setFault('none');
    await new Promise((r) => setTimeout(r, 500));
    expect(obs.state.program, 'the take was lost with OBS hung').toBe('Cam 1');
    const before = takes();
    await restartAndSettle();
    await waitUntil(() => obs.state.program === 'Cam 2', 5_000, 'the program shows the live camera');
    expect(liveCamera()).toBe('cam-2');
    expect(takes() - before, 'one take').toBe(1);
    // From the event log (the watcher may still be reconnecting when the event went out).
    const options = { broker: controller.url, timeoutMs: 5_000, issuedBy: 'test' };
    await eventually(
      async () => {
        const { events } = await withController(options, (c) => request(c, 'events', { limit: 10_000 }, options));
        return (
          eventsOf(events, 'program.cut')
            .filter((e) => e.slot === SLOT)
            .at(-1)?.data.to === 'scene:Cam 2'
        );
      },
      5_000,
      'program.cut recorded',
    );
  });

  it('does not cut twice: a take that landed while the controller was down is left alone', async () => {
    await simulate(controller.url, 'agent-a', 'cam-1', 'clear');
    await watcher.waitFor(() => watcher.slots.get(SLOT)?.members.every((m) => m.status === 'ok'), 10_000, 'cam-1 back');
    obs.setFault('slow'); // the take runs 1.5 s late: after the kill
    await simulate(controller.url, 'agent-b', 'cam-2', { mode: 'dead' });
    await killAfterFailoverTo('cam-1');
    const before = takes();
    await waitUntil(() => obs.state.program === 'Cam 1', 4_000, 'the pending take landed with the controller down');
    obs.setFault('none');
    const landed = takes();
    expect(landed - before).toBe(1);
    await restartAndSettle();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(obs.state.program).toBe('Cam 1');
    expect(takes(), 'no second take').toBe(landed);
    await simulate(controller.url, 'agent-b', 'cam-2', 'clear');
  });
});
