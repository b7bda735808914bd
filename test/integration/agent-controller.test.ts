/** Agent ↔ controller over a real aedes broker on an ephemeral port. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { topic } from '../../protocols/contract.ts';
import { cleanupAfterEach, closeClient, collect, rawClient, startAgent, startController, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
let controller: Controller;
let agent: Agent;
let client: MqttClient;

const deviceStatus = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;

beforeEach(async () => {
  controller = await startController({ dataDir: cleanup.tempDir() });
  cleanup.defer(() => controller.stop());
  agent = await startAgent(controller.brokerUrl, 'agent-a', [
    { id: 'cam-1', kind: 'camera' },
    { id: 'mic-1', kind: 'mic' },
  ]);
  cleanup.defer(() => agent.stop());
  client = await rawClient(controller.brokerUrl);
  cleanup.defer(() => closeClient(client));
  await waitUntil(() => deviceStatus('cam-1') === 'ok' && deviceStatus('mic-1') === 'ok', 5_000, 'devices ok');
});

describe('birth, death and the session rule', () => {
  it('ignores a stale death, then takes a real goodbye: all devices offline at once', async () => {
    const session = controller.status().agents.find((a) => a.agent === 'agent-a')!.session;
    expect(session).toBeGreaterThan(0);
    const stale = controller.counters.staleMessages!;
    await client.publishAsync(topic.agentState('agent-a'), JSON.stringify({ online: false, session: session - 1, ts: Date.now() }), {
      qos: 1,
    });
    await waitUntil(() => controller.counters.staleMessages! > stale, 2_000, 'stale death counted');
    expect(controller.status().agents[0]!.online).toBe(true);
    expect(deviceStatus('cam-1')).toBe('ok');

    await agent.stop();
    await waitUntil(() => deviceStatus('cam-1') === 'offline' && deviceStatus('mic-1') === 'offline', 2_000, 'devices offline');
    expect(controller.status().agents[0]!.online).toBe(false);
  });
});

describe('commands and results', () => {
  it('an agent listens for commands before it announces itself: a command sent on its birth is answered', async () => {
    const wire = await collect(client, 'onair/v1/agents/agent-late/#');
    const results = await collect(client, topic.commandResult('agent-late'));
    client.on('message', (t, p) => {
      if (t !== topic.agentState('agent-late') || !(JSON.parse(p.toString()) as { online: boolean }).online) return;
      client.publish(
        topic.command('agent-late'),
        JSON.stringify({ id: 'on-birth', device: 'cam-9', action: 'standby', params: {}, ttlMs: 5_000, issuedBy: 'test' }),
        { qos: 1 },
      );
    });
    const late = await startAgent(controller.brokerUrl, 'agent-late', [{ id: 'cam-9', kind: 'camera' }]);
    cleanup.defer(() => late.stop());
    await waitUntil(
      () => results.some((r) => (r.payload as { status: string }).status === 'succeeded'),
      3_000,
      'result of the command sent on birth',
    );
    // Health probed before the connection was up must not overtake the birth: the controller
    // would act on devices of an agent that cannot hear commands yet.
    await waitUntil(() => wire.some((m) => m.topic.endsWith('/health')), 2_000, 'health');
    const firstHealth = wire.findIndex((m) => m.topic.endsWith('/health'));
    const birth = wire.findIndex((m) => m.topic.endsWith('/state') && (m.payload as { online: boolean }).online);
    expect(birth).toBeGreaterThanOrEqual(0);
    expect(birth).toBeLessThan(firstHealth);
  });

  it('runs a command once, repeats its result for a repeated id, and abandons one that outlives its time to live', async () => {
    const results = await collect(client, topic.commandResult('agent-a'));
    const command = { id: 'cmd-1', device: 'cam-1', action: 'recall-preset', params: { preset: 4 }, ttlMs: 5_000, issuedBy: 'test' };
    await client.publishAsync(topic.command('agent-a'), JSON.stringify(command), { qos: 1 });
    await waitUntil(() => results.length >= 2, 2_000, 'result');
    expect(results.map((r) => (r.payload as { status: string }).status)).toEqual(['accepted', 'succeeded']);
    expect((results[1]!.payload as { data: unknown }).data).toEqual({ preset: 4 });

    await client.publishAsync(topic.command('agent-a'), JSON.stringify(command), { qos: 1 });
    await waitUntil(() => results.length >= 3, 2_000, 'repeated result');
    expect(results[2]!.payload).toEqual(results[1]!.payload);

    // The camera now answers after 1 s; this command may live 200 ms, measured by the agent.
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ ...command, id: 'slow', action: 'simulate.fault', params: { mode: 'slow', delayMs: 1_000 } }),
      { qos: 1 },
    );
    await client.publishAsync(topic.command('agent-a'), JSON.stringify({ ...command, id: 'cmd-2', ttlMs: 200 }), { qos: 1 });
    await waitUntil(
      () =>
        results.some(
          (r) => (r.payload as { id: string; status: string }).id === 'cmd-2' && (r.payload as { status: string }).status !== 'accepted',
        ),
      2_000,
      'expired result',
    );
    expect(
      results.find(
        (r) => (r.payload as { id: string; status: string }).id === 'cmd-2' && (r.payload as { status: string }).status !== 'accepted',
      )!.payload,
    ).toMatchObject({ status: 'expired', error: 'not done within its time to live of 200 ms' });
  });
});

describe('malformed payloads', () => {
  it('are dropped and counted on both sides, and nothing stops working', async () => {
    const before = controller.counters.invalidPayloads!;
    await client.publishAsync(topic.deviceHealth('agent-a', 'cam-1'), 'not json at all', { qos: 1 });
    await client.publishAsync(topic.agentState('agent-b'), JSON.stringify({ online: 'yes' }), { qos: 1 });
    await client.publishAsync(topic.heartbeat('agent-a'), Buffer.from([0xff, 0x00, 0x13]), { qos: 1 });
    await client.publishAsync('onair/v1/controller/requests/failover', JSON.stringify({ transaction: 't-1', params: { slot: 42 } }), {
      qos: 1,
    });
    await client.publishAsync(topic.command('agent-a'), JSON.stringify({ id: 'x', device: 'cam-1' }), { qos: 1 });
    await waitUntil(
      () => controller.counters.invalidPayloads! >= before + 4 && agent.counters.invalidPayloads >= 1,
      2_000,
      'invalid payloads counted',
    );
    // Still alive: health flows and commands run.
    const results = await collect(client, topic.commandResult('agent-a'));
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'ok-1', device: 'mic-1', action: 'mute', params: {}, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await waitUntil(() => results.some((r) => (r.payload as { status: string }).status === 'succeeded'), 2_000, 'command after garbage');
    expect(deviceStatus('cam-1')).toBe('ok');
    // The invalid birth did not invent an agent.
    expect(controller.status().agents.find((a) => a.agent === 'agent-b')).toBeUndefined();
  });

  it('answers a broken request with an error that echoes its transaction', async () => {
    const responses = await collect(client, 'onair/v1/controller/responses/failover');
    await client.publishAsync(
      'onair/v1/controller/requests/failover',
      JSON.stringify({ transaction: 't-9', params: { slot: 'studio-a/x' } }),
      { qos: 1 },
    );
    await waitUntil(() => responses.length > 0, 2_000, 'error response');
    expect(responses[0]!.payload).toEqual({
      transaction: 't-9',
      status: 'error',
      error: expect.stringMatching(/^invalid request: .*reason/),
    });
  });
});

describe('a device that hangs', () => {
  it('is failed within the detection deadline while the agent keeps serving the others', async () => {
    const results = await collect(client, topic.commandResult('agent-a'));
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'f-1', device: 'cam-1', action: 'simulate.fault', params: { mode: 'dead' }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await waitUntil(() => deviceStatus('cam-1') === 'failed', 2_000, 'cam-1 failed');
    expect(deviceStatus('mic-1')).toBe('ok');
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'm-1', device: 'mic-1', action: 'set-gain', params: { gain: 12 }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await waitUntil(
      () =>
        results.some(
          (r) => (r.payload as { id: string; status: string }).id === 'm-1' && (r.payload as { status: string }).status === 'succeeded',
        ),
      2_000,
      'mic command',
    );
    // An action on the hung device fails by its deadline instead of hanging.
    await client.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({ id: 'c-2', device: 'cam-1', action: 'recall-preset', params: { preset: 1 }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    const failed = await waitUntil(
      () => results.find((r) => (r.payload as { id: string }).id === 'c-2' && (r.payload as { status: string }).status === 'failed'),
      2_000,
      'hung action fails',
    );
    expect((failed.payload as { error: string }).error).toBe('recall-preset on cam-1 timed out after 500 ms');
  });
});
