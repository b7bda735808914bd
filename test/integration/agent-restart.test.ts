/**
 * An agent restarted while the controller is unreachable (a power cut in the machine room) runs the
 * registered gear it last had, from its own disk, and takes the controller's config when it arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { silentLogger } from '../../lib/logger.ts';
import { onairBin } from '../../lib/paths.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import { Controller } from '../../controller/controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { systemClock } from '../../lib/clock.ts';
import { request, withController } from '../../client/request-client.ts';
import { topic } from '../../protocols/contract.ts';
import type { DesiredConfig } from '../../protocols/device-config.ts';
import type { AgentState, DeviceHealth } from '../../protocols/schemas.ts';
import { agentLogin } from '../support/rig.ts';
import { cleanupAfterEach, closeClient, collect, rawClient, registerGear, startController, waitUntil } from './helpers.ts';

const AGENT = 'agent-r';
const cleanup = cleanupAfterEach();
let dir: string;
let agentProcess: ChildProcess | undefined;

const cacheFile = () => path.join(dir, 'state', `${AGENT}.desired-config.json`);
const cached = (): DesiredConfig => JSON.parse(readFileSync(cacheFile(), 'utf8')) as DesiredConfig;

/** `onair agent` as a studio machine runs it: its file names only the broker; its gear comes from the controller. */
async function spawnAgent(brokerUrl: string): Promise<ChildProcess> {
  const file = path.join(dir, `${AGENT}.yaml`);
  // It logs in as itself (an agent's client id is refused to any other login), its credential in a file.
  const login = await agentLogin(brokerUrl, AGENT);
  const passwordFile = path.join(dir, `${AGENT}.password`);
  if (login.password) writeFileSync(passwordFile, `${login.password}\n`, { mode: 0o600 });
  const broker = { url: login.url, ...(login.username ? { username: login.username } : {}), ...(login.password ? { passwordFile } : {}) };
  writeFileSync(file, stringify({ agentId: AGENT, broker, heartbeatIntervalMs: 200, stateDir: 'state' }));
  const log = openSync(path.join(dir, `${AGENT}.log`), 'a');
  const child = spawn(process.execPath, [onairBin(), 'agent', '--config', file], { stdio: ['ignore', log, log] });
  cleanup.defer(() => kill(child));
  agentProcess = child;
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return; // gone already (killed earlier in the test)
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** A broker outside the controller, closed after the test. */
async function startBroker(): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
  cleanup.defer(() => broker.close());
  return broker;
}

