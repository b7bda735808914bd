/**
 * Issue 22's figures, over real media on loopback: Debian's ffmpeg encodes a live H.264 + AAC
 * MPEG-TS stream (simulators/media-source.ts, UDP) and the agent's own media watch
 * (agent/media/media-watch.ts createMediaWatch, the default checks) analyses it.
 * - declared: content switched to black, frozen or silent → reading() reports the fault, ≥ 20 trials
 *   each, alternating with normal content (each fault cleared before the next trial), after one
 *   warm-up trial of each reported apart (DeclaredResult.firstMs);
 * - cost: the watch's ffmpeg child, CPU (/proc utime + stime over a window) and RSS, for a 640x360
 *   substream, a 1920x1080 main stream, and the main stream with keyframesOnly;
 * - feeds: how many 1080p feeds this machine can watch, from the measured cost.
 * Alone: `node dist/bench/media.js [--trials N] [--window-ms MS] [--feeds N] [--json]` (after `npm run build`).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ContentFault } from '../protocols/media.ts';
import type { SourceContent, StreamSize } from '../simulators/media-content.ts';
import { PICTURE, SOUND, frameAgeBound, healthy, startRig, stopRig, until, type Rig } from './media-rig.ts';
import { FRAME_RATE } from '../simulators/media-content.ts';
import { measureFeedsAtOnce, type FeedsAtOnceResult } from './media-feeds.ts';
import { childPids, cpuPercentOver, rssMb } from './proc-usage.ts';
import { summarize, targetLine, type Summary, type Target } from './stats.ts';

export interface MediaBenchSettings {
  /** Trials per fault kind (the issue asks ≥ 20; fewer for a quick run). */
  trials: number;
  /** How long each probe's CPU is measured. */
  costWindowMs: number;
  /** 1080p feeds watched at once for the total-CPU figure (0: not run). */
  feedsAtOnce: number;
}

const FAULTS = [
  { fault: 'black', content: 'black', thresholdMs: PICTURE.blackForMs },
  { fault: 'frozen', content: 'frozen', thresholdMs: PICTURE.frozenForMs },
  { fault: 'silent', content: 'silent', thresholdMs: SOUND.silentForMs },
] as const satisfies ReadonlyArray<{ fault: ContentFault; content: SourceContent; thresholdMs: number }>;

export interface DeclaredResult {
  fault: ContentFault;
  /** The default duration the fault must last before it counts. */
  thresholdMs: number;
  /** From the switch asked of the encoder to reading() naming the fault (includes the command's own delay). */
  declaredMs: Summary;
  /** From the switch asked to the encoder confirming it applied it (ffmpeg's "Command reply"). */
  commandMs: Summary;
  /**
   * The warm-up trial, run first and not counted: a fault in the watch's first seconds is declared
   * later (its analyser is still working off what it read while probing the stream; seen: 3.7 s for
   * black where the steady state is 2.2 s), which is the watch's start, not its steady detection.
   */
  firstMs: number;
}

export interface ProbeCost {
  what: string;
  size: StreamSize;
  keyframesOnly: boolean;
  /** The watch's ffmpeg: percent of one core over the window, resident set now and at its peak. */
  cpuPercent: number;
  rssMb: number;
  peakRssMb: number;
  /** The simulated camera's encoder, for context: it shares the machine with the probe. */
  encoderCpuPercent: number;
  /** The picture stayed live and fault-free to the window's end (else the figure is suspect). */
  keptUp: boolean;
}

export interface MediaBenchResult {
  cores: number;
  loadAverage: number[];
  declared: DeclaredResult[];
  costs: ProbeCost[];
  /** N 1080p feeds watched at once (bench/media-feeds.ts); null when not run. */
  atOnce: FeedsAtOnceResult | null;
  /** 1080p feeds per machine: all cores ÷ the cost of one (full decode scaled from 25 to 30 fps). */
  feeds: { budgetPercent: number; fullDecode30Percent: number; fullDecode: number; keyframesOnly: number; substream: number };
}

const PER_FEED_BUDGET_PERCENT = 10;
/** Enough 1080p feeds at once to see the per-feed cost add up, few enough to leave this 2-core machine room. */
export const DEFAULT_FEEDS_AT_ONCE = 6;

