/**
 * OnAir processes as a studio runs them — `onair controller` and `onair agent` from config files —
 * and a real Mosquitto, for tests that kill, pause and restart them. Ports are free ones, picked at
 * start and kept across restarts (a restarted broker comes back where its clients look for it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { onairBin } from '../../lib/paths.ts';
import { MOSQUITTO_USER, systemUser } from '../../controller/broker/mosquitto-files.ts';
import { TEST_RIG_SECRET, agentLogin, inStore, rigUrl } from './rig.ts';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

let ffmpegFound: boolean | undefined;
/**
 * Debian's ffmpeg on the PATH. Tests of real media run with `describe.runIf(hasFfmpeg())` and skip,
 * saying so, where it is absent; CI installs it, so they run there.
 */
export function hasFfmpeg(): boolean {
  ffmpegFound ??= spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  if (!ffmpegFound) console.warn('ffmpeg is not installed (apt-get install ffmpeg): the real-media tests are skipped');
  return ffmpegFound;
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A child process that can be killed, paused and restarted the same way each time. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  restarts = 0;

  constructor(private readonly o: { name: string; command: string; args: string[]; logFile: string; env?: Record<string, string> }) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.o.name} is already running`);
    const log = openSync(this.o.logFile, 'a');
    this.child = spawn(this.o.command, this.o.args, { stdio: ['ignore', log, log], env: { ...process.env, ...this.o.env } });
  }

  /** Sends a signal and, for one that ends the process, waits until it has. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') return void child.kill(signal);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL if it has not stopped within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(force);
  }

  async restart(): Promise<void> {
    await this.kill();
    this.restarts += 1;
    this.start();
  }
}

export interface ControllerProcess extends ManagedProcess {
  url: string;
  port: number;
}

/** `onair controller` with its embedded broker on a fixed free port, its data in `dir`. */
export async function controllerProcess(dir: string, config: Record<string, unknown> = {}): Promise<ControllerProcess> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const file = path.join(dir, 'controller.yaml');
  const broker: Record<string, unknown> = {
    embedded: true,
    port,
    host: '127.0.0.1',
    ...(config.broker as Record<string, unknown> | undefined),
  };
  // With its embedded broker it takes logins only: the test rig's, enrolled before it starts, and its agents'.
  if (broker.embedded) broker.allowAnonymous ??= false;
  const dataDir = path.join(dir, String(config.dataDir ?? 'data'));
  writeFileSync(file, stringify({ dataDir: 'data', http: { port: 0, host: '127.0.0.1' }, ...config, broker }));
  const proc = new ManagedProcess({
    name: 'controller',
    command: process.execPath,
    args: [onairBin(), 'controller', '--config', file],
    logFile: path.join(dir, 'controller.log'),
  });
  if (!broker.embedded) return Object.assign(proc, { url: String(broker.url), port });
  await inStore(dataDir, (ids) => ids.enrollController('test-rig', TEST_RIG_SECRET));
  return Object.assign(proc, { url: rigUrl(`mqtt://127.0.0.1:${port}`, (id) => inStore(dataDir, (ids) => ids.enrollAgent(id))), port });
}

/** `onair agent` from a config that names only its broker: its gear comes from the controller. */
export async function agentProcess(
  dir: string,
  agentId: string,
  brokerUrl: string,
  extra: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<ManagedProcess> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${agentId}.yaml`);
  // On a test rig's URL the agent is enrolled and reads its credential from a 0600 file, as in production.
  const login = await agentLogin(brokerUrl, agentId);
  const passwordFile = path.join(dir, `${agentId}.password`);
  if (login.password) writeFileSync(passwordFile, `${login.password}\n`, { mode: 0o600 });
  const broker = { url: login.url, ...(login.username ? { username: login.username, passwordFile } : {}) };
  writeFileSync(file, stringify({ agentId, broker, heartbeatIntervalMs: 250, stateDir: `${agentId}-state`, ...extra }));
  return new ManagedProcess({
    name: agentId,
    command: process.execPath,
    args: [onairBin(), 'agent', '--config', file],
    logFile: path.join(dir, `${agentId}.log`),
    env,
  });
}

export const hasMosquitto = (): boolean => spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error === undefined;

export interface MosquittoProcess extends ManagedProcess {
  url: string;
  port: number;
}

/**
 * Debian's Mosquitto 2 on a free loopback port, persisting retained messages in `dir` as a
 * production broker does (so a restart brings back what was retained, wills included). With
 * `includeDir`, it loads OnAir's generated logins and topic rules and logs every refusal.
 */
/**
 * `ownUser`: as Debian's packaged service runs it, started as root and dropping to user `mosquitto`
 * after reading its config (mosquitto.conf(5) "user"): its data dir is given to that user, and the
 * dirs above it (ours, 0700 from mkdtemp) are opened for traversal only.
 */
export async function mosquittoProcess(
  dir: string,
  options: { includeDir?: string; ownUser?: boolean; port?: number; listenerIncluded?: boolean } = {},
): Promise<MosquittoProcess> {
  if (!hasMosquitto()) throw new Error('mosquitto is not installed (apt-get install -y mosquitto; .ci/run does)');
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const conf = path.join(dir, 'mosquitto.conf');
  const asRoot = process.getuid?.() === 0;
  if (options.ownUser) {
    const user = systemUser(MOSQUITTO_USER);
    if (!asRoot || !user)
      throw new Error("running Mosquitto as its own user needs root and the mosquitto user (Debian's package makes it)");
    chownSync(dir, user.uid, user.gid);
    for (let up = path.dirname(dir); up !== path.dirname(up) && up !== os.tmpdir(); up = path.dirname(up))
      chmodSync(up, statSync(up).mode | 0o011);
  }
  writeFileSync(
    conf,
    [
      // OnAir's generated logins and ACL (onair broker mosquitto-config) come before the listener, as a site would include them.
      ...(options.includeDir ? [`include_dir ${options.includeDir}`, 'log_type all'] : ['allow_anonymous true']),
      // The generated onair.conf may bring the listener itself (with its listener options).
      ...(options.listenerIncluded ? [] : [`listener ${port} 127.0.0.1`]),
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      // As root, Mosquitto drops to user "mosquitto", which cannot write our temp dir.
      ...(asRoot ? [options.ownUser ? `user ${MOSQUITTO_USER}` : 'user root'] : []),
    ].join('\n') + '\n',
  );
  const proc = new ManagedProcess({
    name: 'mosquitto',
    command: 'mosquitto',
    args: ['-c', conf],
    logFile: path.join(dir, 'mosquitto.log'),
  });
  return Object.assign(proc, { url: `mqtt://127.0.0.1:${port}`, port });
}
