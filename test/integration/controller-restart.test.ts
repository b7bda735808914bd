/**
 * The controller stops and restarts during a show: a clean stop while agents leave at the same
 * moment, and kill -9 with the agents reconnecting at their own pace afterwards. Neither is a failure
 * of the gear; a real failure during the restart grace is still handled, with the backup whose agent
 * is back — never by sending a command to an agent that has not reconnected.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { request, withController } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { Store } from '../../controller/store/store.ts';
import { agentProcess, controllerProcess, type ControllerProcess, type ManagedProcess } from '../support/processes.ts';
import { Watcher } from '../support/watcher.ts';
import { cleanupAfterEach, closeClient, eventually, rawClient, registerGear, startAgent, startController, waitUntil } from './helpers.ts';
import { topic } from '../../protocols/contract.ts';

const SLOT = 'studio-a/cam-wide';
let dir: string;
const cleanup = cleanupAfterEach();

describe('a controller stopped on air', () => {
  it('stops in order while its agents leave at the same moment: no decision after the stop began, no error', async () => {
    dir = cleanup.tempDir();
    for (let round = 0; round < 5; round += 1) {
      const controller = await startController({ dataDir: path.join(dir, `c${round}`) });
      const agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
      await registerGear(
        controller.brokerUrl,
        [
          { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
          { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
        ],
        [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
      );
      await waitUntil(() => controller.status().devices.filter((d) => d.status === 'ok').length === 2, 5_000, 'cameras ok');
      controller.setOnAir(true, 'engineer', 'show');
      const stopping = Date.now();
      // SIGTERM reaches the controller and the agents at once (a machine shutting down).
      await Promise.all([controller.stop(), ...agents.map((a) => a.stop())]);
      const stored = new Store(path.join(dir, `c${round}`));
      const after = (await stored.history.events({ limit: 10_000 })).filter(
        (e) => e.ts >= stopping && ['failover.started', 'failover.failed', 'slot.down', 'alarm'].includes(e.type),
      );
      await stored.close();
      expect(after, `round ${round}`).toEqual([]);
    }
  }, 60_000);
});

describe('a controller killed with SIGKILL mid-show', () => {
  async function studio(): Promise<{ controller: ControllerProcess; agents: Map<string, ManagedProcess>; watcher: Watcher }> {
    dir = cleanup.tempDir();
    // An agent unheard after the grace is declared lost after heartbeatDeadlineMs: long here, so an agent process
    // that starts slowly on a loaded machine is still back before that.
    const controller = await controllerProcess(dir, {
      onAir: true,
      detection: { restartGraceMs: 4_000, recoverAfterMs: 500, heartbeatDeadlineMs: 30_000 },
    });
    controller.start();
    cleanup.defer(() => controller.stop());
    // The watcher connects once the controller's broker listens; agents started before that would
    // wait out their reconnect backoff (up to 10 s) on a slow start, and the setup would time out.
    const watcher = await Watcher.start(controller.url);
    cleanup.defer(() => watcher.stop());
    const agents = new Map(
      await Promise.all(['agent-a', 'agent-b'].map(async (id) => [id, await agentProcess(dir, id, controller.url)] as const)),
    );
    for (const a of agents.values()) {
      a.start();
      cleanup.defer(() => a.stop());
    }
    await registerStudio(controller.url, {
      by: 'test',
      devices: [
        { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', probe: { intervalMs: 100, timeoutMs: 80 } },
        { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', probe: { intervalMs: 100, timeoutMs: 80 } },
      ],
      slots: [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    });
    await watcher.waitFor(() => watcher.slots.get(SLOT)?.members.every((m) => m.status === 'ok'), 15_000, 'both cameras ok');
    return { controller, agents, watcher };
  }

  const log = async (url: string): Promise<ControllerEvent[]> => {
    const options = { broker: url, timeoutMs: 5_000, issuedBy: 'test' };
    return (await withController(options, (c) => request(c, 'events', { limit: 10_000 }, options))).events;
  };

  it('comes back on air with the same live camera, and fails nothing over, cycle after cycle', async () => {
    const { controller, watcher } = await studio();
    for (let cycle = 0; cycle < 3; cycle += 1) {
      await controller.restart(); // kill -9, then start again on the same port and data
      await watcher.waitFor(
        () => watcher.slots.get(SLOT)?.members.every((m) => m.status === 'ok') && watcher.slots.get(SLOT)!.ts > Date.now() - 1_000,
        20_000,
        `cycle ${cycle}: back`,
      );
      await new Promise((r) => setTimeout(r, 4_500)); // past the grace
    }
    const events = await log(controller.url);
    expect(events.filter((e) => ['failover.started', 'slot.down', 'alarm'].includes(e.type))).toEqual([]);
    expect(watcher.slots.get(SLOT)).toMatchObject({ onAir: true, active: { agent: 'agent-a', device: 'cam-1' }, state: 'ok' });
    expect(watcher.duplicates()).toEqual([]);
  }, 120_000);

  it('a primary that fails during the grace fails over to the backup only once its agent is back, and the slot never goes down (unknown while that agent is unheard)', async () => {
    const { controller, agents, watcher } = await studio();
    // The backup's agent dies while the controller is down: the controller still counts it online…
    await controller.kill();
    await agents.get('agent-b')!.kill();
    controller.start();
    // …and the primary fails while its own agent is already back.
    const options = { broker: controller.url, timeoutMs: 5_000, issuedBy: 'test' };
    await eventually(
      async () => {
        const events = await withController(options, (c) => request(c, 'events', { limit: 10_000 }, options));
        const restart = events.events.filter((e) => e.type === 'controller.started').at(-1)!;
        return events.events.some((e) => e.type === 'agent.online' && e.agent === 'agent-a' && e.seq > restart.seq);
      },
      10_000,
      'agent-a back after the restart',
    );
    await commandFault(controller.url, 'agent-a', 'cam-1');
    await new Promise((r) => setTimeout(r, 1_000));
    const early = await log(controller.url);
    const restart = early.filter((e) => e.type === 'controller.started').at(-1)!;
    expect(
      early.filter((e) => e.seq > restart.seq && (e.type === 'slot.down' || (e.type === 'command.sent' && e.agent === 'agent-b'))),
      JSON.stringify(early.map((e) => [e.seq, e.type, e.agent, e.device, e.reason, e.data])),
    ).toEqual([]);
    // The grace ends with the backup's agent still unheard: the slot is unknown, not down (issue 20, point 19).
    await watcher.waitFor(
      () => /waiting for agent-b\/cam-2/.test(watcher.slots.get(SLOT)?.reason ?? ''),
      20_000,
      'the slot waiting for agent-b after the grace',
    );
    expect(watcher.slots.get(SLOT)?.state).toBe('unknown');
    expect(
      (await log(controller.url)).filter((e) => e.type === 'slot.down' || (e.type === 'alarm' && e.data.severity === 'critical')),
    ).toEqual([]);
    agents.get('agent-b')!.start(); // the backup's agent comes back after the grace, before it is declared lost
    await watcher.waitFor(() => watcher.slots.get(SLOT)?.active?.device === 'cam-2', 20_000, 'cam-2 live');
    const events = await log(controller.url);
    expect(events.filter((e) => e.type === 'slot.down')).toEqual([]);
    expect(events.filter((e) => e.type === 'failover.succeeded')).toHaveLength(1);
  }, 90_000);
});

/** Makes a simulated camera hang, as a plain MQTT client can (the simulator's fault control). */
async function commandFault(url: string, agent: string, device: string): Promise<void> {
  const client = await rawClient(url);
  try {
    await client.publishAsync(
      topic.command(agent),
      JSON.stringify({
        id: `fault-${Date.now()}`,
        device,
        action: 'simulate.fault',
        params: { mode: 'dead' },
        ttlMs: 5_000,
        issuedBy: 'test',
      }),
      { qos: 1 },
    );
  } finally {
    await closeClient(client);
  }
}
