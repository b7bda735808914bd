/** `onair bench`: every number the core loop promises, measured in one run. */
import os from 'node:os';
import { measureFailover, type FailoverResult } from './failover.ts';
import { measureProgramCut, type ProgramCutResult } from './program-cut.ts';
import { measureThroughput, type ThroughputResult } from './throughput.ts';
import type { Summary } from './stats.ts';
import { existsSync } from 'node:fs';
import { CHROMIUM, measureConsolePaint, type ConsolePaintResult } from './console-paint.ts';
import { measureReconnectStorm, type StormResult } from './reconnect-storm.ts';
import { measureHotPath, type HotPathResult } from './hot-path.ts';
import { DEFAULT_FEEDS_AT_ONCE, formatMedia, measureMedia, mediaTargets, type MediaBenchResult } from './media.ts';
import { alertingTargets, formatAlerting, measureAlerting, type AlertingBenchResult } from './alerting.ts';
import { targetLine, type Target } from './stats.ts';
import { spawnSync } from 'node:child_process';

export interface BenchSettings {
  agents: number;
  devicesPerAgent: number;
  rate: number;
  seconds: number;
  samples: number;
  /** Trials per content fault (black, frozen, silent) of the media bench. */
  mediaTrials: number;
}

export interface BenchReport {
  machine: { cpus: number; model: string; node: string };
  throughput: ThroughputResult;
  /** Saturation against the bare broker, and a status request's round trip with ~1,000 devices. */
  hotPath: HotPathResult;
  failover: FailoverResult;
  programCut: ProgramCutResult;
  /** null without chromium (the console's paint needs a browser). */
  console: ConsolePaintResult | null;
  /** The controller restarted under a fleet of 500 and of 2,000 agents (5 devices each). */
  storm: StormResult[];
  /** Issue 22's picture and sound figures; null without ffmpeg. */
  media: MediaBenchResult | null;
  /** Issue 23's: failure → first notification, notifications per agent hang. */
  alerting: AlertingBenchResult;
  targets: Target[];
}

/** Debian's ffmpeg on the PATH: the media bench needs it (CI and this machine have it). */
const hasFfmpegOnPath = (): boolean => spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

/** One decimal: latencies measured with performance.now() print as 5.956708000001527 otherwise. */
const round = (x: number): number => Math.round(x * 10) / 10;

