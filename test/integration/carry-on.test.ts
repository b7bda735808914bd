/**
 * An agent that loses the controller during a show fails over the slot it drives alone (both cameras
 * on it), and the controller that comes back adopts that decision (carried by the agent's heartbeats)
 * instead of making a second one.
 * Real parts: an aedes broker that stays up, the controller stopped for 6 s (longer than the agent's
 * 3 s reconnect cap and its 1.5 s alone threshold) and started again on the same database, the agent
 * with simulated cameras driven over MQTT.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import type { Controller } from '../../controller/controller.ts';
import { topic } from '../../protocols/contract.ts';
import {
  cleanupAfterEach,
  closeClient,
  collect,
  rawClient,
  registerGear,
  simulate,
  startAgent,
  startController,
  waitUntil,
} from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const cleanup = cleanupAfterEach();

describe('an agent carrying on alone', () => {
  it('fails over the slot it drives alone while the controller is gone; the controller adopts it and decides nothing more', async () => {
    const dir = cleanup.tempDir();
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    cleanup.defer(() => broker.close());
    const start = (): Promise<Controller> =>
      startController({
        dataDir: path.join(dir, 'data'),
        config: { broker: { embedded: false, url: broker.url }, onAir: true, detection: { restartGraceMs: 2_000, recoverAfterMs: 500 } },
      });
    let controller = await start();
    cleanup.defer(() => controller.stop());
    const agent = await startAgent(broker.url, 'agent-a', [], { aloneAfterMs: 1_500 });
    cleanup.defer(() => agent.stop());
    const cams = [
      { id: 'cam-1', kind: 'camera' as const },
      { id: 'cam-2', kind: 'camera' as const },
    ];
    await registerGear(
      broker.url,
      [{ agent: 'agent-a', devices: cams }],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: {} }],
    );
    await waitUntil(() => controller.status().devices.filter((d) => d.status === 'ok').length === 2, 10_000, 'both cameras ok');
    const watcher = await rawClient(broker.url);
    cleanup.defer(() => closeClient(watcher));
    const heartbeats = await collect(watcher, topic.heartbeat('agent-a'));
    type Decision = { from: string; to: string; at: number };
    const carried = (m: { payload: unknown } | undefined): Decision[] =>
      (m?.payload as { decisions?: Decision[] } | undefined)?.decisions ?? [];
    const commands = await collect(watcher, topic.command('agent-a'));
    await new Promise((r) => setTimeout(r, 500));

    // The controller goes (its goodbye on controller/state); the live camera dies 0.5 s later.
    // Taken before stop(): its goodbye goes out during it, and on a loaded machine stop() returns
    // long after the agent heard it, which made a correct decision look early.
    const stoppedAt = Date.now();
    await controller.stop();
    await new Promise((r) => setTimeout(r, 500));
    await simulate(broker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => heartbeats.find((m) => carried(m).length > 0), 5_000, 'the agent to fail over on its own');
    const decided = carried(heartbeats.find((m) => carried(m).length > 0));
    expect(decided).toMatchObject([{ from: 'cam-1', to: 'cam-2' }]);
    expect(decided[0]!.at - stoppedAt, 'not before aloneAfterMs').toBeGreaterThanOrEqual(1_500);
    await new Promise((r) => setTimeout(r, Math.max(0, 6_000 - (Date.now() - stoppedAt))));

    // The controller is back: it adopts, commands nothing, and the agent clears its report.
    const restartedAt = Date.now();
    controller = await start();
    await waitUntil(
      () => controller.status().slots.find((s) => s.slot === SLOT)?.active?.device === 'cam-2',
      10_000,
      'the slot live on cam-2 in the controller',
    );
    const adoptedAt = heartbeats.length;
    await waitUntil(() => heartbeats.slice(adoptedAt).some((m) => carried(m).length === 0), 5_000, 'the agent to drop its report');
    await new Promise((r) => setTimeout(r, 3_000)); // past the grace: the failed primary is seen, and must change nothing
    const events = controller.events({ since: restartedAt });
    const succeeded = events.filter((e) => e.type === 'failover.succeeded' && e.slot === SLOT);
    expect(succeeded.map((e) => ({ by: e.by, to: e.device }))).toEqual([{ by: 'agent-a (on its own)', to: 'cam-2' }]);
    expect(
      events.filter((e) => e.type === 'failover.started'),
      'no second decision',
    ).toEqual([]);
    const fromController = commands.filter((c) => (c.payload as { issuedBy?: string }).issuedBy !== 'test');
    expect(
      fromController.filter((c) => ['activate', 'recall-preset'].includes((c.payload as { action: string }).action)),
      'no command for what the agent already did',
    ).toEqual([]);
    expect(controller.status().slots.find((s) => s.slot === SLOT)).toMatchObject({
      active: { agent: 'agent-a', device: 'cam-2' },
      state: 'ok',
    });
    // The controller does see the dead primary: nothing happened because the agent's decision stood, not because it was blind.
    expect(controller.status().devices.find((d) => d.device === 'cam-1')?.status).toBe('failed');
  });
});
