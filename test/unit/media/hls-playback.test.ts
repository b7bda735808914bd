import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { ContentTracker } from '../../../agent/media/content-tracker.ts';
import {
  HlsPlaybackPoller,
  endToEndDelayMs,
  parseHlsPlaylist,
  playlistAdvanced,
  type PlaybackSink,
} from '../../../agent/media/hls-playback.ts';
import { MEDIA_METRICS } from '../../../protocols/media.ts';

/** RFC 8216 §8.1, a simple media playlist (VOD). */
const RFC_SIMPLE = `#EXTM3U
#EXT-X-TARGETDURATION:10
#EXT-X-VERSION:3
#EXTINF:9.009,
http://media.example.com/first.ts
#EXTINF:9.009,
http://media.example.com/second.ts
#EXTINF:3.003,
http://media.example.com/third.ts
#EXT-X-ENDLIST
`;

/** RFC 8216 §8.3, a live media playlist, and the same one a segment later. */
const RFC_LIVE = (first: number) => `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:8
#EXT-X-MEDIA-SEQUENCE:${first}

#EXTINF:7.975,
https://priv.example.com/fileSequence${first}.ts
#EXTINF:7.941,
https://priv.example.com/fileSequence${first + 1}.ts
#EXTINF:7.975,
https://priv.example.com/fileSequence${first + 2}.ts
`;

/** RFC 8216 §8.4, a master playlist. */
const RFC_MASTER = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=1280000,AVERAGE-BANDWIDTH=1000000
http://example.com/low.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2560000,AVERAGE-BANDWIDTH=2000000
http://example.com/mid.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=65000,CODECS="mp4a.40.5"
http://example.com/audio-only.m3u8
`;

/** What the simulator's ffmpeg hls muxer writes (program_date_time, 1 s segments), the zone as +0000. */
const SIMULATOR = (first: number, stamp = '2026-12-07T02:30:00.000+0000') => `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:${first}
#EXT-X-PROGRAM-DATE-TIME:${stamp}
#EXTINF:1.000000,
seg-${first}.ts
#EXTINF:1.000000,
seg-${first + 1}.ts
#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:30:02.000+0000
#EXTINF:0.960000,
seg-${first + 2}.ts
`;
const STAMP_MS = Date.parse('2026-12-07T02:30:00.000Z');

const media = (text: string) => {
  const p = parseHlsPlaylist(text);
  if (p.kind !== 'media') throw new Error('expected a media playlist');
  return p;
};

describe('parseHlsPlaylist', () => {
  it("reads RFC 8216's simple playlist: target duration, durations, sequence from 0, the end", () => {
    const p = media(RFC_SIMPLE);
    expect(p.targetDurationMs).toBe(10_000);
    expect(p.mediaSequence).toBe(0);
    expect(p.ended).toBe(true);
    expect(p.segments.map((s) => [s.sequence, s.durationMs])).toEqual([
      [0, 9009],
      [1, 9009],
      [2, 3003],
    ]);
    expect(p.segments[0]!.programMs).toBeUndefined();
  });

  it("reads RFC 8216's live playlist: sequence numbers from EXT-X-MEDIA-SEQUENCE, not ended", () => {
    const p = media(RFC_LIVE(2680));
    expect(p.ended).toBe(false);
    expect(p.segments.map((s) => s.sequence)).toEqual([2680, 2681, 2682]);
    expect(p.segments[2]!.uri).toBe('https://priv.example.com/fileSequence2682.ts');
  });

  it("takes a master playlist's variants in order", () => {
    expect(parseHlsPlaylist(RFC_MASTER)).toEqual({
      kind: 'master',
      variants: ['http://example.com/low.m3u8', 'http://example.com/mid.m3u8', 'http://example.com/audio-only.m3u8'],
    });
  });

  it("dates the simulator's segments: stamped ones by their own tag (+0000 read as UTC), the others on from the one before", () => {
    const p = media(SIMULATOR(40));
    expect(p.segments.map((s) => s.programMs! - STAMP_MS)).toEqual([0, 1000, 2000]);
    expect(p.segments[2]!.durationMs).toBe(960);
  });

  it('reads an RFC 8216 offset date-time (+08:00)', () => {
    const p = media('#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2010-02-19T14:54:23.031+08:00\n#EXTINF:2,\na.ts\n');
    expect(p.segments[0]!.programMs).toBe(Date.parse('2010-02-19T06:54:23.031Z'));
  });
});

describe('two polls and the clock', () => {
  it('the playlist advanced when its newest segment is newer: media sequence or count grew', () => {
    expect(playlistAdvanced(undefined, media(RFC_LIVE(2680)))).toBe(true);
    expect(playlistAdvanced(media(RFC_LIVE(2680)), media(RFC_LIVE(2680)))).toBe(false);
    expect(playlistAdvanced(media(RFC_LIVE(2680)), media(RFC_LIVE(2681)))).toBe(true);
    const grown = media(`${RFC_LIVE(2680)}#EXTINF:8,\nhttps://priv.example.com/fileSequence2683.ts\n`);
    expect(playlistAdvanced(media(RFC_LIVE(2680)), grown)).toBe(true);
    expect(playlistAdvanced(undefined, media('#EXTM3U\n#EXT-X-TARGETDURATION:2\n'))).toBe(false);
  });

  it('the delay is now less the newest segment’s end (its program time plus its duration); none without a program time', () => {
    expect(endToEndDelayMs(media(SIMULATOR(40)), STAMP_MS + 2960 + 4_500)).toBe(4_500);
    expect(endToEndDelayMs(media(RFC_LIVE(2680)), STAMP_MS)).toBeUndefined();
  });
});

