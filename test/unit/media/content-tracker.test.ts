import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { ContentTracker } from '../../../agent/media/content-tracker.ts';
import type { MediaEvent } from '../../../agent/media/ffmpeg-output.ts';
import type { MediaWatchConfig } from '../../../protocols/media.ts';

const analysis = { width: 320, height: 180, fps: 10, keyframesOnly: false, ffmpegPath: 'ffmpeg' };
const config = (parts: Partial<MediaWatchConfig>): MediaWatchConfig => ({
  source: { url: 'udp://127.0.0.1:9' },
  role: 'source',
  analysis,
  ...parts,
});

/** A tracker fed as a live feed feeds it: a progress block and an audio frame every 100 ms. */
function rig(parts: Partial<MediaWatchConfig> = { picture: {} as never, sound: {} as never }) {
  const clock = new ManualClock(1_000_000);
  const tracker = new ContentTracker(config(parts), clock);
  let frame = 0;
  let audio = true;
  let video = true;
  const feed = (e: MediaEvent) => tracker.observe(e);
  const live = (ms: number, each?: () => void) => {
    for (let left = ms; left > 0; left -= Math.min(100, left)) {
      clock.advance(Math.min(100, left));
      if (video) feed({ kind: 'progress', frame: ++frame, outTimeUs: frame * 100_000, ended: false });
      if (audio) feed({ kind: 'frame', medium: 'audio', time: frame / 10 });
      each?.();
    }
  };
  const check = (name: string) => tracker.reading().checks.find((c) => c.name === name);
  return {
    clock,
    tracker,
    feed,
    live,
    check,
    /** The stream time of the latest frame fed (seconds). */
    streamTime: () => frame / 10,
    silenceAudio: () => void (audio = false),
    stopVideo: () => void (video = false),
    resumeVideo: () => void (video = true),
  };
}

const start = (detector: 'black' | 'freeze' | 'silence', since = 0, seenAt = since): MediaEvent => ({
  kind: 'detect',
  detector,
  edge: 'start',
  since,
  seenAt,
});
const end = (detector: 'black' | 'freeze' | 'silence', at = 10): MediaEvent => ({
  kind: 'detect',
  detector,
  edge: 'end',
  since: at,
  seenAt: at,
});

