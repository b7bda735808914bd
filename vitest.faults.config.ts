import { defineConfig } from 'vitest/config';

/** `npm run faults`: the fault matrix, the fleet chaos run and the long fuzzing runs, one file at a time (they load the machine on purpose). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['test/faults/report.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    // The fuzzing run measures heap growth after a forced collection.
    execArgv: ['--expose-gc'],
  },
});
