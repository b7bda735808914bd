import { describe, expect, it } from 'vitest';
import {
  LineSplitter,
  MetadataReader,
  ProgressReader,
  ffmpegNumber,
  linearToDb,
  parseLogLine,
  stripLogPrefix,
} from '../../../agent/media/ffmpeg-output.ts';

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);
const readAll = (reader: { line(l: string): unknown[] }, text: string): unknown[] => lines(text).flatMap((l) => reader.line(l));

describe('ffmpeg 5.1 frame metadata (metadata/ametadata mode=print): faults seen while they last', () => {
  it('blackdetect: lavfi.black_start on the first black frame, lavfi.black_end on the first one after (reference §1.2, log form)', () => {
    // /work/shared/reference/media-and-alerting.md §1.2, stderr of `…blackdetect=d=2…,metadata=mode=print` (0x… as printed there).
    const fixture = `[Parsed_metadata_2 @ 0x…] frame:30   pts:30      pts_time:3
[Parsed_metadata_2 @ 0x…] lavfi.black_start=3
[blackdetect @ 0x…] black_start:3 black_end:7.1 black_duration:4.1
[Parsed_metadata_2 @ 0x…] frame:71   pts:71      pts_time:7.1
[Parsed_metadata_2 @ 0x…] lavfi.black_end=7.1`;
    expect(readAll(new MetadataReader('video'), fixture)).toEqual([
      { kind: 'frame', medium: 'video', time: 3 },
      { kind: 'detect', detector: 'black', edge: 'start', since: 3, seenAt: 3 },
      { kind: 'frame', medium: 'video', time: 7.1 },
      { kind: 'detect', detector: 'black', edge: 'end', since: 7.1, seenAt: 7.1 },
    ]);
  });

  it('freezedetect: freeze_start comes on the frame where its d is reached, carrying when the freeze began (§1.3, file=- form)', () => {
    const fixture = `frame:50   pts:50      pts_time:5
lavfi.freezedetect.freeze_start=3
frame:71   pts:71      pts_time:7.1
lavfi.freezedetect.freeze_duration=4.1
lavfi.freezedetect.freeze_end=7.1`;
    expect(readAll(new MetadataReader('video'), fixture)).toEqual([
      { kind: 'frame', medium: 'video', time: 5 },
      { kind: 'detect', detector: 'freeze', edge: 'start', since: 3, seenAt: 5 },
      { kind: 'frame', medium: 'video', time: 7.1 },
      { kind: 'detect', detector: 'freeze', edge: 'end', since: 7.1, seenAt: 7.1 },
    ]);
  });

  it('silencedetect: lavfi.silence_start at start + d, and per channel with mono=1 (§1.4)', () => {
    const fixture = `frame:234  pts:239616  pts_time:4.992
lavfi.silence_start=3.008
frame:337  pts:344064  pts_time:7.168
lavfi.silence_end=7.01867
lavfi.silence_duration=4.01067
lavfi.silence_start.1=3.008`;
    expect(readAll(new MetadataReader('audio'), fixture)).toEqual([
      { kind: 'frame', medium: 'audio', time: 4.992 },
      { kind: 'detect', detector: 'silence', edge: 'start', since: 3.008, seenAt: 4.992 },
      { kind: 'frame', medium: 'audio', time: 7.168 },
      { kind: 'detect', detector: 'silence', edge: 'end', since: 7.01867, seenAt: 7.01867 },
      { kind: 'detect', detector: 'silence', edge: 'start', since: 3.008, seenAt: 7.168 },
    ]);
  });

  it('ebur128 metadata=1: M, S, I in LUFS (−120.7 and −70 are "no value yet"), peaks linear turned to dBFS (§1.5)', () => {
    const fixture = `frame:19   pts:91200   pts_time:1.9
lavfi.r128.M=-18.057
lavfi.r128.S=-120.691
lavfi.r128.I=-18.060
lavfi.r128.LRA=0.000
lavfi.r128.sample_peak=0.125
lavfi.r128.true_peak=0.125`;
    const events = readAll(new MetadataReader('audio'), fixture);
    expect(events.slice(0, 4)).toEqual([
      { kind: 'frame', medium: 'audio', time: 1.9 },
      { kind: 'loudness', measure: 'momentary', lufs: -18.057 },
      { kind: 'loudness', measure: 'short-term', lufs: undefined },
      { kind: 'loudness', measure: 'integrated', lufs: -18.06 },
    ]);
    expect(events).toHaveLength(5);
    expect(events[4]).toMatchObject({ kind: 'peak', measure: 'true' });
    expect((events[4] as { dbfs: number }).dbfs).toBeCloseTo(-18.06, 2);
    expect(readAll(new MetadataReader('audio'), 'lavfi.r128.I=-70.000')).toEqual([
      { kind: 'loudness', measure: 'integrated', lufs: undefined },
    ]);
  });

  it('astats metadata=1:reset=1: the peak of each window in dBFS; a clipped window reads at or above 0 (§1.6)', () => {
    const fixture = `frame:1    pts:24000   pts_time:0.5
lavfi.astats.Overall.Peak_level=-18.063656
lavfi.astats.Overall.RMS_level=-21.073762
frame:2    pts:48000   pts_time:1
lavfi.astats.Overall.Peak_level=0.000265`;
    expect(readAll(new MetadataReader('audio'), fixture).filter((e) => (e as { kind: string }).kind === 'peak')).toEqual([
      { kind: 'peak', measure: 'window', dbfs: -18.063656 },
      { kind: 'peak', measure: 'window', dbfs: 0.000265 },
    ]);
  });

  it('digital silence: -inf is a number, not a parse failure', () => {
    expect(readAll(new MetadataReader('audio'), 'lavfi.astats.Overall.Peak_level=-inf')).toEqual([
      { kind: 'peak', measure: 'window', dbfs: -Infinity },
    ]);
    expect(ffmpegNumber('inf')).toBe(Infinity);
    expect(ffmpegNumber('nan')).toBeNaN();
    expect(linearToDb(0)).toBe(-Infinity);
    expect(linearToDb(1)).toBe(0);
  });

  it('ignores what is not a detector, a loudness, a peak or a frame header', () => {
    expect(readAll(new MetadataReader('video'), 'lavfi.freezedetect.freeze_duration=4.1\nlavfi.black_start=abc\nhello=1')).toEqual([]);
  });

  it('strips the log prefix only', () => {
    expect(stripLogPrefix('[Parsed_metadata_2 @ 0x55d0c3a2b940] lavfi.black_start=3')).toBe('lavfi.black_start=3');
    expect(stripLogPrefix('lavfi.black_start=3')).toBe('lavfi.black_start=3');
  });
});