describe('content tracker: a fault counts once it has lasted its duration, exactly included', () => {
  it.each([
    // detector, check, fault, duration (defaults of protocols/media.ts), status once it counts
    ['black', 'picture', 'black', 2_000, 'failed'],
    ['freeze', 'picture', 'frozen', 2_000, 'failed'],
    ['silence', 'sound', 'silent', 3_000, 'failed'],
  ] as const)('%s: the %s check says %s from exactly %i ms on (%s), ok 1 ms before', (detector, name, fault, forMs, status) => {
    const r = rig();
    r.live(500);
    r.feed(start(detector, r.streamTime()));
    r.live(forMs - 1);
    expect(r.check(name)).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${fault} for`) as unknown });
    expect(r.tracker.reading().faults).toEqual([]);
    r.live(1);
    expect(r.check(name)).toEqual({ name, status, latencyMs: 0, detail: `${fault} for ${(forMs / 1000).toFixed(1)} s` });
    expect(r.tracker.reading().faults).toEqual([fault]);
    r.feed(end(detector));
    expect(r.check(name)).toEqual({ name, status: 'ok', latencyMs: 0 });
    expect(r.tracker.reading().faults).toEqual([]);
  });

  it('dates a fault back by the stream time between its start and the frame that told (freezedetect tells at start + d)', () => {
    const r = rig();
    r.live(3_000);
    r.feed(start('freeze', 3, 4.9)); // began 1.9 s before this frame
    expect(r.check('picture')?.status).toBe('ok');
    r.live(100);
    expect(r.check('picture')).toMatchObject({ status: 'failed', detail: 'frozen for 2.0 s' });
  });

  it('dates a fault from the stream time when the frame that told came late (a busy moment, audio packed in bursts)', () => {
    const r = rig();
    r.live(2_000); // frames on time: stream 2.0 s arrives at wall +2,000 ms
    r.clock.advance(500); // the analyser was held up: the first black frame (stream 2.1 s, due at +2,100) arrives at +2,500
    r.feed({ kind: 'frame', medium: 'video', time: 2.1 });
    r.feed(start('black', 2.1));
    r.live(1_599);
    expect(r.check('picture')?.status).toBe('ok');
    r.live(1); // +4,100: 2 s after the black began, not after it was told
    expect(r.check('picture')).toMatchObject({ status: 'failed', detail: 'black for 2.0 s' });
  });

  it('never dates a fault more than 1 s before the frame that told arrived', () => {
    const r = rig();
    r.live(2_000);
    r.clock.advance(1_700); // 1,600 ms late
    r.feed({ kind: 'frame', medium: 'video', time: 2.1 });
    r.feed(start('black', 2.1));
    r.live(999);
    expect(r.check('picture')?.status).toBe('ok');
    r.live(1);
    expect(r.check('picture')?.status).toBe('failed');
  });

  it("starts the stream clock again when the stream's timestamps jump (its encoder restarted)", () => {
    const r = rig();
    r.live(10_000); // stream 10.0 s at wall +10,000
    r.feed({ kind: 'frame', medium: 'video', time: 0 }); // a restarted encoder counts from 0: not 10 s of lateness
    r.clock.advance(100);
    r.feed({ kind: 'frame', medium: 'video', time: 0.1 });
    r.feed(start('black', 0.1));
    r.clock.advance(1_999);
    r.feed({ kind: 'progress', frame: 1_000, outTimeUs: 1, ended: false });
    expect(r.check('picture')?.status).toBe('ok'); // dated from the new timeline, not 500 ms early by the old one
    r.clock.advance(1);
    expect(r.check('picture')?.status).toBe('failed');
  });

  it('starts the stream clock again when a medium steps back in time, however little (a restarted encoder)', () => {
    const r = rig();
    r.live(3_000); // stream 3.0 s at wall +3,000
    r.feed({ kind: 'frame', medium: 'video', time: 2.9 });
    r.clock.advance(100);
    r.feed({ kind: 'frame', medium: 'video', time: 1 }); // 2 s back: within the jump bound, still a new timeline
    r.clock.advance(100);
    r.feed({ kind: 'frame', medium: 'video', time: 1.1 });
    r.feed(start('black', 1.1));
    r.clock.advance(1_999);
    r.feed({ kind: 'progress', frame: 1_000, outTimeUs: 1, ended: false });
    expect(r.check('picture')?.status).toBe('ok'); // by the old timeline it would have begun 1 s earlier
    r.clock.advance(1);
    expect(r.check('picture')?.status).toBe('failed');
  });

  it("an analysed picture's own frame keeps the signal alive between progress blocks", () => {
    const r = rig();
    r.live(1_000);
    r.stopVideo(); // no progress blocks from here on
    for (let i = 0; i < 30; i += 1) {
      r.clock.advance(100);
      r.feed({ kind: 'frame', medium: 'video', time: 1 + i / 10 });
    }
    expect(r.check('picture')?.status).toBe('ok');
    r.clock.advance(2_000);
    expect(r.check('picture')).toMatchObject({ status: 'failed', detail: 'no signal for 2.0 s' });
  });

  it('keeps the first start of a fault when a detector repeats it', () => {
    const r = rig();
    r.feed(start('black'));
    r.live(1_500);
    r.feed(start('black'));
    r.live(500);
    expect(r.check('picture')?.status).toBe('failed');
  });

  it.each([
    // peak dBFS of every window, clipping?
    [-0.1, true],
    [0.000265, true],
    [-0.11, false],
  ])('clipping: windows peaking at %f dBFS for 1 s → %s (degraded: quality, not lost)', (dbfs, clips) => {
    const r = rig();
    r.feed({ kind: 'peak', measure: 'window', dbfs });
    r.live(999, () => r.feed({ kind: 'peak', measure: 'window', dbfs }));
    expect(r.check('sound')?.status).toBe('ok');
    r.live(1, () => r.feed({ kind: 'peak', measure: 'window', dbfs }));
    expect(r.check('sound')).toMatchObject({ status: clips ? 'degraded' : 'ok' });
    expect(r.tracker.reading().faults).toEqual(clips ? ['clipping'] : []);
    r.live(100, () => r.feed({ kind: 'peak', measure: 'window', dbfs: -6 }));
    expect(r.check('sound')?.status).toBe('ok');
  });

  it.each([
    // short-term LUFS against −23 ± 3 for 10 s
    [-19.9, 'too-loud'],
    [-20, undefined],
    [-26, undefined],
    [-26.1, 'too-quiet'],
  ] as const)('loudness: short-term %f LUFS for 10 s → %s', (lufs, fault) => {
    const r = rig({ sound: { loudness: { targetLufs: -23, toleranceLu: 3, forMs: 10_000 } } as never });
    const s = (): void => r.feed({ kind: 'loudness', measure: 'short-term', lufs });
    s();
    r.live(9_999, s);
    expect(r.tracker.reading().faults).toEqual([]);
    r.live(1, s);
    expect(r.tracker.reading().faults).toEqual(fault ? [fault] : []);
    expect(r.check('sound')?.status).toBe(fault ? 'degraded' : 'ok');
    expect(r.tracker.reading().metrics.shortTermLufs).toBe(lufs);
  });

  it('loudness without a target in the config is measured, never a fault', () => {
    const r = rig();
    r.live(20_000, () => r.feed({ kind: 'loudness', measure: 'short-term', lufs: -5 }));
    expect(r.tracker.reading().faults).toEqual([]);
  });
});

describe('content tracker: no signal', () => {
  it('no decoded frame for its duration fails the picture, and the sound with it; frames again clear both', () => {
    const r = rig();
    r.live(1_000);
    r.stopVideo();
    r.silenceAudio();
    r.clock.advance(1_999);
    expect(r.check('picture')?.status).toBe('ok');
    r.clock.advance(1);
    expect(r.check('picture')).toEqual({ name: 'picture', status: 'failed', latencyMs: 0, detail: 'no signal for 2.0 s' });
    expect(r.check('sound')).toMatchObject({ status: 'failed', detail: 'no signal for 2.0 s' });
    expect(r.tracker.reading().faults).toEqual(['no-signal']);
    expect(r.tracker.reading().metrics.frameAgeMs).toBe(2_000);
    r.resumeVideo();
    r.live(100);
    expect(r.check('picture')?.status).toBe('ok');
  });

  it('no frame at all since the watch began counts from its start', () => {
    const r = rig();
    r.clock.advance(2_000);
    expect(r.tracker.reading().faults).toEqual(['no-signal']);
  });

  it('a black or frozen picture is stale once the signal is gone: no signal names it', () => {
    const r = rig();
    r.feed(start('black'));
    r.stopVideo();
    r.clock.advance(5_000);
    expect(r.check('picture')?.detail).toBe('no signal for 5.0 s');
  });

  it('a picture flowing without any audio frame is silent ("no sound") after the silence duration', () => {
    const r = rig();
    r.silenceAudio();
    r.live(2_999);
    expect(r.check('sound')).toEqual({ name: 'sound', status: 'ok', latencyMs: 0 });
    r.live(1);
    expect(r.check('sound')).toMatchObject({ status: 'failed', detail: 'no sound for 3.0 s' });
    expect(r.tracker.reading().faults).toEqual(['silent']);
  });
});

describe('content tracker: what is allowed and what is said once', () => {
  it.each([
    // what the watch allows, the detector that tells the fault, the check, how long, the detail's words
    ['mayBeDark: a dark picture', { picture: { mayBeDark: true } }, 'black', 'picture', 5_000, 'dark for 5.0 s'],
    [
      'mayBeStill: a still picture (slides, a caption card)',
      { picture: { mayBeStill: true } },
      'freeze',
      'picture',
      5_000,
      'still for 5.0 s',
    ],
    ['maySilence: a planned silence', { sound: { maySilence: true } }, 'silence', 'sound', 4_000, 'silent for 4.0 s'],
  ] as const)('%s is reported in the detail, status ok, no fault', (_, allows, detector, name, forMs, words) => {
    const r = rig(allows as never);
    r.feed(start(detector));
    r.live(forMs);
    expect(r.check(name)).toEqual({ name, status: 'ok', latencyMs: 0, detail: `${words} (allowed here)` });
    expect(r.tracker.reading().faults).toEqual([]);
  });

  it('a black picture is also a still one: black alone is named', () => {
    const r = rig();
    r.feed(start('black'));
    r.live(2_000);
    r.feed(start('freeze', 0, 2));
    r.live(100);
    expect(r.tracker.reading().faults).toEqual(['black']);
    expect(r.check('picture')?.detail).toBe('black for 2.1 s');
  });

  it('a silence counting is not also "too quiet"', () => {
    const r = rig({ sound: { loudness: { targetLufs: -23, toleranceLu: 3, forMs: 1_000 } } as never });
    r.feed(start('silence'));
    r.live(3_000, () => r.feed({ kind: 'loudness', measure: 'short-term', lufs: -60 }));
    expect(r.tracker.reading().faults).toEqual(['silent']);
  });

  it('a new ffmpeg forgets what the last one detected, not how long the picture has been gone', () => {
    const r = rig();
    r.feed(start('black'));
    r.live(3_000);
    r.tracker.analyserRestarted();
    expect(r.tracker.reading().faults).toEqual([]);
  });
});

describe('content tracker: levels measured elsewhere (OBS InputVolumeMeters)', () => {
  it.each([
    // peak, magnitude, for ms, fault
    [-70, -80, 3_000, 'silent'],
    [-59.9, -70, 3_000, undefined],
    [0, -3, 1_000, 'clipping'],
    [-0.1, -3, 1_000, 'clipping'],
    [-1, -3, 1_000, undefined],
  ] as const)('peak %f dBFS, magnitude %f for %i ms → %s', (peak, magnitude, forMs, fault) => {
    const r = rig({ sound: {} as never });
    r.silenceAudio();
    r.tracker.noteLevels(peak, magnitude);
    r.live(forMs - 1, () => r.tracker.noteLevels(peak, magnitude));
    expect(r.tracker.reading().faults).toEqual([]);
    r.live(1, () => r.tracker.noteLevels(peak, magnitude));
    expect(r.tracker.reading().faults).toEqual(fault ? [fault] : []);
    expect(r.tracker.reading().metrics.peakDbfs).toBe(peak);
  });
});

describe('content tracker: playback', () => {
  it('stalled once no data came for its duration; behind once the measured delay passes its limit', () => {
    const r = rig({ playback: { behindMs: 4_000 } as never });
    r.live(1_000);
    r.stopVideo();
    r.silenceAudio();
    r.clock.advance(9_999);
    expect(r.check('playback')).toEqual({ name: 'playback', status: 'ok', latencyMs: 0 });
    r.clock.advance(1);
    expect(r.check('playback')).toEqual({ name: 'playback', status: 'failed', latencyMs: 0, detail: 'stalled for 10.0 s' });
    r.resumeVideo();
    r.live(100);
    r.tracker.notePlaybackDelay(4_000);
    expect(r.tracker.reading().faults).toEqual([]);
    r.tracker.notePlaybackDelay(4_001);
    expect(r.check('playback')).toEqual({ name: 'playback', status: 'degraded', latencyMs: 0, detail: 'behind by 4.0 s' });
    expect(r.tracker.reading().metrics.playbackDelayMs).toBe(4_001);
  });
});

describe('content tracker: the reading', () => {
  it('has one check per configured aspect, in the order picture, sound, playback', () => {
    expect(
      rig({ playback: {} as never, picture: {} as never })
        .tracker.reading()
        .checks.map((c) => c.name),
    ).toEqual(['picture', 'playback']);
    expect(
      rig({ sound: {} as never })
        .tracker.reading()
        .checks.map((c) => c.name),
    ).toEqual(['sound']);
  });

  it('ffmpeg missing: every check fails with the words that say so, until a new ffmpeg runs', () => {
    const r = rig();
    r.tracker.analyserUnavailable('ffmpeg not found at /nonexistent/ffmpeg');
    expect(r.tracker.reading().checks).toEqual([
      { name: 'picture', status: 'failed', latencyMs: 0, detail: 'ffmpeg not found at /nonexistent/ffmpeg' },
      { name: 'sound', status: 'failed', latencyMs: 0, detail: 'ffmpeg not found at /nonexistent/ffmpeg' },
    ]);
    r.tracker.analyserRestarted();
    r.live(100);
    expect(r.check('picture')?.status).toBe('ok');
  });

  it('carries the media metrics', () => {
    const r = rig();
    r.live(300, () => {
      r.feed({ kind: 'peak', measure: 'window', dbfs: -18.063656 });
      r.feed({ kind: 'loudness', measure: 'short-term', lufs: -21.04 });
    });
    r.feed(start('black'));
    r.live(2_000);
    expect(r.tracker.reading().metrics).toEqual({ contentFaults: 'black', frameAgeMs: 0, shortTermLufs: -21, peakDbfs: -18.1 });
  });
});
