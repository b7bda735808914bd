/**
 * Issue 22's demo scenarios as users run them (`onair demo --scenario …`), on the wire-protocol
 * simulators with real media: a black picture and a silent mic over ffmpeg streams on loopback, and a
 * battery that will not last the show.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { onairBin } from '../../lib/paths.ts';
import { hasFfmpeg } from '../support/processes.ts';

function demo(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [onairBin(), 'demo', ...args],
      { timeout: 170_000, env: { ...env, ONAIR_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function summaryOf(scenario: string): Promise<Record<string, unknown>> {
  const run = await demo(['--scenario', scenario, '--json']);
  // When it fails, say why: its story and the agents' last log lines are on stderr.
  expect(run.code, `onair demo exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** The check's duration (protocols/media.ts defaults), and what may come on top: the analysis, two failed probes, load. */
const DETECTION_SLACK_MS = 2_500;

describe.runIf(hasFfmpeg())('onair demo with real media', () => {
  it('picture-black: cam-1 answers ONVIF but sends black; it fails over to cam-2 and OBS cuts to Cam 2', async () => {
    const summary = await summaryOf('picture-black');
    expect(summary).toMatchObject({
      ok: true,
      contentFault: 'black',
      failedDevice: 'agent-a/cam-1',
      activatedDevice: 'agent-b/cam-2',
      program: 'Cam 2',
      primaryAvailableAfterRepair: true,
    });
    expect(summary.detectionMs).toBeGreaterThanOrEqual(2_000 - 300); // black counts once it lasted blackForMs
    expect(summary.detectionMs).toBeLessThanOrEqual(2_000 + DETECTION_SLACK_MS);
    expect(summary.failoverMs).toEqual(expect.any(Number));
    expect(summary.programCutMs).toBeGreaterThanOrEqual(summary.totalMs as number); // the cut follows the confirmed backup
  });

  it('sound-silent: the host mic goes silent while its receiver is fine; mic-2 takes over', async () => {
    const summary = await summaryOf('sound-silent');
    expect(summary).toMatchObject({
      ok: true,
      contentFault: 'silent',
      failedDevice: 'agent-a/mic-1',
      activatedDevice: 'agent-b/mic-2',
      primaryAvailableAfterRepair: true,
    });
    expect(summary.detectionMs).toBeGreaterThanOrEqual(3_000 - 300); // silence counts once it lasted 3 s
    expect(summary.detectionMs).toBeLessThanOrEqual(3_000 + DETECTION_SLACK_MS);
  });
});

describe('onair demo, battery', () => {
  it('battery: the pre-show checklist flags the mic with 42 min left for a 90-min show, "swap before air"', async () => {
    const summary = await summaryOf('battery');
    expect(summary).toMatchObject({ ok: true, failedDevice: 'agent-a/mic-1', preshowGo: true });
    expect(summary.enduranceShortfall).toMatch(/^swap before air \(warning\): agent-a\/mic-1's battery ends at .* \(42 min left/);
  });

  it('without ffmpeg, picture-black and sound-silent refuse with a clear error, not a crash', async () => {
    for (const scenario of ['picture-black', 'sound-silent']) {
      const run = await demo(['--scenario', scenario, '--json'], { ...process.env, PATH: '/nonexistent' });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('ffmpeg is not installed (apt-get install ffmpeg)');
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
    }
  });
});
