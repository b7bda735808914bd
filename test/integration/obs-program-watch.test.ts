/**
 * End to end (issue 22): the obs driver's ImageFeed of the simulated OBS's program, analysed by a
 * real media watch (createMediaWatch: Debian's ffmpeg on the screenshots, the meters in its sound
 * rules). The device runner's decorator that merges these checks into the device's health is tested
 * on its own branch; here the feed and the watch meet directly, over a real WebSocket on loopback.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createObsDriver } from '../../agent/drivers/obs/driver.ts';
import type { Driver } from '../../agent/driver.ts';
import type { MediaCapableDriver } from '../../agent/media/types.ts';
import { createMediaWatch } from '../../agent/media/media-watch.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';
import type { MediaWatchConfig } from '../../protocols/media.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { cleanupAfterEach, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();

describe.runIf(hasFfmpeg())('the program through OBS, watched', () => {
  /** The simulated OBS, the obs driver connected to it, and a media watch of its program feed. */
  async function watchedProgram() {
    const obs = new ObsStudioSimulator();
    await obs.listen(0);
    cleanup.defer(() => obs.stop());
    const driver = createObsDriver().create({
      state: memoryKeptState(),
      deviceId: 'switcher-1',
      log: silentLogger(),
      options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 1_000, cutWith: 'program-scene' },
    }) as Driver & MediaCapableDriver;
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));

    // What an agent's config says for this device: `media: { source: { fromDriver: screenshots }, role: program, … }`.
    const config = {
      source: { fromDriver: 'screenshots' },
      role: 'program',
      // One picture a second: no signal is judged over several of them (docs/media.md, The program through OBS),
      // and the simulator's screenshots (a new ffmpeg each) come late on a loaded 2-core machine.
      picture: { blackForMs: 2_000, frozenForMs: 3_000, noSignalForMs: 5_000 },
      sound: { silentForMs: 2_000 },
      analysis: {},
    } as MediaWatchConfig;
    const feed = await driver.mediaFeed(config.source as { fromDriver: 'screenshots' }, AbortSignal.timeout(1_000), {
      width: 320,
      height: 180,
    });
    const watch = createMediaWatch({ deviceId: 'switcher-1', config, feed, clock: systemClock, log: silentLogger() });
    watch.start();
    cleanup.defer(() => watch.stop());
    return { obs, driver, watch };
  }

  it('program scene black -> picture failed (black); audio silent -> sound failed (silent); back to normal -> both clear', async () => {
    const { obs, watch } = await watchedProgram();
    const check = (name: string) => watch.reading().checks.find((c) => c.name === name);

    await waitUntil(() => check('picture')?.status === 'ok' && check('sound')?.status === 'ok', 15_000, 'both ok at first');
    expect(watch.reading().faults).toEqual([]);

    obs.setSceneContent(obs.state.program, 'black');
    await waitUntil(() => check('picture')?.status === 'failed', 15_000, 'the black program to fail picture');
    expect(watch.reading().faults).toContain('black');
    expect(check('picture')!.detail).toMatch(/black/);
    obs.setSceneContent(obs.state.program, 'normal');
    await waitUntil(() => check('picture')?.status === 'ok', 15_000, 'picture to clear');

    for (const input of obs.state.audio) obs.setAudioLevel(input.inputName, 'silent');
    await waitUntil(() => check('sound')?.status === 'failed', 10_000, 'the silent program to fail sound');
    expect(watch.reading().faults).toContain('silent');
    for (const input of obs.state.audio) obs.setAudioLevel(input.inputName, 'normal');
    await waitUntil(() => check('sound')?.status === 'ok', 10_000, 'sound to clear');
    expect(watch.reading().faults).toEqual([]);
  });
  it('a frozen program fails picture (frozen); a lost OBS session is no signal, and the reconnect clears it', async () => {
    const { obs, driver, watch } = await watchedProgram();
    const check = (name: string) => watch.reading().checks.find((c) => c.name === name);
    await waitUntil(() => check('picture')?.status === 'ok', 15_000, 'picture ok at first');

    obs.setFault('program-frozen');
    await waitUntil(() => watch.reading().faults.includes('frozen'), 15_000, 'the frozen program to count');
    expect(check('picture')!.status).toBe('failed');
    obs.setFault('none');
    await waitUntil(() => check('picture')?.status === 'ok', 15_000, 'picture to clear after the freeze');

    obs.setFault('disconnect'); // OBS gone: no screenshots, no meters
    await waitUntil(() => watch.reading().faults.includes('no-signal'), 15_000, 'no signal while the session is lost');
    obs.setFault('none');
    await driver.connect(AbortSignal.timeout(2_000)); // what the device runner does
    await waitUntil(() => check('picture')?.status === 'ok', 15_000, 'picture to clear after the reconnect');
  });
});
