/** Health-message throughput and handling latency of one controller with its embedded broker. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../lib/clock.ts';
import { silentLogger } from '../lib/logger.ts';
import { startControllerWithHttp } from '../controller/http/attach.ts';
import { parseControllerConfig } from '../controller/config.ts';
import { LatencyRecorder, summarize, type Summary } from './stats.ts';

export interface ThroughputSettings {
  agents: number;
  devicesPerAgent: number;
  ratePerSecond: number;
  warmupMs: number;
  measureMs: number;
}

export interface ThroughputResult extends ThroughputSettings {
  offeredPerSecond: number;
  handledPerSecond: number;
  latencyMs: Summary;
  controllerCpuPercent: number;
  controllerRssMb: number;
}

const generatorPath = fileURLToPath(new URL('./load-generator.js', import.meta.url));

export async function measureThroughput(s: ThroughputSettings): Promise<ThroughputResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-'));
  const latencies = new LatencyRecorder(2_000_000);
  const config = parseControllerConfig(
    stringify({ broker: { port: 0, host: '127.0.0.1' }, dataDir: dir, http: { enabled: false } }),
    '(bench)',
  );
  const controller = await startControllerWithHttp({
    config,
    clock: systemClock,
    log: silentLogger(),
    onHealthHandled: (ms) => latencies.record(ms),
  });
  const generator = fork(
    generatorPath,
    [
      JSON.stringify({
        broker: controller.brokerUrl,
        agents: s.agents,
        devicesPerAgent: s.devicesPerAgent,
        ratePerSecond: s.ratePerSecond,
        durationMs: s.warmupMs + s.measureMs,
        prefix: 'bench',
      }),
    ],
    { stdio: 'inherit' },
  );
  try {
    await nextMessage(generator);
    generator.send('go');
    await sleep(s.warmupMs);
    latencies.reset();
    const handledBefore = controller.counters.healthMessages!;
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await sleep(s.measureMs);
    const elapsedMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const handled = controller.counters.healthMessages! - handledBefore;
    const done = (await nextMessage(generator)) as { sent: number; elapsedMs: number };
    return {
      ...s,
      offeredPerSecond: Math.round((done.sent / done.elapsedMs) * 1_000),
      handledPerSecond: Math.round((handled / elapsedMs) * 1_000),
      latencyMs: summarize(latencies.values()),
      controllerCpuPercent: Math.round(((cpu.user + cpu.system) / 1_000 / elapsedMs) * 100),
      controllerRssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    };
  } finally {
    generator.kill();
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function nextMessage(child: ReturnType<typeof fork>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