/** A platform answering from a script: playlist texts by URL, segments after `segmentMs` of the clock. */
function platform(clock: ManualClock) {
  const playlists = new Map<string, string>();
  let segmentMs = 0;
  let failing = false;
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    if (failing) throw new Error('connection refused');
    if (url.endsWith('.ts')) {
      clock.advance(segmentMs);
      return new Response(new Uint8Array(188));
    }
    const text = playlists.get(url);
    return text === undefined ? new Response('not here', { status: 404 }) : new Response(text);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    serve: (url: string, text: string) => void playlists.set(url, text),
    segmentsTake: (ms: number) => void (segmentMs = ms),
    fail: (on: boolean) => void (failing = on),
  };
}

const URL_ = 'http://127.0.0.1:9/live.m3u8';
const config = {
  source: { url: URL_ },
  role: 'playback' as const,
  analysis: {} as never,
  playback: { stalledForMs: 3_000, behindMs: 5_000 },
};

function rig() {
  const clock = new ManualClock(STAMP_MS);
  const tracker = new ContentTracker(config, clock);
  const site = platform(clock);
  const poller = new HlsPlaybackPoller({ url: URL_, clock, fetch: site.fetch, sink: tracker, log: silentLogger() });
  const playback = () => tracker.reading().checks.find((c) => c.name === 'playback')!;
  return { clock, tracker, site, poller, playback };
}

describe('HlsPlaybackPoller', () => {
  it('feeds the judge: a playlist still for stalledForMs is stalled (failed) while ffmpeg still decodes; advancing clears it', async () => {
    const { clock, tracker, site, poller, playback } = rig();
    site.serve(URL_, SIMULATOR(40));
    await poller.pollOnce();
    // ffmpeg keeps decoding what it already has: frames go on, the playlist does not.
    for (let i = 0; i < 4; i += 1) {
      clock.advance(1_000);
      tracker.observe({ kind: 'progress', frame: i + 1, outTimeUs: (i + 1) * 1e6, ended: false });
      await poller.pollOnce();
    }
    expect(playback()).toMatchObject({ status: 'failed', detail: 'playlist stalled for 4.0 s' });
    site.serve(URL_, SIMULATOR(41));
    await poller.pollOnce();
    expect(playback().status).not.toBe('failed');
  });

  it('measures the delay from the newest segment and says behind over behindMs', async () => {
    const { clock, tracker, site, poller, playback } = rig();
    site.serve(URL_, SIMULATOR(40));
    clock.set(STAMP_MS + 2960 + 1_200);
    await poller.pollOnce();
    tracker.observe({ kind: 'progress', frame: 1, outTimeUs: 1e6, ended: false });
    expect(tracker.reading().metrics[MEDIA_METRICS.playbackDelayMs]).toBe(1_200);
    expect(playback().status).toBe('ok');
    clock.set(STAMP_MS + 2960 + 6_000);
    site.serve(URL_, SIMULATOR(41));
    await poller.pollOnce();
    tracker.observe({ kind: 'progress', frame: 2, outTimeUs: 2e6, ended: false });
    expect(playback()).toMatchObject({ status: 'degraded', detail: 'behind by 6.0 s' });
  });

  it('says how late the newest segment arrived against its own duration', async () => {
    const { site, poller, tracker } = rig();
    site.serve(URL_, SIMULATOR(40));
    site.segmentsTake(1_500);
    await poller.pollOnce();
    expect(tracker.reading().metrics[MEDIA_METRICS.segmentLateMs]).toBe(540); // 0.96 s segment, 1.5 s to get
  });

  it('follows a master playlist to its first variant', async () => {
    const { site, poller, tracker } = rig();
    site.serve(URL_, '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=3000000\nhigh/index.m3u8\n');
    site.serve('http://127.0.0.1:9/low/index.m3u8', SIMULATOR(40));
    await poller.pollOnce();
    expect(tracker.reading().metrics[MEDIA_METRICS.playbackDelayMs]).toBeDefined();
  });

  it('never throws: a refused or failing request is a poll that did not advance', async () => {
    const { clock, site, poller, playback } = rig();
    await poller.pollOnce(); // 404
    site.fail(true);
    clock.advance(3_500);
    await expect(poller.pollOnce()).resolves.toBeUndefined();
    expect(playback().status).toBe('failed');
  });

  it('polls every target duration until stopped', async () => {
    const clock = new ManualClock(STAMP_MS);
    const site = platform(clock);
    site.serve(URL_, SIMULATOR(40));
    const notes: boolean[] = [];
    const sink: PlaybackSink = { notePlaylist: (a) => void notes.push(a), notePlaybackDelay: () => {}, noteSegmentLate: () => {} };
    const poller = new HlsPlaybackPoller({ url: URL_, clock, fetch: site.fetch, sink, log: silentLogger() });
    expect(poller.intervalMs).toBe(2_000); // before the playlist says
    poller.start();
    await poller.stop();
    expect(notes).toEqual([true]);
    expect(poller.intervalMs).toBe(1_000);
  });
});
