import { afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { silentLogger, type Logger } from '../../lib/logger.ts';
import { connectMqtt, endMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { startControllerWithHttp, type ControllerWithHttp } from '../../controller/http/attach.ts';
import type { LeaderView } from '../../controller/controller-dependencies.ts';
import { Agent } from '../../agent/agent.ts';
import { parseAgentConfig } from '../../agent/config.ts';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { registerStudio, type SetupSlot } from '../../studio-harness/catalog-setup.ts';
import { onairBin } from '../../lib/paths.ts';
import { topic } from '../../protocols/contract.ts';
import { TEST_RIG_SECRET, agentLogin, rigUrl, testClientId } from '../support/rig.ts';
import { waitBudget } from '../support/waits.ts';
export { testClientId };

export const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'onair-test-'));
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/**
 * Undo after each test, newest first: what a test started (processes, clients, brokers) and the temp
 * dirs it made; a step that fails is ignored so the rest still runs.
 */
export function cleanupAfterEach(): { defer(work: () => Promise<unknown>): void; tempDir(): string } {
  const work: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const w of work.splice(0).reverse()) await w().catch(() => undefined);
  });
  return {
    defer: (w) => void work.push(w),
    tempDir: () => {
      const made = tempDir();
      work.push(async () => removeDir(made));
      return made;
    },
  };
}

/**
 * The controller as production runs it, with logins: its embedded broker refuses anonymous clients.
 * `controller.brokerUrl` carries the login of a test rig (`controller/test-rig`, every right: raw
 * clients, the CLI, fault injection), and `startAgent` on that URL enrols the agent and logs it in
 * as `agent/<id>`. A test that gives its own broker settings gets those.
 */
export async function startController(options: {
  dataDir: string;
  config?: Record<string, unknown>;
  onHealthHandled?: (ms: number) => void;
  clock?: Clock;
  log?: Logger;
  leader?: LeaderView;
}): Promise<ControllerWithHttp> {
  const config = parseControllerConfig(
    // HTTP off unless a test asks for it (each would start a server and its process metrics).
    stringify({
      broker: { embedded: true, port: 0, host: '127.0.0.1', allowAnonymous: false },
      http: { enabled: false },
      dataDir: options.dataDir,
      ...options.config,
    }),
    '(test)',
  );
  const controller = await startControllerWithHttp({
    config,
    clock: options.clock ?? systemClock,
    log: options.log ?? silentLogger(),
    onHealthHandled: options.onHealthHandled,
    ...(options.leader ? { leader: options.leader } : {}),
  });
  if (config.broker.embedded) {
    await controller.identities.enrollController('test-rig', TEST_RIG_SECRET);
    controller.brokerUrl = rigUrl(controller.brokerUrl, (id) => controller.identities.enrollAgent(id));
  }
  return controller;
}

export interface TestDevice {
  id: string;
  kind: 'camera' | 'mic' | 'light';
  fault?: string;
}

export function agentConfig(brokerUrl: string, agentId: string, devices: TestDevice[], extra: Record<string, unknown> = {}) {
  return parseAgentConfig(
    stringify({
      agentId,
      broker: { url: brokerUrl },
      heartbeatIntervalMs: 200,
      devices: devices.map((d) => ({
        id: d.id,
        driver: 'simulated',
        kind: d.kind,
        probe: { intervalMs: 100, timeoutMs: 80 },
        actionTimeoutMs: 500,
        options: { kind: d.kind, ...(d.fault ? { fault: { mode: d.fault } } : {}) },
      })),
      ...extra,
    }),
    `${agentId}.yaml`,
    builtInDrivers(),
  );
}

export async function startAgent(
  brokerUrl: string,
  agentId: string,
  devices: TestDevice[],
  extra: Record<string, unknown> = {},
): Promise<Agent> {
  const login = await agentLogin(brokerUrl, agentId);
  const config = agentConfig(login.url, agentId, devices, extra);
  if (login.username) config.broker.username = login.username;
  const agent = new Agent({
    config,
    drivers: builtInDrivers(),
    clock: systemClock,
    log: silentLogger(),
    ...(login.password ? { brokerSecrets: { password: login.password } } : {}),
  });
  await agent.start(5_000);
  return agent;
}

/**
 * Registers simulated gear and slots with the controller, as a technician would with the CLI; the
 * agents (started with no devices of their own) pick the devices up from the controller.
 */