describe('ffmpeg 5.1 -progress blocks (§1.7)', () => {
  it('gives one event per block, at its progress= line, reading frame and out_time_us', () => {
    // §1.7's real block, then the final block of a run captured here (ffmpeg 5.1.9, 2026-12-07) on an
    // input without video under `-map 0:v:0? -map 0:a:0?`: no frame= key at all, and `speed= 166x`.
    const fixture = `frame=26
fps=25.78
stream_0_0_q=-0.0
bitrate=N/A
total_size=N/A
out_time_us=1040000
out_time_ms=1040000
out_time=00:00:01.040000
dup_frames=0
drop_frames=0
speed=1.03x
progress=continue
bitrate=N/A
total_size=N/A
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed= 166x
progress=end`;
    expect(readAll(new ProgressReader(), fixture)).toEqual([
      { kind: 'progress', frame: 26, outTimeUs: 1040000, ended: false },
      { kind: 'progress', frame: 0, outTimeUs: 2000000, ended: true },
    ]);
  });

  it('reads out_time_us=N/A (no output yet) as 0', () => {
    expect(readAll(new ProgressReader(), 'frame=0\nout_time_us=N/A\nprogress=continue')).toEqual([
      { kind: 'progress', frame: 0, outTimeUs: 0, ended: false },
    ]);
  });
});

describe('ffmpeg 5.1 detector log lines (stderr, info level)', () => {
  it.each([
    [
      '[blackdetect @ 0x…] black_start:3 black_end:7.1 black_duration:4.1',
      [
        { kind: 'detect', detector: 'black', edge: 'start', since: 3, seenAt: 7.1 },
        { kind: 'detect', detector: 'black', edge: 'end', since: 7.1, seenAt: 7.1 },
      ],
    ],
    [
      '[freezedetect @ 0x…] lavfi.freezedetect.freeze_start: 3',
      [{ kind: 'detect', detector: 'freeze', edge: 'start', since: 3, seenAt: 3 }],
    ],
    [
      '[freezedetect @ 0x…] lavfi.freezedetect.freeze_end: 7.1',
      [{ kind: 'detect', detector: 'freeze', edge: 'end', since: 7.1, seenAt: 7.1 }],
    ],
    ['[freezedetect @ 0x…] lavfi.freezedetect.freeze_duration: 4.1', []],
    ['[silencedetect @ 0x…] silence_start: 3.008', [{ kind: 'detect', detector: 'silence', edge: 'start', since: 3.008, seenAt: 3.008 }]],
    [
      '[silencedetect @ 0x…] silence_end: 7.01867 | silence_duration: 4.01067',
      [{ kind: 'detect', detector: 'silence', edge: 'end', since: 7.01867, seenAt: 7.01867 }],
    ],
    [
      '[silencedetect @ 0x…] channel: 1 | silence_end: 7.01867 | silence_duration: 4.01067',
      [{ kind: 'detect', detector: 'silence', edge: 'end', since: 7.01867, seenAt: 7.01867 }],
    ],
    [
      '[Parsed_ebur128_1 @ 0x…] t: 2.99998    TARGET:-23 LUFS    M: -41.1 S: -41.1     I: -41.1 LUFS       LRA:  20.0 LU  FTPK: -38.1 dBFS  TPK: -38.1 dBFS',
      [
        { kind: 'loudness', measure: 'momentary', lufs: -41.1 },
        { kind: 'loudness', measure: 'short-term', lufs: -41.1 },
        { kind: 'loudness', measure: 'integrated', lufs: -41.1 },
        { kind: 'peak', measure: 'true', dbfs: -38.1 },
      ],
    ],
    ['[Parsed_astats_0 @ 0x…] Peak level dB: -18.063656', [{ kind: 'peak', measure: 'window', dbfs: -18.063656 }]],
    ['[h264 @ 0x…] Missing reference picture, default is 65530', []],
  ])('%s', (line, events) => {
    expect(parseLogLine(line)).toEqual(events);
  });
});

