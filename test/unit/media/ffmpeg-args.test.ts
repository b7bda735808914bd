import { describe, expect, it } from 'vitest';
import { ffmpegArgs, networkOptions, withQuery } from '../../../agent/media/ffmpeg-args.ts';
import { withDefaults } from '../../../agent/media/config-defaults.ts';
import type { MediaFeed } from '../../../agent/media/types.ts';
import type { MediaWatchConfig } from '../../../protocols/media.ts';

const config = (parts: Partial<MediaWatchConfig> = {}): MediaWatchConfig =>
  withDefaults({ source: { url: 'x' }, role: 'source', picture: {} as never, sound: {} as never, analysis: {} as never, ...parts });
const url = (u: string): MediaFeed => ({ kind: 'url', url: u });
const images: MediaFeed = { kind: 'images', format: 'png', subscribe: () => () => undefined };

const COMMON = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1', '-stats_period', '0.5'];
const LOW_LATENCY = ['-fflags', 'nobuffer', '-probesize', '500000', '-analyzeduration', '500000'];
const VIDEO =
  'fps=10,scale=320:180,blackdetect=d=2:pic_th=0.98:pix_th=0.1,freezedetect=n=-60dB:d=0.5,' +
  "metadata=mode=add:key=onair.frame:value=1,metadata=mode=print:direct=1:file='pipe\\:3'";
const AUDIO =
  'ebur128=metadata=1,silencedetect=n=-60dB:d=0.5,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=Peak_level,' +
  "ametadata=mode=print:direct=1:file='pipe\\:4'";

describe('ffmpeg argv for a watched feed', () => {
  it('a UDP MPEG-TS feed with the default picture and sound checks: the whole command line', () => {
    expect(ffmpegArgs(url('udp://127.0.0.1:9003'), config())).toEqual([
      ...COMMON,
      ...LOW_LATENCY,
      '-threads',
      '1',
      '-i',
      'udp://127.0.0.1:9003?timeout=2000000&overrun_nonfatal=1',
      '-map',
      '0:v:0?',
      '-filter:v',
      VIDEO,
      '-map',
      '0:a:0?',
      '-filter:a',
      AUDIO,
      '-f',
      'null',
      '-',
    ]);
  });

  it('puts the config’s thresholds and analysis size into the filters; freeze and silence are told after 0.5 s, the watch counts their durations', () => {
    const args = ffmpegArgs(
      url('srt://10.0.0.5:9000'),
      config({
        picture: { blackForMs: 1_500, blackPixelThreshold: 0.08, blackPictureRatio: 0.9, frozenForMs: 4_000, freezeNoiseDb: -50 } as never,
        sound: { silenceBelowDb: -50, silentForMs: 5_000 } as never,
        analysis: { width: 160, height: 90, fps: 2 } as never,
      }),
    );
    expect(args[args.indexOf('-filter:v') + 1]).toBe(
      "fps=2,scale=160:90,blackdetect=d=1.5:pic_th=0.9:pix_th=0.08,freezedetect=n=-50dB:d=0.5,metadata=mode=add:key=onair.frame:value=1,metadata=mode=print:direct=1:file='pipe\\:3'",
    );
    expect(args[args.indexOf('-filter:a') + 1]).toMatch(/^ebur128=metadata=1,silencedetect=n=-50dB:d=0.5,/);
    const short = ffmpegArgs(url('srt://10.0.0.5:9000'), config({ picture: { frozenForMs: 300 } as never, analysis: {} as never }));
    expect(short[short.indexOf('-filter:v') + 1]).toContain('freezedetect=n=-60dB:d=0.3,');
  });

  it.each([
    ['rtsp://cam/stream1', ['-rtsp_transport', 'tcp', '-timeout', '2000000'], 'rtsp://cam/stream1'],
    ['udp://239.1.1.1:5000?pkt_size=1316', [], 'udp://239.1.1.1:5000?pkt_size=1316&timeout=2000000&overrun_nonfatal=1'],
    ['srt://127.0.0.1:9001', [], 'srt://127.0.0.1:9001?mode=caller&timeout=2000000'],
    ['srt://127.0.0.1:9001?mode=listener', [], 'srt://127.0.0.1:9001?mode=listener&timeout=2000000'],
    ['rtmp://127.0.0.1/live/x', ['-rw_timeout', '2000000'], 'rtmp://127.0.0.1/live/x'],
    ['http://127.0.0.1:8080/live.m3u8', ['-rw_timeout', '2000000'], 'http://127.0.0.1:8080/live.m3u8'],
    ['/var/media/test.ts', [], '/var/media/test.ts'],
  ])('%s: its read timeout and transport', (input, options, out) => {
    expect(networkOptions(input, 2_000_000)).toEqual({ options, url: out });
  });

  it('a longer no-signal duration gives the input as long a read timeout', () => {
    const args = ffmpegArgs(url('rtsp://cam/s'), config({ picture: { noSignalForMs: 8_000 } as never }));
    expect(args.slice(args.indexOf('-timeout'), args.indexOf('-timeout') + 2)).toEqual(['-timeout', '8000000']);
  });

  it('keyframes only: -skip_frame for video before the input, and no fps filter to repeat them into a "freeze"', () => {
    const args = ffmpegArgs(url('rtsp://cam/s'), config({ analysis: { keyframesOnly: true } as never }));
    expect(args.indexOf('-skip_frame:v')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-skip_frame:v') + 1]).toBe('nokey');
    expect(args[args.indexOf('-filter:v') + 1]).toMatch(/^scale=320:180,blackdetect/);
  });

  it('pictures from a driver: image2pipe on stdin, stamped on arrival, no audio, no fps filter', () => {
    const args = ffmpegArgs(images, config());
    expect(args.slice(COMMON.length)).toEqual([
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-threads',
      '1',
      '-use_wallclock_as_timestamps',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      '-i',
      'pipe:0',
      '-map',
      '0:v:0?',
      '-filter:v',
      VIDEO.replace('fps=10,', ''),
      '-an',
      '-f',
      'null',
      '-',
    ]);
    expect(ffmpegArgs({ ...images, format: 'jpeg' }, config())).toContain('mjpeg');
  });

  it('sound only: no video decoded; picture only: no audio; playback only: video decoded for arrival, no detectors', () => {
    const sound = ffmpegArgs(
      url('udp://h:1'),
      withDefaults({ source: { url: 'x' }, role: 'source', sound: {} as never, analysis: {} as never }),
    );
    expect(sound).toContain('-vn');
    expect(sound).not.toContain('-filter:v');
    expect(sound[sound.indexOf('-filter:a') + 1]).toBe(AUDIO);
    const picture = ffmpegArgs(
      url('udp://h:1'),
      withDefaults({ source: { url: 'x' }, role: 'source', picture: {} as never, analysis: {} as never }),
    );
    expect(picture).toContain('-an');
    expect(picture).not.toContain('-filter:a');
    const playback = ffmpegArgs(
      url('http://h/p.m3u8'),
      withDefaults({ source: { url: 'x' }, role: 'playback', playback: {} as never, analysis: {} as never }),
    );
    expect(playback[playback.indexOf('-filter:v') + 1]).toBe('fps=10,scale=320:180');
    expect(playback).toContain('-an');
  });

  it('adds a query parameter only when the URL does not set it', () => {
    expect(withQuery('srt://h:1?mode=listener&latency=20000', { mode: 'caller', timeout: '5' })).toBe(
      'srt://h:1?mode=listener&latency=20000&timeout=5',
    );
  });
});
