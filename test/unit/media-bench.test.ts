/** The media bench's judgement of its goals, and its /proc readings (bench/media.ts, bench/proc-usage.ts). */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mediaTargets, type MediaBenchResult } from '../../bench/media.ts';
import { childPids, cpuMs, cpuPercentOver, rssMb } from '../../bench/proc-usage.ts';

const summary = (p99: number) => ({ n: 20, p50: p99 - 100, p99, max: p99 });
const result = (blackP99: number, probePercent: number, keptUp = true): MediaBenchResult => ({
  cores: 2,
  loadAverage: [1, 1],
  declared: [{ fault: 'black', thresholdMs: 2_000, declaredMs: summary(blackP99), commandMs: summary(100), firstMs: 3_000 }],
  costs: [
    {
      what: 'substream',
      size: 'substream',
      keyframesOnly: false,
      cpuPercent: probePercent,
      rssMb: 60,
      peakRssMb: 61,
      encoderCpuPercent: 7,
      keptUp,
    },
  ],
  atOnce: null,
  feeds: { budgetPercent: 10, fullDecode30Percent: 12, fullDecode: 16, keyframesOnly: 40, substream: 40 },
});

describe('media bench goals', () => {
  it('a fault is declared in time up to its duration + 500 ms, not 1 ms later', () => {
    expect(mediaTargets(result(2_500, 5))[0]).toMatchObject({ target: 'p99 ≤ 2500 ms', met: true });
    expect(mediaTargets(result(2_501, 5))[0]!.met).toBe(false);
  });

  it('a probe is within budget up to 10% of a core, and only if its picture stayed live (a stalled analyser costs less)', () => {
    expect(mediaTargets(result(2_000, 10))[1]!.met).toBe(true);
    expect(mediaTargets(result(2_000, 10.1))[1]!.met).toBe(false);
    expect(mediaTargets(result(2_000, 5, false))[1]).toMatchObject({ met: false, measured: expect.stringContaining('stale') as unknown });
  });
});

describe('/proc readings', () => {
  it('finds a child by its command line and sees its CPU and memory', async () => {
    // A busy child: its CPU time must grow over the window.
    const child = spawn(process.execPath, ['-e', 'for(;;){}', '--', 'media-bench-probe-marker'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      expect(childPids(['media-bench-probe-marker'])).toEqual([child.pid]);
      const before = cpuMs(child.pid!);
      const [percent] = await cpuPercentOver([child.pid!], 300);
      expect(percent).toBeGreaterThan(5);
      expect(cpuMs(child.pid!)).toBeGreaterThan(before);
      expect(rssMb(child.pid!).now).toBeGreaterThan(10);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
