/** The main job, as users run it: `onair demo` on the wire-protocol simulators through the real drivers. */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { onairBin } from '../../lib/paths.ts';

function demo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [onairBin(), 'demo', ...args],
      { timeout: 170_000, env: { ...process.env, ONAIR_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number; signal?: string }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('onair demo', () => {
  it('camera-failure on the simulators: the ONVIF primary hangs, the VISCA backup takes over, OBS cuts to it', async () => {
    const run = await demo('--scenario', 'camera-failure', '--json');
    // When it fails, say why: its story, its warnings and the agents' last log lines are on stderr.
    expect(run.code, `onair demo exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      ok: true,
      failedDevice: 'agent-a/cam-1',
      activatedDevice: 'agent-b/cam-2',
      primaryAvailableAfterRepair: true,
      preshowGo: true,
      backupSelfTest: 'passed',
    });
    expect(summary.failureRate).toEqual(expect.any(Number));
    expect(summary.detectionMs).toEqual(expect.any(Number));
    expect(summary.failoverMs).toEqual(expect.any(Number));
    expect(summary).toMatchObject({ program: 'Cam 2', tallies: ['cam-2'] });
    expect(summary.programCutMs).toBeGreaterThanOrEqual(summary.totalMs as number); // the cut follows the confirmed backup
  });

  it('stream-failure on the OBS simulators: the live encoder loses its ingest, the backup encoder streams, the primary stops', async () => {
    const run = await demo('--scenario', 'stream-failure', '--json');
    expect(run.code, `onair demo exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      ok: true,
      slot: 'studio-a/stream',
      failedDevice: 'agent-a/encoder-1',
      activatedDevice: 'agent-b/encoder-2',
    });
    expect(summary.streamOutageMs).toBeGreaterThan(2_000); // a reconnect is given the profile's 2 s before it counts as a failure
    expect(summary.streamOutageMs).toBeLessThan(5_000);
  });
});
