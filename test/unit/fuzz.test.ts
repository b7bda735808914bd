/**
 * Fuzzing, a few hundred inputs per target on every `npm test`; `npm run faults` runs 10^5 of each
 * (test/faults/fuzz.faults.ts). A failure prints fast-check's seed and shrunk input: pass the seed to
 * runTarget to replay it.
 */
import { describe, expect, it } from 'vitest';
import { controllerTarget } from '../fuzz/controller-target.ts';
import { payloadTargets, topicTarget } from '../fuzz/payload-targets.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';
import { runTarget, type FuzzTarget } from '../fuzz/target.ts';
import { enttecTarget, firmataTarget, shureTarget, viscaTarget } from '../fuzz/wire-targets.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

describe('fuzzing: wire codecs', () => {
  for (const target of [viscaTarget, shureTarget, enttecTarget, firmataTarget()] as FuzzTarget[]) {
    it(target.name, async () => {
      const stats = await runTarget(target, RUNS);
      expect(stats.refused + stats.accepted).toBe(RUNS);
      expect(stats.accepted, 'the inputs reach past the framing').toBeGreaterThan(0);
      expect(stats.refused, 'and include what must be refused').toBeGreaterThan(0);
    });
  }
});

describe('fuzzing: MQTT payloads and topics', () => {
  it.each([topicTarget, ...payloadTargets()].map((t) => [t.name, t] as const))('%s', async (_name, target) => {
    const stats = await runTarget(target as FuzzTarget, RUNS);
    expect(stats.accepted, 'some inputs are valid').toBeGreaterThan(0);
    expect(stats.refused, 'some are not').toBeGreaterThan(0);
  });
});

describe('fuzzing: the controller over MQTT', () => {
  it('every request handler: answered, valid, and a refused request changes nothing', async () => {
    const dir = tempDir();
    const fuzz = await controllerTarget(dir);
    try {
      const stats = await runTarget(fuzz.target, Math.ceil(RUNS / 2));
      expect(stats.accepted).toBeGreaterThan(0);
      expect(stats.refused).toBeGreaterThan(0);
      expect(fuzz.controller.status().counters.handlerErrors).toBe(0);
    } finally {
      await fuzz.close();
      removeDir(dir);
    }
  }, 120_000);
});
