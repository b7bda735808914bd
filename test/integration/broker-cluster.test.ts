/**
 * OnAir on a clustered broker: two aedes nodes clustered over Redis (Debian's redis-server; messages
 * between nodes by mqemitter-redis, retained messages and wills in aedes-persistence-redis), each a
 * process that is killed with SIGKILL. The controller, the agents and the CLI take both nodes as one
 * `broker.url` list and start on different nodes, so every message crosses the cluster.
 *
 * A node killed for longer than the retry intervals: its clients move to the survivor, nothing is
 * decided on the loss, and the wills the survivor publishes for the dead node's clients seconds later
 * (stale: those clients have reconnected) neither mark anyone offline nor stay as retained state.
 * Afterwards a real failure is failed over through the survivor.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/clock.ts';
import { Agent } from '../../agent/agent.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { Controller } from '../../controller/controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { codecs } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import { hasRedis, startCluster, type TestCluster } from '../support/broker-cluster.ts';
import { agentConfig, cleanupAfterEach, closeClient, rawClient, registerGear, simulate, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const cleanup = cleanupAfterEach();

async function agentOn(url: string, agentId: string, device: string): Promise<Agent> {
  const agent = new Agent({
    config: agentConfig(url, agentId, [{ id: device, kind: 'camera' }]),
    drivers: builtInDrivers(),
    clock: systemClock,
    log: silentLogger(),
  });
  await agent.start(10_000);
  cleanup.defer(() => agent.stop());
  return agent;
}

/** The retained state of `name` as a client that connects now reads it. */
async function retained<T>(url: string, mqttTopic: string, decode: (p: Buffer) => T | undefined): Promise<T | undefined> {
  const client = await rawClient(url);
  try {
    const got = new Promise<T | undefined>((resolve) => {
      client.on('message', (t, p, packet) => t === mqttTopic && packet.retain && resolve(decode(p)));
      setTimeout(() => resolve(undefined), 2_000);
    });
    await client.subscribeAsync(mqttTopic, { qos: 1 });
    return await got;
  } finally {
    await closeClient(client);
  }
}

describe.skipIf(!hasRedis())('OnAir on a clustered broker (two aedes nodes on Redis)', () => {
  it('runs across the nodes, loses one for 5 s without a false decision or a stale will left standing, and fails over through the survivor', async () => {
    const cluster: TestCluster = await startCluster(2);
    cleanup.defer(() => cluster.close());
    const [mq1, mq2] = cluster.nodes as [TestCluster['nodes'][number], TestCluster['nodes'][number]];
    const dir = cleanup.tempDir();
    // The controller and agent-b start on mq1, agent-a on mq2 (each list in its own order).
    const config = parseControllerConfig(
      stringify({
        broker: { embedded: false, url: `${mq1.url},${mq2.url}` },
        dataDir: path.join(dir, 'data'),
        http: { enabled: false },
        onAir: true,
        detection: { restartGraceMs: 3_000, recoverAfterMs: 500 },
      }),
      '(test)',
    );
    const controller = await Controller.start({ config, clock: systemClock, log: silentLogger() });
    cleanup.defer(() => controller.stop());
    await agentOn(`${mq2.url},${mq1.url}`, 'agent-a', 'cam-1');
    const agentB = await agentOn(`${mq1.url},${mq2.url}`, 'agent-b', 'cam-2');
    // A technician's request through mq2 reaches the controller on mq1.
    await registerGear(
      mq2.url,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    );
    const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
    await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 10_000, 'both cameras ok across the nodes');
    // Retained state is the cluster's: a client on mq2 reads the slot state the controller published on mq1.
    const slotOnMq2 = await retained(mq2.url, topic.slot(SLOT), (p) => {
      const d = codecs.slot.decode(p);
      return d.ok ? d.value : undefined;
    });
    expect(slotOnMq2?.active).toEqual({ agent: 'agent-a', device: 'cam-1' });
    const seqBefore = Math.max(0, ...controller.events({ limit: 1000 }).map((e) => e.seq));

    // mq1 dies: the controller and agent-b move to mq2. It stays dead past the 0.5 s and 3 s retry
    // intervals and past the 1.5-2 s after which mq2 publishes the wills of mq1's clients.
    await mq1.kill();
    await new Promise((r) => setTimeout(r, 5_000));
    await waitUntil(
      () => status('cam-1') === 'ok' && status('cam-2') === 'ok' && controller.status().agents.every((a) => a.online),
      10_000,
      'the fleet in view again through mq2',
    );
    const during = controller.events({ limit: 1000 }).filter((e) => e.seq > seqBefore);
    expect(during.filter((e) => e.type.startsWith('failover.') || e.type === 'slot.down')).toEqual([]);
    expect(during.filter((e) => e.type === 'device.state' && (e.data.to === 'failed' || e.data.to === 'offline'))).toEqual([]);
    expect(during.filter((e) => e.type === 'agent.offline')).toEqual([]);
    // The late wills did not stay as retained state: a client connecting now reads both alive.
    const decodeState = (p: Buffer) => {
      const d = codecs.agentState.decode(p);
      return d.ok ? d.value : undefined;
    };
    const controllerState = await retained(mq2.url, topic.controllerState(), (p) => {
      const d = codecs.controllerState.decode(p);
      return d.ok ? d.value : undefined;
    });
    expect(controllerState?.online).toBe(true);
    expect((await retained(mq2.url, topic.agentState('agent-b'), decodeState))?.online).toBe(true);
    expect((await retained(mq2.url, topic.agentState('agent-a'), decodeState))?.online).toBe(true);

    // Outputs after the loss: a real failure is failed over through the survivor.
    await simulate(mq2.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => controller.status().slots.find((s) => s.slot === SLOT)?.active?.device === 'cam-2', 5_000, 'the backup live');
    expect(controller.events({ limit: 1000 }).filter((e) => e.seq > seqBefore && e.type === 'failover.succeeded')).toHaveLength(1);
    expect(agentB.counters.commands).toBeGreaterThan(0);

    // mq1 comes back: clients stay where they are, and nothing is decided.
    await cluster.restart(mq1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(controller.events({ limit: 1000 }).filter((e) => e.seq > seqBefore && e.type.startsWith('failover.'))).toHaveLength(2); // started + succeeded
  });
});
