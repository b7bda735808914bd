/** Slots and failover over a real broker: two agents, primary on one and backup on the other. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Controller } from '../../controller/controller.ts';
import { topic } from '../../protocols/contract.ts';
import type { SlotState } from '../../protocols/schemas.ts';
import { eventsOf as typedEvents, type ControllerEvent, type EventTypeName } from '../../protocols/events.ts';
import { cleanupAfterEach, closeClient, collect, rawClient, registerGear, startAgent, startController, waitUntil } from './helpers.ts';

const SLOTS = [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 7 } }];

const cleanup = cleanupAfterEach();
let controller: Controller;
let client: MqttClient;
let events: Array<{ payload: unknown }>;

const slot = (): SlotState => controller.status().slots[0]!;
const eventsOf = <T extends EventTypeName>(type: T) =>
  typedEvents(
    events.map((e) => e.payload as ControllerEvent),
    type,
  );
const inject = (agent: string, device: string, mode: string) =>
  client.publishAsync(
    topic.command(agent),
    JSON.stringify({ id: `fault-${Math.random()}`, device, action: 'simulate.fault', params: { mode }, ttlMs: 5_000, issuedBy: 'test' }),
    { qos: 1 },
  );

async function setup(onAir: boolean): Promise<void> {
  controller = await startController({ dataDir: cleanup.tempDir(), config: { onAir, detection: { recoverAfterMs: 300 } } });
  cleanup.defer(() => controller.stop());
  for (const id of ['agent-a', 'agent-b']) {
    const agent = await startAgent(controller.brokerUrl, id, []);
    cleanup.defer(() => agent.stop());
  }
  await registerGear(
    controller.brokerUrl,
    [
      { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
      { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
    ],
    SLOTS,
  );
  client = await rawClient(controller.brokerUrl);
  cleanup.defer(() => closeClient(client));
  events = await collect(client, topic.controllerEvents());
  await waitUntil(() => slot().members.every((m) => m.status === 'ok'), 5_000, 'slot members ok');
}

describe('on air', () => {
  beforeEach(() => setup(true));

  it('fails over to the backup when the primary hangs, sending the role parameters', async () => {
    const commands = await collect(client, topic.command('agent-b'));
    await inject('agent-a', 'cam-1', 'dead');
    await waitUntil(() => slot().active?.device === 'cam-2' && slot().state === 'ok', 3_000, 'backup active');
    await waitUntil(() => commands.length > 0, 1_000, 'our copy of the command');
    expect(commands.map((c) => c.payload)).toEqual([
      expect.objectContaining({ device: 'cam-2', action: 'activate', params: { preset: 7 }, issuedBy: 'controller' }),
    ]);
    await waitUntil(() => eventsOf('failover.succeeded').length > 0, 1_000, 'failover event');
    expect(eventsOf('failover.succeeded')).toEqual([
      expect.objectContaining({
        slot: 'studio-a/cam-wide',
        by: 'controller',
        data: expect.objectContaining({ from: 'agent-a/cam-1', to: 'agent-b/cam-2' }),
      }),
    ]);

    // No automatic switch-back: the repaired primary is shown as available.
    await inject('agent-a', 'cam-1', 'none');
    await waitUntil(() => slot().primaryAvailable, 3_000, 'primary available');
    expect(slot().active?.device).toBe('cam-2');
  });

  it('answers a manual failover request over MQTT, and records who and why', async () => {
    const responses = await collect(client, 'onair/v1/controller/responses/failover');
    await client.publishAsync(
      'onair/v1/controller/requests/failover',
      JSON.stringify({
        transaction: 'tx-42',
        issuedBy: 'stream-deck',
        params: { slot: 'studio-a/cam-wide', to: 'cam-2', reason: 'smear on lens' },
      }),
      { qos: 1 },
    );
    await waitUntil(() => responses.length > 0, 3_000, 'response');
    expect(responses[0]!.payload).toMatchObject({
      transaction: 'tx-42',
      status: 'ok',
      data: { slot: 'studio-a/cam-wide', to: { agent: 'agent-b', device: 'cam-2' } },
    });
    expect(slot().active?.device).toBe('cam-2');
    await waitUntil(() => eventsOf('failover.succeeded').length > 0, 1_000, 'event');
    expect(eventsOf('failover.succeeded')[0]).toMatchObject({ by: 'stream-deck', reason: 'smear on lens' });
  });

  it('gives one failover for simultaneous failure reports about the same device', async () => {
    const commands = await collect(client, topic.command('agent-b'));
    const session = controller.status().agents.find((a) => a.agent === 'agent-a')!.session;
    const failed = (n: number) =>
      JSON.stringify({
        status: 'failed',
        checks: [{ name: 'probe', status: 'failed', latencyMs: 80 }],
        metrics: {},
        consecutiveFailures: n,
        ts: Date.now(),
        seq: 1000 + n,
        session,
        driver: 'simulated',
      });
    // Three reports in one burst: two failed-health messages and the agent's death.
    await Promise.all([
      client.publishAsync(topic.deviceHealth('agent-a', 'cam-1'), failed(2), { qos: 1 }),
      client.publishAsync(topic.deviceHealth('agent-a', 'cam-1'), failed(3), { qos: 1 }),
      client.publishAsync(topic.agentState('agent-a'), JSON.stringify({ online: false, session, ts: Date.now() }), {
        qos: 1,
        retain: true,
      }),
    ]);
    await waitUntil(() => slot().active?.device === 'cam-2', 3_000, 'backup active');
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong second decision to show up
    expect(commands.filter((c) => (c.payload as { action: string }).action === 'activate')).toHaveLength(1);
    expect(eventsOf('failover.started')).toHaveLength(1);
    expect(eventsOf('failover.succeeded')).toHaveLength(1);
  });

  it('raises an alarm and marks the slot down when no backup is healthy', async () => {
    await inject('agent-b', 'cam-2', 'dead');
    await waitUntil(() => slot().members[1]!.status === 'failed', 3_000, 'backup failed');
    await inject('agent-a', 'cam-1', 'error');
    await waitUntil(() => slot().state === 'down', 3_000, 'slot down');
    expect(slot().active).toBeNull();
    await waitUntil(() => eventsOf('alarm').length > 0, 1_000, 'alarm event');
    expect(eventsOf('alarm')).toEqual([expect.objectContaining({ slot: 'studio-a/cam-wide', data: { severity: 'critical' } })]);
  });
});

describe('off air', () => {
  beforeEach(() => setup(false));

  it('records the failure and shows it, but does not fail over', async () => {
    await inject('agent-a', 'cam-1', 'dead');
    await waitUntil(() => slot().state === 'down', 3_000, 'slot shows the failure');
    await new Promise((r) => setTimeout(r, 300));
    expect(slot().active?.device).toBe('cam-1');
    expect(eventsOf('failover.started')).toEqual([]);
    const failure = eventsOf('device.state').find((e) => e.device === 'cam-1' && e.data.to === 'failed');
    expect(failure).toMatchObject({ data: { from: 'ok', to: 'failed' } });
    // Dated from the first unanswered probe: before it was declared, by about two probe periods at most.
    const failingSince = Number(failure!.data.failingSince);
    expect(failure!.ts - failingSince).toBeGreaterThan(0);
    expect(failure!.ts - failingSince).toBeLessThan(1_000);
  });
});
