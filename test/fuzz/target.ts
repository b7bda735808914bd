/**
 * A fuzz target: an input generator and a check that throws when a property breaks and otherwise
 * says whether the code refused the input or accepted it. `runTarget` runs it with fast-check and
 * measures how the heap grew (after a forced collection, when node runs with --expose-gc).
 */
import fc from 'fast-check';

export type Verdict = 'refused' | 'accepted';

export interface FuzzTarget<T = unknown> {
  name: string;
  input: fc.Arbitrary<T>;
  check(input: T): Verdict | Promise<Verdict>;
  /** A check that awaits (a session settling its promises, a controller answering over MQTT). */
  async?: boolean;
}

export interface FuzzStats {
  target: string;
  runs: number;
  refused: number;
  accepted: number;
  ms: number;
  /** null without --expose-gc. */
  heapGrowthMb: number | null;
}

const collect = (): number | null => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return process.memoryUsage().heapUsed;
};

/** `seed` makes a run repeatable (fast-check prints the seed and the shrunk input of a failure). */
export async function runTarget<T>(target: FuzzTarget<T>, runs: number, seed?: number): Promise<FuzzStats> {
  const counts = { refused: 0, accepted: 0 };
  const tally = (v: Verdict): void => void (counts[v] += 1);
  const heapBefore = collect();
  const started = performance.now();
  const options = { numRuns: runs, endOnFailure: false, ...(seed === undefined ? {} : { seed }) };
  if (target.async) {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => tally(await target.check(input))),
      options,
    );
  } else {
    fc.assert(
      fc.property(target.input, (input) => tally(target.check(input) as Verdict)),
      options,
    );
  }
  const ms = Math.round(performance.now() - started);
  const heapAfter = collect();
  const heapGrowthMb = heapBefore === null || heapAfter === null ? null : Math.round(((heapAfter - heapBefore) / 1_048_576) * 10) / 10;
  return { target: target.name, runs, ...counts, ms, heapGrowthMb };
}