/** One trial: normal content, then the fault at a known time, until the watch names it; back to normal. */
async function trial(rig: Rig, kind: (typeof FAULTS)[number]): Promise<{ declaredMs: number; commandMs: number }> {
  // A random phase against the analysis' 5 fps frames and the audio's packets, as a real fault has.
  await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
  const askedAt = performance.now();
  await rig.source.setContent(kind.content);
  const commandMs = performance.now() - askedAt;
  await until(() => rig.watch.reading().faults.includes(kind.fault), kind.thresholdMs + 10_000, `${kind.fault} declared`);
  const declaredMs = performance.now() - askedAt;
  await rig.source.setContent('normal');
  await until(() => healthy(rig.watch), 15_000, `${kind.fault} cleared`);
  return { declaredMs, commandMs };
}

async function measureDeclared(trials: number, progress: (line: string) => void): Promise<DeclaredResult[]> {
  const rig = await startRig('substream');
  const samples = FAULTS.map(() => ({ declared: [] as number[], command: [] as number[] }));
  const first: number[] = [];
  try {
    for (const kind of FAULTS) first.push((await trial(rig, kind)).declaredMs);
    for (let i = 0; i < trials; i += 1) {
      // Interleaved, so a busy spell on the shared machine touches every kind alike.
      for (const [k, kind] of FAULTS.entries()) {
        const t = await trial(rig, kind);
        samples[k]!.declared.push(t.declaredMs);
        samples[k]!.command.push(t.commandMs);
      }
      if ((i + 1) % 5 === 0) progress(`  media: ${i + 1}/${trials} trials of each fault`);
    }
  } finally {
    await stopRig(rig);
  }
  return FAULTS.map((kind, k) => ({
    fault: kind.fault,
    thresholdMs: kind.thresholdMs,
    declaredMs: roundSummary(summarize(samples[k]!.declared)),
    commandMs: roundSummary(summarize(samples[k]!.command)),
    firstMs: Math.round(first[k]!),
  }));
}

const roundSummary = (s: Summary): Summary => ({ n: s.n, p50: Math.round(s.p50), p99: Math.round(s.p99), max: Math.round(s.max) });

const PROBES: ReadonlyArray<[string, StreamSize, boolean]> = [
  ['substream 640x360', 'substream', false],
  ['main 1920x1080', 'main', false],
  ['main 1920x1080 keyframes only', 'main', true],
];

async function measureCost(what: string, size: StreamSize, keyframesOnly: boolean, windowMs: number): Promise<ProbeCost> {
  const rig = await startRig(size, keyframesOnly);
  try {
    const encoder = rig.source.pid!;
    // The encoder runs with -progress too; the analyser is the other ffmpeg on the port.
    const [analyser, ...others] = childPids(['-progress', `127.0.0.1:${rig.port}`]).filter((pid) => pid !== encoder);
    if (analyser === undefined || others.length > 0) throw new Error(`media bench: expected one analyser on port ${rig.port}`);
    const [cpuPercent, encoderCpuPercent] = await cpuPercentOver([analyser, encoder], windowMs);
    const keptUp = healthy(rig.watch, frameAgeBound(keyframesOnly));
    const rss = rssMb(analyser);
    return {
      what,
      size,
      keyframesOnly,
      cpuPercent: cpuPercent!,
      rssMb: rss.now,
      peakRssMb: rss.peak,
      encoderCpuPercent: encoderCpuPercent!,
      keptUp,
    };
  } finally {
    await stopRig(rig);
  }
}

export async function measureMedia(s: MediaBenchSettings, progress: (line: string) => void): Promise<MediaBenchResult> {
  const loadBefore = os.loadavg()[0]!;
  progress(`media: ${s.trials} trials each of black, frozen and silent on a 640x360 UDP stream, default durations…`);
  const declared = await measureDeclared(s.trials, progress);
  for (const d of declared) progress(`  ${d.fault}: p50 ${d.declaredMs.p50} ms, p99 ${d.declaredMs.p99} ms, max ${d.declaredMs.max} ms`);
  progress(`media: each probe's CPU over ${s.costWindowMs / 1_000} s and RSS: substream, main stream, main stream keyframes only…`);
  const costs: ProbeCost[] = [];
  for (const [what, size, keyframesOnly] of PROBES) {
    const cost = await measureCost(what, size, keyframesOnly, s.costWindowMs);
    progress(`  ${what}: ${cost.cpuPercent}% of a core, RSS ${cost.rssMb} MB${cost.keptUp ? '' : ' (the picture went stale)'}`);
    costs.push(cost);
  }
  if (s.feedsAtOnce > 0) progress(`media: ${s.feedsAtOnce} 1080p feeds watched at once, CPU over ${s.costWindowMs / 1_000} s…`);
  const atOnce = s.feedsAtOnce > 0 ? await measureFeedsAtOnce(s.feedsAtOnce, s.costWindowMs) : null;
  const cores = os.cpus().length;
  const [sub, main, keyframes] = costs as [ProbeCost, ProbeCost, ProbeCost];
  // Decoding is the cost and it is per frame: the simulator sends 25 fps, a 1080p30 camera 30.
  const fullDecode30Percent = Math.round(((main.cpuPercent * 30) / FRAME_RATE) * 10) / 10;
  const perMachine = (percent: number) => Math.floor((cores * 100) / percent);
  return {
    cores,
    loadAverage: [loadBefore, os.loadavg()[0]!].map((x) => Math.round(x * 10) / 10),
    declared,
    costs,
    atOnce,
    feeds: {
      budgetPercent: PER_FEED_BUDGET_PERCENT,
      fullDecode30Percent,
      fullDecode: perMachine(fullDecode30Percent),
      keyframesOnly: perMachine(keyframes.cpuPercent),
      substream: perMachine(sub.cpuPercent),
    },
  };
}

