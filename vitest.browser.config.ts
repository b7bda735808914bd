import { defineConfig } from 'vitest/config';

/**
 * The console in a real browser, after the main run and alone on the machine: chromium and the demo
 * studio's agents and simulators are heavy, and the simulators' probe deadlines (200 ms) are tight
 * enough that a machine busy with other test files makes the gear flap.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