export async function registerGear(
  brokerUrl: string,
  gear: Array<{ agent: string; devices: TestDevice[] }>,
  slots: SetupSlot[] = [],
): Promise<void> {
  const devices = gear.flatMap((g) =>
    g.devices.map((d) => ({
      agent: g.agent,
      device: d.id,
      profile: `simulated-${d.kind}`,
      options: d.fault ? { fault: { mode: d.fault } } : {},
      probe: { intervalMs: 100, timeoutMs: 80 },
    })),
  );
  await registerStudio(brokerUrl, { devices, slots, by: 'test' });
}

/** A plain MQTT client, as a third-party tool (or a misbehaving one) would connect. */
export async function rawClient(url: string): Promise<MqttClient> {
  const client = connectMqtt({ url, clientId: testClientId(url, 'test'), log: silentLogger() });
  await waitForConnect(client, 5_000);
  return client;
}

export const closeClient = (client: MqttClient): Promise<void> => endMqtt(client, true);

/**
 * Sets or clears a simulated device's fault as any MQTT client can (its `simulate.*` actions), sent
 * again until the agent answers `succeeded`: a device waiting out its reconnect pause answers "not
 * connected" (and tries to connect at once), as a real one would be unreachable until it is back.
 */
export async function simulate(
  url: string,
  agent: string,
  device: string,
  fault: { mode: string; delayMs?: number } | 'clear',
  timeoutMs = 5_000,
): Promise<void> {
  const client = await rawClient(url);
  try {
    const results = new Map<string, string>();
    client.on('message', (_t, p) => {
      const r = JSON.parse(p.toString()) as { id: string; status: string };
      if (r.status !== 'accepted') results.set(r.id, r.status);
    });
    await client.subscribeAsync(topic.commandResult(agent), { qos: 1 });
    const action = fault === 'clear' ? 'simulate.clear' : 'simulate.fault';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const id = `${device}-${action}-${randomUUID()}`;
      await client.publishAsync(
        topic.command(agent),
        JSON.stringify({ id, device, action, params: fault === 'clear' ? {} : fault, ttlMs: 2_000, issuedBy: 'test' }),
        { qos: 1 },
      );
      const answered = Date.now() + 2_500;
      while (!results.has(id) && Date.now() < answered) await new Promise((r) => setTimeout(r, 10));
      if (results.get(id) === 'succeeded') return;
      if (Date.now() > deadline) throw new Error(`${action} on ${agent}/${device}: ${results.get(id) ?? 'no answer'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await closeClient(client);
  }
}

/** Polls a synchronous check (an async one would always look truthy: use `eventually`). */
export async function waitUntil<T>(
  probe: () => (T extends PromiseLike<unknown> ? never : T) | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  timeoutMs = waitBudget(timeoutMs); // test/support/waits.ts: a timeout only ends a hang
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Collects every message on a topic filter. */
export async function collect(client: MqttClient, filter: string): Promise<Array<{ topic: string; payload: unknown }>> {
  const seen: Array<{ topic: string; payload: unknown }> = [];
  client.on('message', (t, p) => {
    if (!matches(filter, t)) return;
    try {
      seen.push({ topic: t, payload: JSON.parse(p.toString()) });
    } catch {
      seen.push({ topic: t, payload: p.toString() });
    }
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return seen;
}

function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Like waitUntil, for a check that is itself asynchronous (a probe, a request). */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  timeoutMs = waitBudget(timeoutMs); // test/support/waits.ts: a timeout only ends a hang
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The `onair` binary as users run it, pointed at a broker through ONAIR_BROKER. */
export function runOnair(broker: string, ...args: string[]): Promise<CliRun> {
  return runOnairWith({}, broker, ...args);
}

/**
 * The same with extra environment (a login: ONAIR_USER, ONAIR_PASSWORD, ONAIR_TOKEN_FILE; ONAIR_CA_FILE), none inherited from the test's.
 * The CLI answers in English here (ONAIR_LANG=en; its default is the studio's zh-CN): a test may pass another ONAIR_LANG.
 */
export function runOnairWith(env: Record<string, string>, broker: string, ...args: string[]): Promise<CliRun> {
  const inherited = { ...process.env };
  for (const name of ['ONAIR_USER', 'ONAIR_PASSWORD', 'ONAIR_TOKEN_FILE', 'ONAIR_CA_FILE', 'ONAIR_CERT_FILE', 'ONAIR_KEY_FILE'])
    delete inherited[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [onairBin(), ...args],
      { timeout: 120_000, env: { ...inherited, ONAIR_BROKER: broker, ONAIR_LANG: 'en', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A logger that keeps its JSON lines, parsed, for a test to read what was logged. */
export function recordingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}
