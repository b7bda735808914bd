/**
 * A fault file's figures, written to .faults/ when the file ends for report.ts to turn into
 * docs/faults.md — with `failed` set when any of its tests failed, so a failed run never becomes the
 * published table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach } from 'vitest';

export const RESULTS_DIR = '.faults';

export function recordResults(name: 'matrix' | 'fleet' | 'fuzz' | 'pair' | 'history' | 'lease', figures: () => object): void {
  let failed = false;
  beforeEach((ctx) => ctx.onTestFailed(() => void (failed = true)));
  afterAll(() => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify({ ...figures(), failed }, null, 2));
  });
}
