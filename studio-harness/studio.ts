/**
 * A demo studio on one machine: the controller (embedded broker on a free port) in this
 * process, and two agents as real child processes. The gear is registered the way a technician
 * does it (profiles, devices, slots through the controller's requests); the agents start with
 * no devices and pick theirs up from the controller. By default each agent has a simulated
 * camera, mic and light, forming three slots with a primary on agent-a and its backup on agent-b.
 *
 * It runs with logins, as production does: the broker takes no anonymous client; each agent is
 * enrolled and reads its credential from a 0600 file; requests go in the name of an admin `demo`;
 * the rig that injects simulated faults (commands straight to gear) logs in as a controller.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { systemClock } from '../lib/clock.ts';
import { onairBin } from '../lib/paths.ts';
import type { Logger } from '../lib/logger.ts';
import { connectMqtt, endMqtt, waitForConnect } from '../lib/mqtt-connection.ts';
import { sleep } from '../lib/timeout.ts';
import { codecs } from '../protocols/codec.ts';
import { ROOT, topic } from '../protocols/contract.ts';
import { clientIdFor } from '../protocols/access.ts';
import type { CommandResult, DeviceRef, SlotState } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { parseControllerConfig } from '../controller/config.ts';
import { startControllerWithHttp, type ControllerWithHttp } from '../controller/http/attach.ts';
import { registerStudio, type SetupSlot } from './catalog-setup.ts';
import type { MediaSettings } from '../protocols/media-config.ts';
import { request, withController } from '../client/request-client.ts';
import type { OperationData, OperationName, OperationParams } from '../protocols/contract.ts';

export interface StudioDevice {
  id: string;
  kind: 'camera' | 'mic' | 'light' | 'gpio' | 'switcher' | 'encoder';
  /** Library profile id; default `simulated-<kind>`, an in-process virtual device. */
  profile?: string;
  /** Connection settings over the profile's defaults. */
  options?: Record<string, unknown>;
  /** Devices that watch this one in its self-test, by role (`light-sensor: agent-b/gpio-1`). */
  helpers?: Record<string, string>;
  /** What the studio calls it (`onair device add --label`). */
  label?: string;
  probe?: { intervalMs: number; timeoutMs?: number };
  /** Its media watch over its profile's (where its picture or sound is, what is checked). */
  media?: MediaSettings;
}

export interface StudioAgent {
  id: string;
  devices: StudioDevice[];
}

export const DEMO_AGENTS: StudioAgent[] = [
  {
    id: 'agent-a',
    devices: [
      { id: 'cam-1', kind: 'camera' },
      { id: 'mic-1', kind: 'mic' },
      { id: 'light-1', kind: 'light' },
    ],
  },
  {
    id: 'agent-b',
    devices: [
      { id: 'cam-2', kind: 'camera' },
      { id: 'mic-2', kind: 'mic' },
      { id: 'light-2', kind: 'light' },
    ],
  },
];

export type StudioSlot = SetupSlot;

export const DEMO_SLOTS: StudioSlot[] = [
  { id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 1 } },
  { id: 'studio-a/mic-host', primary: 'agent-a/mic-1', backups: ['agent-b/mic-2'], params: {} },
  { id: 'studio-a/key-light', primary: 'agent-a/light-1', backups: ['agent-b/light-2'], params: { scene: 'key', level: 80 } },
];

export interface StudioOptions {
  log: Logger;
  agents?: StudioAgent[];
  slots?: typeof DEMO_SLOTS;
  /** Extra controller config (YAML object), merged over the demo defaults. */
  controller?: Record<string, unknown>;
  dataDir?: string;
  probe?: { intervalMs: number; timeoutMs?: number };
  /** Extra environment for agent processes (secrets such as camera passwords). */
  agentEnv?: Record<string, string>;
}

export class Studio {
  readonly events: ControllerEvent[] = [];
  readonly slots = new Map<string, SlotState>();
  private readonly agentProcesses = new Map<string, ChildProcess>();
  private watcher!: MqttClient;
  private readonly results = new Map<string, (r: CommandResult) => void>();
  private eventListeners: Array<(e: ControllerEvent) => void> = [];
  readonly dir: string;
  controller!: ControllerWithHttp;
  /** The logins the studio runs with: its admin (requests, reading) and its fault-injecting rig (a controller login). */
  private readonly logins = {
    admin: { user: 'demo', password: randomBytes(18).toString('base64url') },
    rig: { user: 'controller/studio-rig', password: '' },
  };