describe('line splitting', () => {
  it('keeps a partial line for the next chunk and accepts \\n, \\r\\n and \\r', () => {
    const split = new LineSplitter();
    expect(split.push('frame=1\nout_ti')).toEqual(['frame=1']);
    expect(split.push(Buffer.from('me_us=40000\r\nprogress=continue\r'))).toEqual(['out_time_us=40000', 'progress=continue']);
    expect(split.push('\n')).toEqual([]);
  });
});

describe('captured from real runs of ffmpeg 5.1.9 (Debian 12) on this machine, 2026-12-07, the watch’s own filter chains', () => {
  it('black, live: fd 3 of `-re -f lavfi -i testsrc2=s=320x180:r=10:d=6 -filter:v drawbox=…between(t,2,4),blackdetect=d=1,metadata=mode=print:direct=1:file=…` — black_start came at t≈2, not at the end', () => {
    const fixture = `frame:20   pts:20      pts_time:2
lavfi.black_start=2
frame:41   pts:41      pts_time:4.1
lavfi.black_end=4.1`;
    expect(readAll(new MetadataReader('video'), fixture).filter((e) => (e as { kind: string }).kind === 'detect')).toEqual([
      { kind: 'detect', detector: 'black', edge: 'start', since: 2, seenAt: 2 },
      { kind: 'detect', detector: 'black', edge: 'end', since: 4.1, seenAt: 4.1 },
    ]);
  });

  it('silence in AAC from an MPEG-TS stream: fd 4 of `ebur128=metadata=1,silencedetect=n=-60dB:d=1,astats=…,ametadata=…` (volume=0 from t=2 to 5)', () => {
    // ebur128 prints M=-160.779 for digital silence and astats Peak_level=-inf.
    const fixture = `frame:30   pts:144000  pts_time:3
lavfi.r128.M=-160.779
lavfi.r128.S=-22.984
lavfi.r128.I=-21.370
lavfi.r128.LRA=20.090
lavfi.r128.LRA.low=-42.900
lavfi.r128.LRA.high=-22.810
lavfi.silence_start=2.02873
lavfi.astats.Overall.Peak_level=-inf
frame:50   pts:240000  pts_time:5
lavfi.r128.M=-28.939
lavfi.r128.S=-37.690
lavfi.r128.I=-21.544
lavfi.r128.LRA=14.710
lavfi.r128.LRA.low=-37.700
lavfi.r128.LRA.high=-22.990
lavfi.silence_end=5.03437
lavfi.silence_duration=3.00565
lavfi.astats.Overall.Peak_level=-18.029476`;
    expect(readAll(new MetadataReader('audio'), fixture)).toEqual([
      { kind: 'frame', medium: 'audio', time: 3 },
      { kind: 'loudness', measure: 'momentary', lufs: undefined },
      { kind: 'loudness', measure: 'short-term', lufs: -22.984 },
      { kind: 'loudness', measure: 'integrated', lufs: -21.37 },
      { kind: 'detect', detector: 'silence', edge: 'start', since: 2.02873, seenAt: 3 },
      { kind: 'peak', measure: 'window', dbfs: -Infinity },
      { kind: 'frame', medium: 'audio', time: 5 },
      { kind: 'loudness', measure: 'momentary', lufs: -28.939 },
      { kind: 'loudness', measure: 'short-term', lufs: -37.69 },
      { kind: 'loudness', measure: 'integrated', lufs: -21.544 },
      { kind: 'detect', detector: 'silence', edge: 'end', since: 5.03437, seenAt: 5.03437 },
      { kind: 'peak', measure: 'window', dbfs: -18.029476 },
    ]);
  });

  it('clipping in float: `volume=24dB` on a −18 dBFS sine peaks above full scale instead of flattening', () => {
    const fixture = `frame:0    pts:0       pts_time:0
lavfi.r128.M=-120.691
lavfi.r128.LRA=0.000
lavfi.astats.Overall.Peak_level=5.936080`;
    expect(readAll(new MetadataReader('audio'), fixture).slice(1)).toEqual([
      { kind: 'loudness', measure: 'momentary', lufs: undefined },
      { kind: 'peak', measure: 'window', dbfs: 5.93608 },
    ]);
  });

  it('pictures piped in (image2pipe, arrival times): the same picture three times is a freeze at once with d=1', () => {
    expect(readAll(new MetadataReader('video'), 'frame:2    pts:44      pts_time:1.76\nlavfi.freezedetect.freeze_start=0')).toEqual([
      { kind: 'frame', medium: 'video', time: 1.76 },
      { kind: 'detect', detector: 'freeze', edge: 'start', since: 0, seenAt: 1.76 },
    ]);
  });
});
