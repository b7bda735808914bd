/**
 * A pre-show test that fails once is retried — before air. With the default 60 s pause, a show that
 * starts in a few seconds once got its retry scheduled after air time: skipped as too late, the
 * checklist ready only after the show went on air (and the demo, waiting 30 s for it, failed).
 */
import { describe, expect, it } from 'vitest';
import { request, withController } from '../../client/request-client.ts';
import { cleanupAfterEach, registerGear, simulate, startAgent, startController, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();

describe('a pre-show test that fails once', () => {
  it('is retried before air even when the retry pause is longer than the time left', async () => {
    const controller = await startController({ dataDir: cleanup.tempDir(), config: { plan: { tickMs: 50 } } }); // preShowRetryMs: the default 60 s
    cleanup.defer(() => controller.stop());
    const agent = await startAgent(controller.brokerUrl, 'agent-a', []);
    cleanup.defer(() => agent.stop());
    await registerGear(
      controller.brokerUrl,
      [{ agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera', fault: 'error' }] }],
      [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: [], params: { preset: 1 } }],
    );
    await waitUntil(() => controller.status().devices[0]?.status === 'failed', 5_000, 'cam-1 failing');
    const options = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'engineer' };
    const startsAt = Date.now() + 8_000;
    await withController(options, (c) =>
      request(
        c,
        'show.add',
        { id: 'soon', studio: 'studio-a', startsAt, endsAt: startsAt + 60_000, slots: ['studio-a/cam-wide'], preShowMinutes: 7.5 / 60 },
        options,
      ),
    );
    // The first attempt fails; the camera is then repaired.
    await waitUntil(
      () => controller.events().some((e) => e.type === 'job.finished' && e.data.kind === 'preshow' && e.data.state !== 'passed'),
      8_000,
      'the first attempt failed',
    );
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    const checklist = await waitUntil(() => controller.events().find((e) => e.type === 'preshow.checklist'), 10_000, 'the checklist');
    expect(checklist.ts).toBeLessThan(startsAt);
    const final = await withController(options, (c) => request(c, 'preshow', { show: 'soon' }, options));
    expect(final.go, JSON.stringify(final.slots)).toBe(true);
    expect(final.slots[0]!.members[0]).toMatchObject({ ready: true, attempts: 2 });
  });
});
