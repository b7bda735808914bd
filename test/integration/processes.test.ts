/** Real processes and restarts: kill -9 of an agent, a controller restart, a broker restart. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/clock.ts';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import { Controller } from '../../controller/controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { Studio } from '../../studio-harness/studio.ts';
import { registerGear, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

describe('an agent process killed with SIGKILL', () => {
  it('takes its devices offline within the deadline and the slot fails over', async () => {
    const studio = new Studio({ log: silentLogger(), controller: { onAir: true } });
    try {
      await studio.start();
      const all = ['cam-1', 'mic-1', 'light-1'].map((device) => ({ agent: 'agent-a', device }));
      await studio.waitForDevices([...all, { agent: 'agent-b', device: 'cam-2' }], 20_000);
      const killedAt = Date.now();
      studio.agentProcess('agent-a')!.kill('SIGKILL');
      await waitUntil(
        () =>
          studio.controller
            .status()
            .devices.filter((d) => d.agent === 'agent-a')
            .every((d) => d.status === 'offline'),
        3_000,
        'agent-a devices offline',
      );
      const detectedIn = Date.now() - killedAt;
      expect(detectedIn).toBeLessThan(3_000); // the heartbeat deadline; the will usually lands in a few ms
      await waitUntil(() => studio.slots.get('studio-a/cam-wide')?.active?.device === 'cam-2', 3_000, 'cam-2 active');
    } finally {
      await studio.stop();
    }
  });
});

describe('a controller restart', () => {
  it('recovers slot assignments and history from its data directory', async () => {
    const dir = tempDir();
    const slots = [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: {} }];
    const config = { detection: { restartGraceMs: 300, heartbeatDeadlineMs: 500 } };
    let controller = await startController({ dataDir: dir, config });
    const agent = await startAgent(controller.brokerUrl, 'agent-a', []);
    try {
      await registerGear(
        controller.brokerUrl,
        [
          {
            agent: 'agent-a',
            devices: [
              { id: 'cam-1', kind: 'camera' },
              { id: 'cam-2', kind: 'camera' },
            ],
          },
        ],
        slots,
      );
      await waitUntil(() => controller.status().devices.filter((d) => d.status === 'ok').length === 2, 5_000, 'devices ok');
      expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
      await controller.failover({ slot: 'studio-a/cam-wide', to: 'cam-2', reason: 'test restart' }, 'tester');
      controller.setOnAir(true, 'tester', 'show starts'); // at run time: the config says off air
      await controller.stop();
      await agent.stop(); // dies while the controller is down: nobody hears its goodbye

      controller = await startController({ dataDir: dir, config });
      expect(controller.status().onAir).toBe(true); // a restart mid-show must not disarm failover
      const status = controller.status();
      expect(status.slots[0]!.active).toEqual({ agent: 'agent-a', device: 'cam-2' });
      expect(status.devices.map((d) => d.device).sort()).toEqual(['cam-1', 'cam-2']);
      const history = controller.events();
      expect(history).toContainEqual(expect.objectContaining({ type: 'failover.succeeded', by: 'tester', reason: 'test restart' }));
      expect(history.filter((e) => e.type === 'controller.started')).toHaveLength(2);
      // The agent never came back: once the restart grace is over, its devices are offline, not stale "ok".
      await waitUntil(() => controller.status().devices.every((d) => d.status === 'offline'), 3_000, 'restored devices offline');
    } finally {
      await controller.stop();
      removeDir(dir);
    }
  });
});

describe('an external broker that restarts', () => {
  it('sees the agent and controller reconnect by themselves; the agent republishes birth and health', async () => {
    const dir = tempDir();
    let broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    const port = broker.port;
    const config = parseControllerConfig(
      stringify({ broker: { embedded: false, url: broker.url }, dataDir: dir, http: { enabled: false } }),
      '(test)',
    );
    const controller = await Controller.start({ config, clock: systemClock, log: silentLogger() });
    const agent = await startAgent(broker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }]);
    try {
      await waitUntil(() => controller.status().devices[0]?.status === 'ok', 5_000, 'device ok');
      const firstSession = controller.status().agents[0]!.session;
      const restartedAt = Date.now();
      await broker.close();
      broker = await startEmbeddedBroker({ port, host: '127.0.0.1', log: silentLogger() });
      // The fresh broker has no retained state: what the controller sees now was republished after reconnecting.
      await waitUntil(
        () => {
          const a = controller.status().agents[0];
          return a && a.online && a.session > firstSession;
        },
        10_000,
        'agent back with a new session',
      );
      await waitUntil(() => (controller.status().devices[0]?.lastHealthAt ?? 0) > restartedAt, 5_000, 'health republished after reconnect');
      expect(controller.status().devices[0]).toMatchObject({ device: 'cam-1', status: 'ok' });
    } finally {
      await agent.stop();
      await controller.stop();
      await broker.close();
      removeDir(dir);
    }
  });
});
