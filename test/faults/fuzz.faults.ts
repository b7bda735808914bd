/**
 * The long fuzzing run: FUZZ_RUNS inputs (default 10^5) for every wire codec, every MQTT payload
 * codec and topic, and the controller's request handlers over MQTT. Heap growth is measured after a
 * forced collection (vitest.faults.config.ts runs node with --expose-gc): a stateless codec must not
 * grow at all, the wire sessions and the controller only by what they legitimately keep.
 * Writes .faults/fuzz.json.
 */
import { describe, expect, it } from 'vitest';
import { controllerTarget } from '../fuzz/controller-target.ts';
import { payloadTargets, topicTarget } from '../fuzz/payload-targets.ts';
import { runTarget, type FuzzStats, type FuzzTarget } from '../fuzz/target.ts';
import { enttecTarget, firmataTarget, shureTarget, viscaTarget } from '../fuzz/wire-targets.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';
import { recordResults } from './results.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
/** More than this after 10^5 inputs is a leak, not noise. */
const HEAP_BOUND_MB = 16;
const results: FuzzStats[] = [];

recordResults('fuzz', () => ({ runs: RUNS, targets: results }));

async function fuzz(target: FuzzTarget): Promise<FuzzStats> {
  const stats = await runTarget(target, RUNS);
  results.push(stats);
  expect(stats.refused + stats.accepted).toBe(RUNS);
  if (stats.heapGrowthMb !== null) expect(stats.heapGrowthMb, `${target.name}: heap growth (MB)`).toBeLessThan(HEAP_BOUND_MB);
  return stats;
}

describe(`fuzzing, ${RUNS} inputs per target`, () => {
  for (const target of [viscaTarget, shureTarget, enttecTarget, firmataTarget(), topicTarget, ...payloadTargets()] as FuzzTarget[]) {
    it(target.name, () => fuzz(target));
  }

  it('controller request handlers (over MQTT)', async () => {
    const dir = tempDir();
    const subject = await controllerTarget(dir);
    try {
      await fuzz(subject.target as FuzzTarget);
      expect(subject.controller.status().counters.handlerErrors).toBe(0);
    } finally {
      await subject.close();
      removeDir(dir);
    }
  });
});