describe('an agent restarted without its controller', () => {
  it('runs its registered gear from the config it cached, then follows the controller again', async () => {
    dir = cleanup.tempDir();
    const controller = await startController({ dataDir: path.join(dir, 'controller') });
    cleanup.defer(() => controller.stop());
    await spawnAgent(controller.brokerUrl);
    await registerGear(controller.brokerUrl, [{ agent: AGENT, devices: [{ id: 'cam-1', kind: 'camera' }] }]);
    await waitUntil(
      () => controller.status().devices.find((d) => d.device === 'cam-1')?.status === 'ok',
      10_000,
      'cam-1 ok through the controller',
    );
    await waitUntil(() => existsSync(cacheFile()), 5_000, 'the desired config cached');
    expect(cached().devices.map((d) => d.id)).toEqual(['cam-1']);
    const version = cached().version;

    // Power cut: the agent dies, the controller and its broker are gone too.
    await kill(agentProcess!);
    await controller.stop();

    // The machine comes back on a network with a broker but no controller (and no retained config).
    const broker = await startBroker();
    const client = await rawClient(broker.url);
    cleanup.defer(() => closeClient(client));
    const health = await collect(client, topic.deviceHealth(AGENT, '+'));
    const applied = await collect(client, topic.appliedConfig(AGENT));
    await spawnAgent(broker.url);
    await waitUntil(
      () => health.some((h) => (h.payload as DeviceHealth).status === 'ok' && h.topic === topic.deviceHealth(AGENT, 'cam-1')),
      10_000,
      'cam-1 monitored from the cache',
    );
    expect(applied).toEqual([]); // nothing to confirm: no controller asked for anything

    // The controller's config arrives (here: cam-1 was unregistered meanwhile): the agent follows it and caches it.
    const next: DesiredConfig = { version: version + 1, ts: Date.now(), devices: [] };
    await client.publishAsync(topic.desiredConfig(AGENT), JSON.stringify(next), { qos: 1, retain: true });
    await waitUntil(
      () => applied.some((a) => (a.payload as { version: number }).version === version + 1),
      5_000,
      'the new version applied',
    );
    expect(applied.at(-1)!.payload).toMatchObject({ version: version + 1, running: [], problems: [] });
    await waitUntil(() => cached().version === version + 1, 2_000, 'the new version cached');
    expect(cached().devices).toEqual([]);
  });

  it('a device unregistered while its agent was down runs only until the agent hears from the controller, and leaves no ghost', async () => {
    dir = cleanup.tempDir();
    // An external broker, so it can go away and come back on the same port with the controller still running.
    let broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    cleanup.defer(() => broker.close()); // the one running at the end: it restarts on its port
    const port = broker.port;
    const config = parseControllerConfig(
      stringify({
        broker: { embedded: false, url: broker.url },
        dataDir: path.join(dir, 'controller'),
        http: { enabled: false },
        detection: { healthDeadlineMs: 1_000, recoverAfterMs: 300 },
      }),
      '(test)',
    );
    const c = await Controller.start({ config, clock: systemClock, log: silentLogger() });
    cleanup.defer(() => c.stop());
    await spawnAgent(broker.url);
    await registerGear(broker.url, [
      {
        agent: AGENT,
        devices: [
          { id: 'cam-1', kind: 'camera' },
          { id: 'cam-2', kind: 'camera' },
        ],
      },
    ]);
    const status = (device: string) => c.status().devices.find((d) => d.device === device)?.status;
    await waitUntil(() => status('cam-1') === 'ok' && status('cam-2') === 'ok', 10_000, 'both cameras ok');
    await waitUntil(() => existsSync(cacheFile()) && cached().devices.length === 2, 5_000, 'both cached');

    await kill(agentProcess!);
    await waitUntil(() => status('cam-1') === 'offline', 5_000, 'the agent lost');
    const options = { broker: broker.url, timeoutMs: 5_000, issuedBy: 'technician@test' };
    await withController(options, (client) =>
      request(client, 'device.remove', { agent: AGENT, device: 'cam-1', reason: 'sent for repair' }, options),
    );

    // The machine room loses power: the broker restarts, and the agent comes up before it, from its cache (cam-1 included).
    await broker.close();
    const restartedAt = Date.now();
    await spawnAgent(`mqtt://127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 1_000)); // it probes its cached gear meanwhile
    broker = await startEmbeddedBroker({ port, host: '127.0.0.1', log: silentLogger() });

    await waitUntil(
      () => status('cam-2') === 'ok' && (c.status().devices.find((d) => d.device === 'cam-2')?.lastHealthAt ?? 0) > restartedAt,
      15_000,
      'cam-2 back',
    );
    await waitUntil(() => cached().devices.length === 1, 5_000, 'the current config cached');
    expect(cached().devices.map((d) => d.id)).toEqual(['cam-2']);
    await waitUntil(() => status('cam-1') === undefined, 5_000, 'cam-1 not in the fleet picture').catch((err: Error) => {
      throw new Error(
        `${err.message}: ${JSON.stringify(c.status().devices.find((d) => d.device === 'cam-1'))}; events: ${JSON.stringify(c.events({ device: 'cam-1' }).slice(-6))}`,
      );
    });
    await new Promise((r) => setTimeout(r, 1_500)); // past the health deadline: a ghost would turn failed now
    expect(status('cam-1')).toBeUndefined();
    expect(c.events({ device: 'cam-1' }).filter((e) => e.type === 'device.state' && e.ts > restartedAt && e.data.to === 'failed')).toEqual(
      [],
    );
  });

  it('starts with no registered gear, and says why, when its cache is unreadable', async () => {
    dir = cleanup.tempDir();
    const broker = await startBroker();
    const client = await rawClient(broker.url);
    cleanup.defer(() => closeClient(client));
    const states = await collect(client, topic.agentState(AGENT));
    mkdirSync(path.dirname(cacheFile()), { recursive: true });
    writeFileSync(cacheFile(), '{"version": 3, "devices": [{"id": "cam-1"'); // cut off mid-write by an old crash
    await spawnAgent(broker.url);
    await waitUntil(() => states.some((s) => (s.payload as AgentState).online), 10_000, 'agent birth');
    expect(states.find((s) => (s.payload as AgentState).online)!.payload).toMatchObject({ online: true, devices: [] });
    const log = readFileSync(path.join(dir, `${AGENT}.log`), 'utf8');
    expect(log).toContain('ignoring an unusable cached desired config');
    expect(log).toContain(cacheFile());
  });
});
