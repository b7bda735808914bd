/**
 * Registered devices reach a running agent live: added, changed and removed without restarting the
 * agent or disturbing its other devices, with the config version it runs reported back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { libraryProfile } from '../../studio-harness/catalog-setup.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { topic, type OperationData, type OperationName, type OperationParams } from '../../protocols/contract.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';
import type { AppliedConfig } from '../../protocols/device-config.ts';
import { closeClient, collect, rawClient, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let controller: Controller;
let agent: Agent;
let client: MqttClient;
let health: Array<{ topic: string; payload: unknown }>;
let applied: Array<{ topic: string; payload: unknown }>;
let options: RequestOptions;

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => request(client, op, params, options);
const healthOf = (device: string): DeviceHealth[] =>
  health
    .filter((h) => h.topic === topic.deviceHealth('agent-a', device) && typeof h.payload === 'object')
    .map((h) => h.payload as DeviceHealth);
const lastApplied = (): AppliedConfig | undefined => applied.at(-1)?.payload as AppliedConfig | undefined;
const device = (id: string) => controller.status().devices.find((d) => d.device === id);
const register = (id: string, profileVersion: number, extra: Record<string, unknown> = {}) =>
  ask('device.add', {
    registration: {
      agent: 'agent-a',
      device: id,
      profile: id.startsWith('mic') ? 'simulated-mic' : 'simulated-camera',
      profileVersion,
      options: {},
      probe: { intervalMs: 100, timeoutMs: 80 },
      ...extra,
    },
  });

/** No runner was restarted: seq only ever grows (a new runner starts again from 0). */
const neverRestarted = (id: string): boolean => healthOf(id).every((h, i, all) => i === 0 || h.seq > all[i - 1]!.seq);

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: dir, config: { detection: { recoverAfterMs: 300 } } });
  // The agent has one device of its own (its YAML file) and gets the rest from the controller.
  agent = await startAgent(controller.brokerUrl, 'agent-a', [{ id: 'cam-local', kind: 'camera' }], { healthIntervalMs: 200 });
  client = await rawClient(controller.brokerUrl);
  options = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'technician@test' };
  health = await collect(client, 'onair/v1/agents/agent-a/devices/+/health');
  applied = await collect(client, topic.appliedConfig('agent-a'));
  await ask('profile.add', { profile: libraryProfile('simulated-mic') });
  await ask('profile.add', { profile: libraryProfile('simulated-camera') });
});

afterAll(async () => {
  await closeClient(client);
  await agent.stop();
  await controller.stop();
  removeDir(dir);
});