  constructor(private readonly o: StudioOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'onair-studio-'));
  }

  async start(): Promise<void> {
    const config = parseControllerConfig(
      stringify({
        broker: { embedded: true, port: 0, host: '127.0.0.1', allowAnonymous: false },
        http: { port: 0, host: '127.0.0.1' },
        dataDir: this.o.dataDir ?? path.join(this.dir, 'data'),
        ...this.o.controller,
      }),
      '(demo studio)',
    );
    this.controller = await startControllerWithHttp({ config, clock: systemClock, log: this.o.log });
    await this.controller.identities.addUser(this.logins.admin.user, 'admin', this.logins.admin.password);
    this.logins.rig.password = await this.controller.identities.enrollController('studio-rig');
    this.watcher = connectMqtt({
      url: this.rigUrl(),
      clientId: clientIdFor(this.logins.rig.user, `studio-${randomUUID().slice(0, 6)}`),
      log: this.o.log,
    });
    this.watcher.on('message', (t, p) => this.onMessage(t, p));
    await waitForConnect(this.watcher, 5_000);
    await this.watcher.subscribeAsync([`${ROOT}/controller/events`, `${ROOT}/slots/#`, `${ROOT}/agents/+/results`], { qos: 1 });
    await this.register();
    for (const agent of this.agents()) await this.enrol(agent.id);
    for (const agent of this.agents()) this.spawnAgent(agent);
  }

  /** Enrols an agent and leaves its credential in a 0600 file its config names. */
  private async enrol(agentId: string): Promise<void> {
    const credential = await this.controller.identities.enrollAgent(agentId);
    writeFileSync(this.passwordFile(agentId), `${credential}\n`, { mode: 0o600 });
  }

  private passwordFile(agentId: string): string {
    return path.join(this.dir, `${agentId}.password`);
  }

  /** Profiles, devices and slots, as `onair profile|device|slot add` would send them. */
  private register(): Promise<void> {
    const probe = this.o.probe ?? { intervalMs: 250, timeoutMs: 200 };
    return registerStudio(this.brokerUrl(), {
      by: 'demo',
      devices: this.agents().flatMap((a) =>
        a.devices.map((d) => ({
          agent: a.id,
          device: d.id,
          profile: d.profile ?? `simulated-${d.kind}`,
          options: d.options ?? {},
          probe: d.probe ?? probe,
          studio: 'studio-a',
          ...(d.label ? { label: d.label } : {}),
          ...(d.helpers ? { helpers: d.helpers } : {}),
          ...(d.media ? { media: d.media } : {}),
        })),
      ),
      slots: this.o.slots ?? DEMO_SLOTS,
    });
  }

  /** The agents this studio runs (the demo gear, or the ones given in the options). */
  agents(): StudioAgent[] {
    return this.o.agents ?? DEMO_AGENTS;
  }

  /** The studio admin's login, for the console (`onair demo` prints it). */
  adminLogin(): { user: string; password: string } {
    return { ...this.logins.admin };
  }

  /** The broker, logged in as the studio's admin (requests, the CLI, reading the fleet). */
  brokerUrl(): string {
    return withLogin(this.controller.brokerUrl, this.logins.admin);
  }

  /** The broker, logged in as the rig: the one login here that may command gear straight (simulated faults). */
  rigUrl(): string {
    return withLogin(this.controller.brokerUrl, this.logins.rig);
  }

  agentConfigFile(agentId: string): string {
    return path.join(this.dir, `${agentId}.yaml`);
  }

  /** The agent process starts with no devices: the controller hands it the registered ones. */
  spawnAgent(agent: StudioAgent): ChildProcess {
    const file = this.agentConfigFile(agent.id);
    writeFileSync(
      file,
      stringify({
        agentId: agent.id,
        broker: { url: this.controller.brokerUrl, username: `agent/${agent.id}`, passwordFile: this.passwordFile(agent.id) },
        heartbeatIntervalMs: 500,
      }),
    );
    const logFile = openSync(path.join(this.dir, `${agent.id}.log`), 'a');
    const child = spawn(process.execPath, [onairBin(), 'agent', '--config', file], {
      stdio: ['ignore', logFile, logFile],
      env: { ...process.env, ...this.o.agentEnv, ONAIR_LOG_LEVEL: process.env.ONAIR_LOG_LEVEL ?? 'info' },
    });
    this.agentProcesses.set(agent.id, child);
    return child;
  }

  /** The last lines of each agent process's log (they are in the studio's folder, removed at stop). */
  agentLogTails(lines: number): Record<string, string[]> {
    return Object.fromEntries(
      this.agents().map((a) => {
        try {
          return [
            a.id,
            readFileSync(path.join(this.dir, `${a.id}.log`), 'utf8')
              .trimEnd()
              .split('\n')
              .slice(-lines),
          ];
        } catch {
          return [a.id, ['(no log)']];
        }
      }),
    );
  }

  agentProcess(agentId: string): ChildProcess | undefined {
    return this.agentProcesses.get(agentId);
  }

  /** Returns a function that removes the listener. */
  onEvent(listener: (e: ControllerEvent) => void): () => void {
    this.eventListeners.push(listener);
    return () => {
      this.eventListeners = this.eventListeners.filter((l) => l !== listener);
    };
  }

  /** Waits until every listed device is `ok` in the controller's eyes. */
  async waitForDevices(refs: DeviceRef[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const devices = this.controller.status().devices;
      if (refs.every((r) => devices.some((d) => d.agent === r.agent && d.device === r.device && d.status === 'ok'))) return;
      await sleep(50);
    }
    const states = this.controller
      .status()
      .devices.map((d) => `${d.agent}/${d.device}=${d.status}`)
      .join(', ');
    throw new Error(`devices not all ok within ${timeoutMs} ms: ${states || 'none seen'}`);
  }

  /** Position in the event stream, to wait only for events from then on. */
  mark(): number {
    return this.events.length;
  }

  waitForEvent(match: (e: ControllerEvent) => boolean, timeoutMs: number, what: string, fromMark = 0): Promise<ControllerEvent> {
    const already = this.events.slice(fromMark).find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.eventListeners = this.eventListeners.filter((l) => l !== listener);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: ControllerEvent): void => {
        if (!match(e)) return;
        clearTimeout(timer);
        this.eventListeners = this.eventListeners.filter((l) => l !== listener);
        resolve(e);
      };
      this.eventListeners.push(listener);
    });
  }

  /** A request to the controller, as the onair CLI sends it. */
  ask<O extends OperationName>(op: O, params: OperationParams<O>, timeoutMs = 60_000): Promise<OperationData<O>> {
    const options = { broker: this.brokerUrl(), timeoutMs, issuedBy: 'demo' };
    return withController(options, (c) => request(c, op, params, options));
  }

  /** Sends a command straight to an agent (as any MQTT client may) and waits for its final result. */
  command(ref: DeviceRef, action: string, params: Record<string, unknown>, timeoutMs = 3_000): Promise<CommandResult> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.results.delete(id);
        reject(new Error(`${action} on ${ref.agent}/${ref.device}: no result within ${timeoutMs} ms`));
      }, timeoutMs);
      this.results.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      const command = { id, device: ref.device, action, params, ttlMs: timeoutMs, issuedBy: 'demo' };
      this.watcher.publish(topic.command(ref.agent), JSON.stringify(command), { qos: 1 });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.agentProcesses.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    // A studio whose start failed half-way stops what it did start.
    if (this.watcher) await endMqtt(this.watcher, true);
    await this.controller?.stop();
    if (!process.env.ONAIR_KEEP_DEMO) rmSync(this.dir, { recursive: true, force: true });
  }

  private onMessage(mqttTopic: string, payload: Buffer): void {
    if (mqttTopic === topic.controllerEvents()) {
      const e = codecs.controllerEvents.decode(payload);
      if (!e.ok) return;
      this.events.push(e.value);
      for (const l of [...this.eventListeners]) l(e.value);
    } else if (mqttTopic.startsWith(`${ROOT}/slots/`)) {
      const s = codecs.slot.decode(payload);
      if (s.ok) this.slots.set(s.value.slot, s.value);
    } else if (mqttTopic.endsWith('/results')) {
      const r = codecs.commandResult.decode(payload);
      if (r.ok && r.value.status !== 'accepted') this.results.get(r.value.id)?.(r.value);
    }
  }
}

const withLogin = (url: string, login: { user: string; password: string }): string => {
  const u = new URL(url);
  u.username = encodeURIComponent(login.user);
  u.password = encodeURIComponent(login.password);
  return u.toString().replace(/\/$/, '');
};
