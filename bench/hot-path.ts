/**
 * The hot path's two figures from issue 21.9, measured the way the independent check did:
 * - saturation: the load generator publishes as fast as the broker acknowledges (each agent keeps 20
 *   QoS 1 messages in flight); health messages the bare embedded broker (aedes with OnAir's persistence,
 *   one in-process subscriber doing nothing) delivers per second, against those the controller handles
 *   per second (goal ≥ 0.8 × bare);
 * - a `status` request's round trip with ~1,000 devices while health keeps arriving (goal p99 ≤ 10 ms).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { systemClock } from '../lib/clock.ts';
import { silentLogger } from '../lib/logger.ts';
import { startControllerWithHttp } from '../controller/http/attach.ts';
import { parseControllerConfig } from '../controller/config.ts';
import { startEmbeddedBroker } from '../controller/broker/broker.ts';
import { controllerSubscriptions } from '../protocols/contract.ts';
import { summarize, type Summary } from './stats.ts';

export interface HotPathResult {
  bareBrokerPerSecond: number;
  controllerPerSecond: number;
  ratio: number;
  /**
   * This process's CPU (% of one core) while each was measured: the broker's JavaScript runs on one
   * thread, so under ~90% the load generator, not the broker, set the rate and the ratio says little.
   */
  bareCpuPercent: number;
  controllerCpuPercent: number;
  /**
   * The same comparison by CPU per message (bare ÷ controller): what each would handle with a whole
   * core. Read this when the bare broker stayed under ~90% of a core; it assumes a message costs the
   * same at full load (batching at saturation would make the bare broker cheaper, and this ratio
   * flattering).
   */
  costRatio: number;
  statusDevices: number;
  statusMs: Summary;
}

const generatorPath = fileURLToPath(new URL('./load-generator.js', import.meta.url));
const statusClientPath = fileURLToPath(new URL('./status-client.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startGenerator(
  broker: string,
  agents: number,
  devicesPerAgent: number,
  ratePerSecond: number,
  durationMs: number,
  window?: number,
) {
  const child = fork(
    generatorPath,
    [JSON.stringify({ broker, agents, devicesPerAgent, ratePerSecond, durationMs, prefix: 'hot', ...(window ? { window } : {}) })],
    { stdio: 'inherit' },
  );
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    });
  return { child, next };
}

async function saturate(
  url: string,
  count: () => number,
  s: { agents: number; devicesPerAgent: number; window: number; warmupMs: number; measureMs: number },
): Promise<{ perSecond: number; cpuPercent: number }> {
  const g = startGenerator(url, s.agents, s.devicesPerAgent, 0, s.warmupMs + s.measureMs, s.window);
  try {
    await g.next();
    g.child.send('go');
    await sleep(s.warmupMs);
    const before = count();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await sleep(s.measureMs);
    const elapsed = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    return {
      perSecond: Math.round(((count() - before) / elapsed) * 1_000),
      cpuPercent: Math.round(((used.user + used.system) / 1_000 / elapsed) * 100),
    };
  } finally {
    g.child.kill();
  }
}

export async function measureHotPath(
  s = { agents: 50, devicesPerAgent: 20, window: 20, warmupMs: 2_000, measureMs: 5_000, statusSamples: 300, statusBackgroundRate: 5_000 },
): Promise<HotPathResult> {
  const log = silentLogger();
  // The bare broker: the same aedes, persistence and socket tuning, nobody subscribed.
  const bare = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log });
  // One in-process subscriber to health, as the controller is: only the controller's own work differs.
  const bus = bare.bus(log);
  let received = 0;
  bus.onMessage(() => void (received += 1));
  bus.subscribe([controllerSubscriptions.deviceHealth], 0);
  const bareRun = await saturate(bare.url, () => received, s);
  await bus.close();
  await bare.close();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-hot-'));
  const config = parseControllerConfig(
    stringify({ broker: { port: 0, host: '127.0.0.1' }, dataDir: dir, http: { enabled: false } }),
    '(bench)',
  );
  const controller = await startControllerWithHttp({ config, clock: systemClock, log }); // with its console side: the health history is part of the hot path
  try {
    const controllerRun = await saturate(controller.brokerUrl, () => controller.counters.healthMessages!, s);
    // Status with the fleet in view and health still arriving at a moderate rate.
    const g = startGenerator(controller.brokerUrl, s.agents, s.devicesPerAgent, s.statusBackgroundRate, 600_000);
    await g.next();
    g.child.send('go');
    await sleep(2_000);
    // Asked from a process of its own (an engineer's tool is one): the asker's parsing is not the controller's.
    const asker = fork(statusClientPath, [JSON.stringify({ broker: controller.brokerUrl, samples: s.statusSamples, pauseMs: 10 })], {
      stdio: 'inherit',
    });
    const { samples, devices } = await new Promise<{ samples: number[]; devices: number }>((resolve, reject) => {
      asker.once('message', (m) => resolve(m as { samples: number[]; devices: number }));
      asker.once('exit', (code) => reject(new Error(`the status client exited with ${code}`)));
    });
    g.child.kill();
    return {
      bareBrokerPerSecond: bareRun.perSecond,
      controllerPerSecond: controllerRun.perSecond,
      ratio: Math.round((controllerRun.perSecond / Math.max(1, bareRun.perSecond)) * 100) / 100,
      bareCpuPercent: bareRun.cpuPercent,
      controllerCpuPercent: controllerRun.cpuPercent,
      costRatio:
        Math.round(
          (bareRun.cpuPercent / Math.max(1, bareRun.perSecond) / (controllerRun.cpuPercent / Math.max(1, controllerRun.perSecond))) * 100,
        ) / 100,
      statusDevices: devices,
      statusMs: summarize(samples.slice(20)),
    };
  } finally {
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