describe('a running agent', () => {
  it('starts a registered device live and reports the config version it runs', async () => {
    const { configVersion } = await register('mic-1', 1);
    expect(configVersion).toBe(1);
    await waitUntil(() => lastApplied()?.version === 1, 5_000, 'config v1 applied');
    expect(lastApplied()).toMatchObject({ version: 1, running: ['mic-1'], problems: [] });
    await waitUntil(() => device('mic-1')?.status === 'ok', 5_000, 'mic-1 ok');
    expect((await ask('device.show', { agent: 'agent-a', device: 'mic-1' })).deployment).toBe('running');
    expect(agent.deviceIds().sort()).toEqual(['cam-local', 'mic-1']);
  });

  it('adds, changes and removes a device while the other keeps publishing, untouched', async () => {
    const micBefore = healthOf('mic-1').length;
    await register('cam-2', 1);
    await waitUntil(() => device('cam-2')?.status === 'ok', 5_000, 'cam-2 ok');

    // A connection change reconnects cam-2 only. The fault makes the virtual camera run hot (78 °C):
    // the profile's rule (over 70 °C → degraded) turns that metric into the device's status.
    const changed = await register('cam-2', 1, { options: { fault: { mode: 'degraded' } } });
    await waitUntil(() => lastApplied()?.version === changed.configVersion, 5_000, 'change applied');
    await waitUntil(() => device('cam-2')?.status === 'degraded', 5_000, 'cam-2 degraded by its profile rule');
    expect(healthOf('cam-2').at(-1)!.checks).toContainEqual(
      expect.objectContaining({ name: 'temperatureC', status: 'degraded', detail: 'running hot: 78 °C' }),
    );

    const removed = await ask('device.remove', { agent: 'agent-a', device: 'cam-2', reason: 'returned to the rental house' });
    await waitUntil(() => lastApplied()?.version === removed.configVersion, 5_000, 'removal applied');
    expect(lastApplied()!.running).toEqual(['mic-1']);
    expect(agent.deviceIds().sort()).toEqual(['cam-local', 'mic-1']);
    await waitUntil(
      () => health.some((h) => h.topic === topic.deviceHealth('agent-a', 'cam-2') && h.payload === ''),
      3_000,
      'retained health cleared',
    );
    expect(device('cam-2')).toBeUndefined();

    // Meanwhile mic-1 kept publishing from the same runner, and never left ok.
    await waitUntil(() => healthOf('mic-1').length >= micBefore + 3, 3_000, 'mic-1 still publishing');
    expect(neverRestarted('mic-1')).toBe(true);
    expect(healthOf('mic-1').every((h) => h.status === 'ok')).toBe(true);
    expect(controller.events({ device: 'cam-2' }).map((e) => e.type)).toEqual(
      expect.arrayContaining(['device.added', 'device.removed', 'device.state']),
    );
    expect(controller.events({ device: 'cam-2' }).find((e) => e.type === 'device.removed')).toMatchObject({
      by: 'technician@test',
      reason: 'returned to the rental house',
    });
  });

  it('applies a profile change that only touches health rules without reconnecting the device', async () => {
    const v2 = { ...libraryProfile('simulated-mic'), version: 2 };
    v2.health = {
      rules: [
        {
          metric: 'batteryBars',
          below: 6,
          status: 'degraded',
          kind: 'fault',
          message: 'battery at {value} of 5 bars: charge before the show',
        },
      ],
    };
    await ask('profile.add', { profile: v2 });
    const { configVersion } = await register('mic-1', 2);
    await waitUntil(() => lastApplied()?.version === configVersion, 5_000, 'profile v2 applied');
    await waitUntil(() => device('mic-1')?.status === 'degraded', 5_000, 'the stricter rule applies');
    expect(neverRestarted('mic-1')).toBe(true); // same runner, same driver session
    await register('mic-1', 1);
    await waitUntil(() => device('mic-1')?.status === 'ok', 5_000, 'back on v1 rules');
  });

  it('refuses what it cannot run with a reason, and keeps its own devices', async () => {
    // Options its driver refuses never get that far: the controller checks them as the CLI does.
    await expect(
      ask('device.add', {
        registration: { agent: 'agent-a', device: 'cam-bad', profile: 'simulated-camera', profileVersion: 1, options: { kind: 'toaster' } },
      }),
    ).rejects.toThrow(/^agent-a\/cam-bad \(simulated\) cannot be registered:\n {2}kind: /);
    // What only the agent can know — an id its own file already uses — the agent refuses, and says why.
    const clash = await ask('device.add', {
      registration: { agent: 'agent-a', device: 'cam-local', profile: 'simulated-camera', profileVersion: 1, options: {} },
    });
    await waitUntil(() => lastApplied()?.version === clash.configVersion, 5_000, 'config applied');
    expect(lastApplied()!.problems).toEqual([
      { device: 'cam-local', error: 'device id "cam-local" is already used by this agent\'s own config file' },
    ]);
    const listed = (await ask('device.list', { agent: 'agent-a' })).devices;
    expect(listed.find((d) => d.device === 'cam-local')).toMatchObject({
      deployment: 'refused',
      problem: expect.stringContaining('own config file'),
    });
    expect(listed.find((d) => d.device === 'cam-bad')).toBeUndefined();
    expect(agent.deviceIds().sort()).toEqual(['cam-local', 'mic-1']);
    expect(
      controller
        .events({})
        .filter((e) => e.type === 'config.applied')
        .at(-1)!.data.problems,
    ).toHaveLength(1);
  });

  it("fails over with the profile's roles: a receiver's activate is an unmute, its standby a mute", async () => {
    // An unmute takes no parameters: a profile that gives it one is refused (as onair profile validate refuses it).
    const wrong = {
      ...libraryProfile('simulated-mic'),
      version: 3,
      roles: { activate: { action: 'unmute', params: { gain: 0 } }, standby: { action: 'mute' } },
    };
    await expect(ask('profile.add', { profile: wrong })).rejects.toThrow('roles.activate.params.gain: unknown field "gain"');
    const withRoles = {
      ...libraryProfile('simulated-mic'),
      version: 3,
      roles: { activate: { action: 'unmute' }, standby: { action: 'mute' } },
    };
    await ask('profile.add', { profile: withRoles });
    await register('mic-1', 3);
    const { configVersion } = await register('mic-2', 3);
    await waitUntil(() => lastApplied()?.version === configVersion, 5_000, 'mic-2 applied');
    await waitUntil(() => device('mic-2')?.status === 'ok', 5_000, 'mic-2 ok');
    await expect(
      ask('slot.add', { slot: 'studio-a/mic-host', primary: 'mic-1', backups: ['mic-2'], params: { channel: 2 } }),
    ).rejects.toThrow('agent-a/mic-1 (simulated): unmute: channel: unknown parameter (it takes none)');
    await ask('slot.add', { slot: 'studio-a/mic-host', primary: 'mic-1', backups: ['mic-2'], params: {} });
    const commands = await collect(client, topic.command('agent-a'));
    await ask('failover', { slot: 'studio-a/mic-host', to: 'mic-2', reason: 'crackling' });
    await waitUntil(() => commands.length >= 2, 3_000, 'activate and standby sent');
    const sent = commands.map((c) => c.payload as { device: string; action: string; params: Record<string, unknown> });
    expect(sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ device: 'mic-2', action: 'unmute', params: {} }),
        expect.objectContaining({ device: 'mic-1', action: 'mute', params: {} }),
      ]),
    );
    await ask('slot.remove', { slot: 'studio-a/mic-host', reason: 'test over' });
  });

  it('a broken desired config payload is dropped and everything keeps running', async () => {
    const before = agent.counters.invalidPayloads;
    await client.publishAsync(topic.desiredConfig('agent-a'), '{"version": "seven"}', { qos: 1 });
    const running = agent.deviceIds().sort();
    await waitUntil(() => agent.counters.invalidPayloads > before, 3_000, 'counted');
    expect(agent.deviceIds().sort()).toEqual(running);
  });
});