export async function runBench(s: BenchSettings, progress: (line: string) => void): Promise<BenchReport> {
  progress(`throughput: ${s.agents} agents × ${s.devicesPerAgent} devices, ${s.rate} health messages/s offered for ${s.seconds} s…`);
  const throughput = await measureThroughput({
    agents: s.agents,
    devicesPerAgent: s.devicesPerAgent,
    ratePerSecond: s.rate,
    warmupMs: 2_000,
    measureMs: s.seconds * 1_000,
  });
  progress(
    `hot path: the bare broker and the controller saturated by ${s.agents} agents × ${s.devicesPerAgent} devices; status requests with the fleet in view…`,
  );
  const hotPath = await measureHotPath();
  progress(`failover: ${s.samples} agent crashes and ${s.samples} hung devices, real agent processes, default probe settings…`);
  const failover = await measureFailover({ crashSamples: s.samples, hungSamples: s.samples, devicesOnMeasuredAgent: 20 });
  const cutSamples = Math.min(s.samples, 15); // each sample waits for a repair: kept short
  progress(
    `program cut: ${cutSamples} hung cameras and ${cutSamples} agent crashes on air, OBS Studio (simulated) as the program switcher…`,
  );
  const programCut = await measureProgramCut(cutSamples);
  const storm: StormResult[] = [];
  for (const agents of [500, 2_000]) {
    progress(`reconnect storm: ${agents} enrolled agents × 5 devices, the controller (and its broker) restarted…`);
    storm.push(await measureReconnectStorm({ agents, devicesPerAgent: 5, logins: true }));
  }
  const [small, large] = storm as [StormResult, StormResult];
  const hasBrowser = existsSync(CHROMIUM);
  progress(
    hasBrowser ? 'console: the wall of 50 studios × 10 slots, first paint in chromium…' : `console: skipped (no chromium at ${CHROMIUM})`,
  );
  const consolePaint = hasBrowser ? await measureConsolePaint({ studios: 50, slotsPerStudio: 10, runs: 10 }) : null;
  const hasFfmpeg = hasFfmpegOnPath();
  if (!hasFfmpeg) progress('media: skipped (no ffmpeg on the PATH: apt-get install ffmpeg)');
  const media = hasFfmpeg
    ? await measureMedia({ trials: s.mediaTrials, costWindowMs: 10_000, feedsAtOnce: DEFAULT_FEEDS_AT_ONCE }, progress)
    : null;
  progress(`alerting: ${s.samples} failures on air → first notification, 3 agent hangs with 20 devices…`);
  const alerting = await measureAlerting({ samples: s.samples, hangs: 3 });
  const ms = (x: Summary) => `p50 ${round(x.p50)} ms, p99 ${round(x.p99)} ms (n=${x.n})`;
  return {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version },
    throughput,
    hotPath,
    failover,
    programCut,
    console: consolePaint,
    storm,
    media,
    alerting,
    targets: [
      {
        what: 'health messages handled per second',
        target: '≥ 20000',
        measured: String(throughput.handledPerSecond),
        met: throughput.handledPerSecond >= 20_000,
      },
      {
        what: 'health handling latency p99',
        target: '< 10 ms',
        measured: `${throughput.latencyMs.p99} ms`,
        met: throughput.latencyMs.p99 < 10,
      },
      {
        what: 'saturation: controller ÷ bare broker',
        target: '≥ 0.8',
        measured: `${hotPath.controllerPerSecond}/s ÷ ${hotPath.bareBrokerPerSecond}/s = ${hotPath.ratio}${hotPath.bareCpuPercent < 90 ? ` (the bare broker at ${hotPath.bareCpuPercent}% of a core: the generator set the rate; by CPU per message ${hotPath.costRatio})` : ''}`,
        met: hotPath.bareCpuPercent >= 90 ? hotPath.ratio >= 0.8 : hotPath.costRatio >= 0.8,
      },
      {
        what: `status request, ${hotPath.statusDevices} devices`,
        target: 'p99 ≤ 10 ms',
        measured: ms(hotPath.statusMs),
        met: hotPath.statusMs.p99 <= 10,
      },
      {
        what: 'agent crash → backup confirmed active',
        target: 'p99 < 100 ms',
        measured: ms(failover.crashToActiveMs),
        met: failover.crashToActiveMs.p99 < 100,
      },
      {
        what: 'hung device → backup confirmed active',
        target: 'p99 < 1000 ms',
        measured: ms(failover.hungToActiveMs),
        met: failover.hungToActiveMs.p99 < 1_000,
      },
      {
        what: 'hung camera → program on the backup',
        target: 'p99 < 1000 ms',
        measured: ms(programCut.hungToProgramMs),
        met: programCut.hungToProgramMs.p99 < 1_000,
      },
      {
        what: 'agent crash → program on the backup',
        target: 'p99 < 150 ms',
        measured: ms(programCut.crashToProgramMs),
        met: programCut.crashToProgramMs.p99 < 150,
      },
      {
        what: 'backup confirmed → program cut confirmed',
        target: 'p99 < 40 ms',
        measured: ms(programCut.cutMs),
        met: programCut.cutMs.p99 < 40,
      },
      {
        what: `agent RSS with ${failover.agentDevices} devices`,
        target: '< 80 MB',
        measured: `${failover.agentRssMb} MB`,
        met: failover.agentRssMb < 80,
      },
      {
        what: '2,000 agents back after a controller restart',
        target: '< 30 s, none dropped',
        measured: `${large.backMs ?? 'not within 60 s'} ms, ${large.failedConnects} dropped`,
        met: large.backMs !== null && large.backMs < 30_000 && large.failedConnects === 0,
      },
      {
        what: 'controller CPU per reconnecting agent',
        target: 'flat (2,000 ≤ 1.5 × 500)',
        measured: `${small.cpuMsPerAgent} ms at 500, ${large.cpuMsPerAgent} ms at 2,000`,
        met: large.cpuMsPerAgent <= 1.5 * small.cpuMsPerAgent,
      },
      ...(consolePaint
        ? [
            {
              what: 'console wall 50×10, first paint',
              target: 'p99 < 1000 ms',
              measured: ms(consolePaint.firstPaintMs),
              met: consolePaint.firstPaintMs.p99 < 1_000,
            },
          ]
        : []),
      ...(media ? mediaTargets(media) : []),
      ...alertingTargets(alerting),
    ],
  };
}

