/**
 * The broker restarts during a show (Debian's Mosquitto 2, persistent, as a site runs it). It
 * publishes every agent's will as it stops and drops everyone; agents and controller reconnect. None
 * of that is a device failure: nothing fails over, no slot goes down, the live camera stays live —
 * and a real failure right after is still handled, once.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { Controller } from '../../controller/controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { mosquittoProcess, waitForPort, type MosquittoProcess } from '../support/processes.ts';
import { Watcher } from '../support/watcher.ts';
import { cleanupAfterEach, registerGear, startAgent, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const cleanup = cleanupAfterEach();
let dir: string;
let broker: MosquittoProcess;
let controller: Controller;

/** The test's Mosquitto (in its temp dir), not yet started. */
async function mosquitto(): Promise<MosquittoProcess> {
  dir = cleanup.tempDir();
  const made = await mosquittoProcess(path.join(dir, 'mosquitto'));
  cleanup.defer(() => made.stop());
  return made;
}

/** Stopped after the test: the one running then (tests restart it). */
async function startController(detection: Record<string, number> = {}): Promise<Controller> {
  const config = parseControllerConfig(
    stringify({
      broker: { embedded: false, url: broker.url },
      dataDir: path.join(dir, 'data'),
      http: { enabled: false },
      detection: { restartGraceMs: 4_000, recoverAfterMs: 500, ...detection },
    }),
    '(test)',
  );
  const started = await Controller.start({ config, clock: systemClock, log: silentLogger() });
  cleanup.defer(() => started.stop());
  return started;
}

async function startBroker(): Promise<void> {
  broker.start();
  await waitForPort(broker.port, 5_000);
}

const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
const active = () => controller.status().slots.find((s) => s.slot === SLOT)?.active?.device;

describe('a broker restart during a show', () => {
  it('is not a device failure: no failover, no slot down, the live camera stays live; a real failure after it fails over once', async () => {
    broker = await mosquitto();
    await startBroker();
    controller = await startController();
    const agents = [await startAgent(broker.url, 'agent-a', []), await startAgent(broker.url, 'agent-b', [])];
    for (const agent of agents) cleanup.defer(() => agent.stop());
    await registerGear(
      broker.url,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    );
    await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 10_000, 'both cameras ok');
    controller.setOnAir(true, 'engineer', 'evening show');
    const watcher = await Watcher.start(broker.url);
    cleanup.defer(() => watcher.stop());

    const sessions = () => controller.status().agents.map((a) => a.session);
    for (const how of ['SIGTERM', 'SIGKILL'] as const) {
      const before = sessions();
      // SIGTERM: Mosquitto publishes every will, then drops everyone. SIGKILL: no wills, but silence past the heartbeat deadline.
      await broker.signal(how);
      await new Promise((r) => setTimeout(r, how === 'SIGKILL' ? 4_000 : 1_000));
      await startBroker();
      await waitUntil(
        () => sessions().every((s, i) => s > before[i]!) && status('cam-1') === 'ok' && status('cam-2') === 'ok',
        20_000,
        `agents back after ${how}`,
      );
      await new Promise((r) => setTimeout(r, 5_000)); // past the grace: a held death would stand now
      expect(
        controller.events().filter((e) => ['failover.started', 'slot.down'].includes(e.type)),
        `after ${how}`,
      ).toEqual([]);
      expect(active()).toBe('cam-1');
    }
    expect(controller.events().map((e) => e.type)).toEqual(expect.arrayContaining(['broker.lost', 'broker.restored']));
    await watcher.waitFor(() => watcher.slots.get(SLOT)?.active?.device === 'cam-1', 3_000, 'the watcher sees cam-1 live');

    // A real failure now: the primary's agent goes away for good. One failover, to the backup.
    await agents[0]!.stop();
    await waitUntil(() => active() === 'cam-2', 5_000, 'cam-2 live');
    expect(controller.events().filter((e) => e.type === 'failover.succeeded')).toHaveLength(1);
    await watcher.waitFor(() => watcher.slots.get(SLOT)?.active?.device === 'cam-2', 3_000, 'the watcher sees cam-2 live');
  });
});

describe('retained messages in any order', () => {
  it('health that reaches the controller before its agent’s birth is applied when the birth arrives', async () => {
    broker = await mosquitto();
    await startBroker();
    controller = await startController({ recoverAfterMs: 300 });
    // Health only on change or every 60 s: a device that waits for its next periodic report would wait a minute.
    const quiet = { healthIntervalMs: 60_000 };
    const agent = await startAgent(broker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }], quiet);
    cleanup.defer(() => agent.stop());
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 ok');
    await agent.stop(); // its goodbye: offline, and stored so
    await waitUntil(() => status('cam-1') === 'offline', 3_000, 'cam-1 offline');
    await controller.stop();

    // The agent comes back while the controller is down: its birth and health are retained at the broker.
    const back = await startAgent(broker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }], quiet);
    cleanup.defer(() => back.stop());
    await new Promise((r) => setTimeout(r, 500));
    // The controller subscribes to health first, so Mosquitto replays the retained health before the birth.
    const restartedAt = Date.now();
    controller = await startController({ recoverAfterMs: 300 });
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 ok from the retained health');
    expect(Date.now() - restartedAt).toBeLessThan(5_000);
  });
});
