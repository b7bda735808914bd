/** Small statistics helpers for the benchmark. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** Fixed-size latency recorder: O(1) per sample, for the hot path. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;
  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }
  record(ms: number): void {
    if (this.count < this.samples.length) this.samples[this.count] = ms;
    this.count += 1;
  }
  values(): number[] {
    return Array.from(this.samples.subarray(0, Math.min(this.count, this.samples.length)));
  }
  reset(): void {
    this.count = 0;
  }
}

/** One goal of the bench: what, its target, what was measured, and whether it was met. */
export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export const targetLine = (x: Target): string => `  ${x.met ? 'MET ' : 'MISS'}  ${x.what.padEnd(40)} ${x.target.padEnd(14)} ${x.measured}`;
