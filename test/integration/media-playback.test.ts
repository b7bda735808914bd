/**
 * What viewers get: a playback device's media watch against the HLS platform simulator on loopback
 * (Debian's ffmpeg muxing 1 s segments with program date-times). The watch polls the playlist beside
 * ffmpeg's decoding: a stalled playlist fails `playback` (stalled), held-back segments degrade it
 * (behind), and the end-to-end delay is measured from the newest segment's program date-time.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { createMediaWatch } from '../../agent/media/media-watch.ts';
import type { MediaWatchConfig } from '../../protocols/media.ts';
import { MEDIA_METRICS } from '../../protocols/media.ts';
import { MediaSourceSimulator } from '../../simulators/media-source.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { cleanupAfterEach, recordingLogger, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
/** Any wait for something the stream shows: start-up, a poll, a loaded machine. */
const SEE_MS = 25_000;
const STALLED_FOR_MS = 3_000;
const BEHIND_MS = 3_500;

const config = (url: string): MediaWatchConfig => ({
  source: { url },
  role: 'playback',
  // The picture's frame age tells the test when ffmpeg decodes (its start on HLS takes seconds).
  picture: {} as never, // its defaults, filled by the watch (withDefaults)
  // Shorter than the defaults so the test is short; the rules are the same.
  playback: { stalledForMs: STALLED_FOR_MS, behindMs: BEHIND_MS },
  analysis: { width: 160, height: 90, fps: 5, keyframesOnly: false, ffmpegPath: 'ffmpeg' },
});

describe.runIf(hasFfmpeg())('playback watch over HLS (needs ffmpeg)', () => {
  it('measures the delay; a stalled playlist fails playback and clears on resume; held-back segments are behind', async () => {
    const source = new MediaSourceSimulator({ transport: { kind: 'hls' } });
    cleanup.defer(() => source.stop());
    await source.start();
    const platform = source.platform!;
    const { log } = recordingLogger();
    const watch = createMediaWatch({
      deviceId: 'platform-1',
      config: config(source.url),
      feed: { kind: 'url', url: source.url },
      clock: systemClock,
      log,
    });
    cleanup.defer(() => watch.stop());
    watch.start();
    const playback = () => watch.reading().checks.find((c) => c.name === 'playback')!;
    const delay = () => watch.reading().metrics[MEDIA_METRICS.playbackDelayMs];

    const frameAge = () => watch.reading().metrics[MEDIA_METRICS.frameAgeMs] as number;
    let lastAge = frameAge();
    await waitUntil(() => frameAge() < lastAge || void (lastAge = frameAge()), SEE_MS, 'a decoded frame');
    await waitUntil(() => playback().status === 'ok' && typeof delay() === 'number', SEE_MS, 'playback ok with a measured delay');
    const normalDelay = delay() as number;
    expect(normalDelay).toBeGreaterThan(-1_000); // the muxer stamps wall-clock time: never much ahead of now
    expect(normalDelay).toBeLessThan(BEHIND_MS);

    const before = platform.playlistRequests;
    await platform.stall();
    const stalled = await waitUntil(() => (playback().status === 'failed' ? playback() : undefined), SEE_MS, 'playback stalled');
    expect(stalled.detail).toMatch(/stalled for \d+\.\d s/);
    expect(watch.reading().faults).toContain('stalled');
    expect(platform.playlistRequests).toBeGreaterThan(before); // the playlist itself was asked, and answered 200

    platform.resume();
    await waitUntil(() => playback().status === 'ok', SEE_MS, 'playback ok again after resume');

    platform.setBehind(7_000);
    const behind = await waitUntil(() => (playback().status === 'degraded' ? playback() : undefined), SEE_MS, 'playback behind');
    expect(behind.detail).toMatch(/behind by \d+\.\d s/);
    // Behind is the fault; the decoder had read past the segments now held back, so it gets nothing new
    // for up to the hold and may say no signal too (first seen on a loaded machine, 2026-12-07).
    expect(watch.reading().faults).toContain('behind');
    expect(watch.reading().faults.filter((f) => f !== 'behind' && f !== 'no-signal')).toEqual([]);
    expect(delay()).toBeGreaterThan(BEHIND_MS);
  });
});