export function mediaTargets(r: MediaBenchResult): Target[] {
  return [
    ...r.declared.map((d) => ({
      what: `${d.fault} (${d.thresholdMs / 1_000} s) → declared`,
      target: `p99 ≤ ${d.thresholdMs + 500} ms`,
      measured: `p50 ${d.declaredMs.p50} ms, p99 ${d.declaredMs.p99} ms (n=${d.declaredMs.n})`,
      met: d.declaredMs.p99 <= d.thresholdMs + 500,
    })),
    ...r.costs.map((c) => ({
      what: `probe CPU, ${c.what}`,
      target: `≤ ${PER_FEED_BUDGET_PERCENT}% of a core`,
      measured: `${c.cpuPercent}%, RSS ${c.rssMb} MB${c.keptUp ? '' : ' (the picture went stale: not a cost)'}`,
      met: c.cpuPercent <= PER_FEED_BUDGET_PERCENT && c.keptUp,
    })),
  ];
}

export function formatMedia(r: MediaBenchResult): string[] {
  const f = r.feeds;
  return [
    ...r.declared.map(
      (d) =>
        `media        ${d.fault} for ${d.thresholdMs} ms → declared: p50 ${d.declaredMs.p50} ms, p99 ${d.declaredMs.p99} ms, max ${d.declaredMs.max} ms (n=${d.declaredMs.n}; the encoder's switch itself p50 ${d.commandMs.p50} ms; the warm-up trial, not counted: ${d.firstMs} ms)`,
    ),
    ...r.costs.map(
      (c) =>
        `probe        ${c.what}: ${c.cpuPercent}% of a core, RSS ${c.rssMb} MB (peak ${c.peakRssMb} MB); the camera's encoder ${c.encoderCpuPercent}%`,
    ),
    `feeds        1080p30 feeds on ${r.cores} cores: ${f.fullDecode} decoded in full (${f.fullDecode30Percent}% each at 30 fps, ${f.fullDecode30Percent <= f.budgetPercent ? 'within' : 'over'} the ${f.budgetPercent}% budget), ${f.keyframesOnly} keyframes only, ${f.substream} by their 640x360 substream`,
    ...(r.atOnce
      ? [
          `             ${r.atOnce.feeds} 1080p25 feeds at once: analysers ${r.atOnce.totalCpuPercent}% of a core in all (${r.atOnce.perFeedCpuPercent.join(', ')}), ${r.atOnce.keptUp} of ${r.atOnce.feeds} kept a live picture; the one encoder ${r.atOnce.encoderCpuPercent}%`,
        ]
      : []),
    `             load average ${r.loadAverage.join(' → ')} during the media bench`,
  ];
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number, min = 1) => {
    const i = process.argv.indexOf(name);
    const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} takes a whole number ≥ ${min}`);
    return value;
  };
  const result = await measureMedia(
    { trials: arg('--trials', 20), costWindowMs: arg('--window-ms', 10_000), feedsAtOnce: arg('--feeds', DEFAULT_FEEDS_AT_ONCE, 0) },
    (line) => process.stderr.write(`${line}\n`),
  );
  const targets = mediaTargets(result).map(targetLine);
  process.stdout.write(
    [
      `OnAir media bench — ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}`,
      '',
      ...formatMedia(result),
      '',
      'targets',
      ...targets,
      '',
    ].join('\n'),
  );
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