export function formatReport(r: BenchReport): string {
  const t = r.throughput;
  const lines = [
    '',
    `OnAir benchmark — ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}`,
    '',
    `throughput   offered ${t.offeredPerSecond}/s, handled ${t.handledPerSecond}/s; latency p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms, max ${t.latencyMs.max} ms (n=${t.latencyMs.n})`,
    `saturation   bare broker ${r.hotPath.bareBrokerPerSecond}/s, controller ${r.hotPath.controllerPerSecond}/s (${r.hotPath.ratio} × bare; this process at ${r.hotPath.bareCpuPercent}% / ${r.hotPath.controllerCpuPercent}% of a core); status with ${r.hotPath.statusDevices} devices p50 ${round(r.hotPath.statusMs.p50)} ms, p99 ${round(r.hotPath.statusMs.p99)} ms`,
    `controller   CPU ${t.controllerCpuPercent}% of one core, RSS ${t.controllerRssMb} MB (controller + embedded broker, one process)`,
    `failover     agent crash → backup active: p50 ${r.failover.crashToActiveMs.p50} ms, p99 ${r.failover.crashToActiveMs.p99} ms, max ${r.failover.crashToActiveMs.max} ms (n=${r.failover.crashToActiveMs.n})`,
    `             hung device → declared failed: p50 ${r.failover.hungDetectionMs.p50} ms, p99 ${r.failover.hungDetectionMs.p99} ms; → backup active: p50 ${r.failover.hungToActiveMs.p50} ms, p99 ${r.failover.hungToActiveMs.p99} ms (n=${r.failover.hungToActiveMs.n})`,
    `program cut  hung camera → OBS on the backup: p50 ${r.programCut.hungToProgramMs.p50} ms, p99 ${r.programCut.hungToProgramMs.p99} ms; agent crash → OBS on the backup: p50 ${r.programCut.crashToProgramMs.p50} ms, p99 ${r.programCut.crashToProgramMs.p99} ms`,
    `             backup confirmed → cut confirmed: p50 ${r.programCut.cutMs.p50} ms, p99 ${r.programCut.cutMs.p99} ms (n=${r.programCut.cutMs.n})`,
    `agent        RSS ${r.failover.agentRssMb} MB with ${r.failover.agentDevices} devices`,
    ...r.storm.map(
      (s) =>
        `storm        ${s.agents} agents × ${s.devicesPerAgent} devices back after a controller restart in ${s.backMs ?? '(not within the limit)'} ms, ${s.failedConnects} connections dropped, controller CPU ${s.cpuMsPerAgent} ms per agent`,
    ),
    r.console
      ? `console      ${r.console.tiles} tiles (${r.console.studios} studios × ${r.console.slotsPerStudio} slots), navigation → painted: p50 ${r.console.firstPaintMs.p50} ms, p99 ${r.console.firstPaintMs.p99} ms (n=${r.console.firstPaintMs.n}); first picture ${Math.round(r.console.statusBytes / 1024)} KiB`
      : 'console      not measured (no chromium)',
    ...(r.media ? formatMedia(r.media) : ['media        not measured (no ffmpeg)']),
    ...formatAlerting(r.alerting),
    '',
    'targets',
    ...r.targets.map(targetLine),
    '',
  ];
  return lines.join('\n');
}