describe('a controller restart (its embedded broker loses every retained message)', () => {
  it('hands the agent its desired config again; the agent keeps its devices running untouched', async () => {
    const dataDir = tempDir();
    let first: Controller | undefined = await startController({ dataDir, config: { detection: { restartGraceMs: 2_000 } } });
    const port = Number(new URL(first.brokerUrl).port); // the ephemeral port it got, reused for the restart
    const rig = await startAgent(first.brokerUrl, 'agent-r', []);
    const restarted: Controller[] = [];
    try {
      const options = { broker: first.brokerUrl, timeoutMs: 5_000, issuedBy: 'technician@test' };
      const { registerStudio } = await import('../../studio-harness/catalog-setup.ts');
      await registerStudio(first.brokerUrl, {
        devices: [{ agent: 'agent-r', device: 'mic-r', profile: 'simulated-mic', probe: { intervalMs: 100, timeoutMs: 80 } }],
        slots: [],
        by: 'test',
      });
      await waitUntil(() => first!.status().devices.find((d) => d.device === 'mic-r')?.status === 'ok', 5_000, 'mic-r ok');
      const applied = rig.counters.configsApplied;
      await first.stop();
      first = undefined;

      const second = await startController({
        dataDir,
        config: { broker: { embedded: true, port, host: '127.0.0.1' }, detection: { restartGraceMs: 2_000 } },
      });
      restarted.push(second);
      await waitUntil(() => rig.counters.configsApplied > applied, 10_000, 'desired config received again after the restart');
      expect(rig.deviceIds()).toEqual(['mic-r']);
      await waitUntil(
        () => second.status().devices.find((d) => d.device === 'mic-r')?.status === 'ok',
        5_000,
        'mic-r ok under the new controller',
      );
      const shown = await withController({ ...options, broker: second.brokerUrl }, (c) =>
        request(c, 'device.show', { agent: 'agent-r', device: 'mic-r' }, options),
      );
      expect(shown.deployment).toBe('running');
    } finally {
      await rig.stop();
      await first?.stop();
      for (const c of restarted) await c.stop();
      removeDir(dataDir);
    }
  });
});
