/** A VISCA camera through the whole path: agent config → driver → pty → simulator; controller → MQTT command. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { MqttClient } from 'mqtt';
import { systemClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createPtyPair, type PtyPair } from '../../../lib/serial/pty-pair.ts';
import { Agent } from '../../../agent/agent.ts';
import { parseAgentConfig } from '../../../agent/config.ts';
import { builtInDrivers } from '../../../agent/drivers/index.ts';
import type { Controller } from '../../../controller/controller.ts';
import { topic } from '../../../protocols/contract.ts';
import { ViscaCameraSimulator } from '../../../simulators/visca-camera.ts';
import { agentLogin } from '../../support/rig.ts';
import { closeClient, collect, rawClient, removeDir, startController, tempDir, waitUntil } from '../helpers.ts';

let dir: string;
let pair: PtyPair;
let camera: ViscaCameraSimulator;
let controller: Controller;
let agent: Agent;
let client: MqttClient;

beforeAll(async () => {
  dir = tempDir();
  pair = await createPtyPair();
  camera = new ViscaCameraSimulator({ path: pair.b, moveMs: 50 });
  await camera.start();
  controller = await startController({ dataDir: dir });
  // The agent logs in as itself: a client id of an agent's form is refused to any other login.
  const login = await agentLogin(controller.brokerUrl, 'ptz-agent');
  const config = parseAgentConfig(
    stringify({
      agentId: 'ptz-agent',
      broker: { url: login.url, ...(login.username ? { username: login.username } : {}) },
      devices: [{ id: 'ptz-1', driver: 'visca', kind: 'camera', options: { path: pair.a } }],
    }),
    'ptz-agent.yaml',
    builtInDrivers(),
  );
  agent = new Agent({
    config,
    drivers: builtInDrivers(),
    clock: systemClock,
    log: silentLogger(),
    ...(login.password ? { brokerSecrets: { password: login.password } } : {}),
  });
  await agent.start(5_000);
  client = await rawClient(controller.brokerUrl);
});

afterAll(async () => {
  await closeClient(client);
  await agent.stop();
  await controller.stop();
  await camera.stop();
  await pair.close();
  removeDir(dir);
});

describe('visca through the agent', () => {
  it('is monitored by the controller and moved by an MQTT command', async () => {
    await waitUntil(() => controller.status().devices.find((d) => d.device === 'ptz-1')?.status === 'ok', 5_000, 'ptz-1 ok');
    const results = await collect(client, topic.commandResult('ptz-agent'));
    await client.publishAsync(
      topic.command('ptz-agent'),
      JSON.stringify({ id: 'p-1', device: 'ptz-1', action: 'recall-preset', params: { preset: 12 }, ttlMs: 5_000, issuedBy: 'test' }),
      { qos: 1 },
    );
    await waitUntil(() => results.find((r) => (r.payload as { status: string }).status === 'succeeded'), 3_000, 'recall succeeded');
    expect(camera.lastPreset).toBe(12);
  });

  it('a config with a bad VISCA option names the line and field', () => {
    const text = 'agentId: a\ndevices:\n  - id: ptz-1\n    driver: visca\n    options:\n      path: /dev/ttyUSB0\n      adress: 2\n';
    expect(() => parseAgentConfig(text, 'a.yaml', builtInDrivers())).toThrow(
      'a.yaml:7:7: devices.0.options.adress: unknown field "adress" (did you mean "address"?)',
    );
  });
});
