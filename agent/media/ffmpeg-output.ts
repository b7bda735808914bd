/**
 * What ffmpeg 5.1 says about the media it analyses, turned into events (pure: lines in, events out).
 *
 * The watch reads frame metadata printed by `metadata=mode=print` / `ametadata=mode=print`, because
 * that form shows a fault WHILE it lasts: blackdetect attaches `lavfi.black_start` to the first black
 * frame whatever its `d`, while its log line `black_start:… black_end:…` comes only when the black
 * has ended (reference media-and-alerting.md §1.2). freezedetect and silencedetect tag the frame
 * where their own duration is reached with the time the fault began (§1.3, §1.4), so an event
 * carries both: `since` (when the fault began, stream seconds) and `seenAt` (the frame that told).
 * The log forms (stderr) are parsed too, for a run at info level and for the tests of each format.
 * A metadata line may come bare (`file=`) or with its `[Parsed_metadata_2 @ 0x…] ` prefix (log).
 */

export type Detector = 'black' | 'freeze' | 'silence';
export type Medium = 'video' | 'audio';

export type MediaEvent =
  /** A detector's fault began or ended; times are the stream's (PTS seconds), not the wall clock's. */
  | { kind: 'detect'; detector: Detector; edge: 'start' | 'end'; since: number; seenAt: number }
  /** A frame carrying metadata went by: the medium is arriving. */
  | { kind: 'frame'; medium: Medium; time: number }
  /** EBU R 128 loudness; `lufs` undefined while ebur128 has no value yet (it prints −120.7 / −70). */
  | { kind: 'loudness'; measure: 'momentary' | 'short-term' | 'integrated'; lufs: number | undefined }
  /** A peak in dBFS: `window` is astats' peak of one 100 ms window (reset=1); `true` is ebur128's true peak (the metadata's is the highest so far, the log's FTPK the frame's). */
  | { kind: 'peak'; measure: 'window' | 'true'; dbfs: number }
  /** One `-progress` block, at its closing `progress=` line. */
  | { kind: 'progress'; frame: number; outTimeUs: number; ended: boolean };

/** ebur128 prints these until it has 3 s of audio (S) or gated blocks (I): not a measurement. */
const NO_LOUDNESS_BELOW = -120;
const NO_INTEGRATED = -70;

/** `-inf`, `inf`, `nan` are what ffmpeg prints for silence or no data. */
export function ffmpegNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '-inf') return -Infinity;
  if (t === 'inf' || t === '+inf') return Infinity;
  return t === '' ? NaN : Number(t);
}

/** A linear amplitude (ebur128's peak metadata) in dBFS. */
export const linearToDb = (linear: number): number => (linear <= 0 ? -Infinity : 20 * Math.log10(linear));

/** `[Parsed_metadata_2 @ 0x55d…] frame:30 …` → `frame:30 …`; a bare line is returned as it is. */
export function stripLogPrefix(line: string): string {
  const m = /^\[[^\]]* @ [^\]]*\]\s?(.*)$/.exec(line);
  return (m ? m[1]! : line).trimEnd();
}

const FRAME_HEADER = /^frame:\s*(\d+)\s+pts:\s*(\S+)\s+pts_time:\s*(\S+)/;

/**
 * Reads the lines one `metadata`/`ametadata` print filter writes. Stateful only in the time of the
 * frame whose keys follow its `frame:… pts_time:…` header; each key gives its event at once (a
 * video filter prints a frame only when it carries metadata, so waiting for the next header could
 * hold a black_start for seconds).
 */
export class MetadataReader {
  private frameTime = NaN;
  constructor(private readonly medium: Medium) {}

  line(raw: string): MediaEvent[] {
    const line = stripLogPrefix(raw);
    const header = FRAME_HEADER.exec(line);
    if (header) {
      this.frameTime = ffmpegNumber(header[3]!);
      return Number.isFinite(this.frameTime) ? [{ kind: 'frame', medium: this.medium, time: this.frameTime }] : [];
    }
    const eq = line.indexOf('=');
    if (!line.startsWith('lavfi.') || eq < 0) return [];
    const event = metadataEvent(line.slice(0, eq), ffmpegNumber(line.slice(eq + 1)), this.frameTime);
    return event ? [event] : [];
  }
}

const DETECT_KEYS: Record<string, { detector: Detector; edge: 'start' | 'end' }> = {
  'lavfi.black_start': { detector: 'black', edge: 'start' },
  'lavfi.black_end': { detector: 'black', edge: 'end' },
  'lavfi.freezedetect.freeze_start': { detector: 'freeze', edge: 'start' },
  'lavfi.freezedetect.freeze_end': { detector: 'freeze', edge: 'end' },
  'lavfi.silence_start': { detector: 'silence', edge: 'start' },
  'lavfi.silence_end': { detector: 'silence', edge: 'end' },
};

function metadataEvent(key: string, value: number, frameTime: number): MediaEvent | undefined {
  // silencedetect with mono=1 suffixes the channel: lavfi.silence_start.0
  const detect = DETECT_KEYS[key] ?? DETECT_KEYS[key.replace(/\.\d+$/, '')];
  if (detect) {
    if (Number.isNaN(value)) return undefined;
    // An end is seen on its own frame; a start may be reported later than it began (freeze, silence).
    const seenAt = Number.isFinite(frameTime) ? frameTime : value;
    return { kind: 'detect', ...detect, since: value, seenAt: detect.edge === 'end' ? value : seenAt };
  }
  switch (key) {
    // ebur128 prints `nan` for the loudness of digital silence: no value, as before it has data.
    case 'lavfi.r128.M':
      return loudness('momentary', value, NO_LOUDNESS_BELOW);
    case 'lavfi.r128.S':
      return loudness('short-term', value, NO_LOUDNESS_BELOW);
    case 'lavfi.r128.I':
      return loudness('integrated', value, NO_INTEGRATED);
    case 'lavfi.r128.true_peak':
      return Number.isNaN(value) ? undefined : { kind: 'peak', measure: 'true', dbfs: linearToDb(value) };
    case 'lavfi.astats.Overall.Peak_level':
      return Number.isNaN(value) ? undefined : { kind: 'peak', measure: 'window', dbfs: value };
    default:
      return undefined;
  }
}

function loudness(measure: 'momentary' | 'short-term' | 'integrated', lufs: number, noValueAtOrBelow: number): MediaEvent {
  return { kind: 'loudness', measure, lufs: Number.isFinite(lufs) && lufs > noValueAtOrBelow ? lufs : undefined };
}

/**
 * Reads `-progress` output: `key=value` lines, a block closed by `progress=continue|end`
 * (reference §1.7). `out_time_ms` carries microseconds too; `out_time_us` is the one read.
 */
export class ProgressReader {
  private block = new Map<string, string>();

  line(raw: string): MediaEvent[] {
    const eq = raw.indexOf('=');
    if (eq < 0) return [];
    const key = raw.slice(0, eq).trim();
    const value = raw.slice(eq + 1).trim(); // `speed= 337x`: values may start with a space
    if (key !== 'progress') {
      this.block.set(key, value);
      return [];
    }
    const frame = Number(this.block.get('frame') ?? 0);
    const outTimeUs = Number(this.block.get('out_time_us') ?? 0);
    this.block = new Map();
    return [
      {
        kind: 'progress',
        frame: Number.isFinite(frame) ? frame : 0,
        outTimeUs: Number.isFinite(outTimeUs) ? outTimeUs : 0,
        ended: value === 'end',
      },
    ];
  }
}

const BLACK_SUMMARY = /black_start:\s*(\S+)\s+black_end:\s*(\S+)\s+black_duration:\s*(\S+)/;
const FREEZE_LOG = /lavfi\.freezedetect\.freeze_(start|end):\s*(\S+)/;
const SILENCE_START = /silence_start:\s*(\S+)/;
const SILENCE_END = /silence_end:\s*(\S+)\s*\|\s*silence_duration:\s*(\S+)/;
const EBUR128_FRAME = /\bt:\s*(\S+)\s+TARGET:\S+ LUFS\s+M:\s*(\S+)\s+S:\s*(\S+)\s+I:\s*(\S+) LUFS\s+LRA:\s*\S+ LU(?:\s+FTPK:\s*(\S+))?/;
const ASTATS_PEAK = /^Peak level dB:\s*(\S+)/;

/**
 * One stderr log line of a detector (info level) to its events. A freeze or silence start logged
 * here comes when the detector's own duration is reached, as in the metadata; blackdetect's line
 * comes only once the black has ended, so it gives both edges at once.
 */
export function parseLogLine(raw: string): MediaEvent[] {
  const line = stripLogPrefix(raw);
  const black = BLACK_SUMMARY.exec(line);
  if (black) {
    const [start, end] = [ffmpegNumber(black[1]!), ffmpegNumber(black[2]!)];
    return [
      { kind: 'detect', detector: 'black', edge: 'start', since: start, seenAt: end },
      { kind: 'detect', detector: 'black', edge: 'end', since: end, seenAt: end },
    ];
  }
  const freeze = FREEZE_LOG.exec(line);
  if (freeze) {
    const t = ffmpegNumber(freeze[2]!);
    return [{ kind: 'detect', detector: 'freeze', edge: freeze[1] as 'start' | 'end', since: t, seenAt: t }];
  }
  const silenceEnd = SILENCE_END.exec(line);
  if (silenceEnd) {
    const t = ffmpegNumber(silenceEnd[1]!);
    return [{ kind: 'detect', detector: 'silence', edge: 'end', since: t, seenAt: t }];
  }
  const silenceStart = SILENCE_START.exec(line);
  if (silenceStart) {
    // The log line has no frame time; it is printed when the duration is reached, which the caller's clock sees.
    const t = ffmpegNumber(silenceStart[1]!);
    return [{ kind: 'detect', detector: 'silence', edge: 'start', since: t, seenAt: t }];
  }
  const r128 = EBUR128_FRAME.exec(line);
  if (r128) {
    const events: MediaEvent[] = [
      loudness('momentary', ffmpegNumber(r128[2]!), NO_LOUDNESS_BELOW),
      loudness('short-term', ffmpegNumber(r128[3]!), NO_LOUDNESS_BELOW),
      loudness('integrated', ffmpegNumber(r128[4]!), NO_INTEGRATED),
    ];
    if (r128[5] !== undefined) events.push({ kind: 'peak', measure: 'true', dbfs: ffmpegNumber(r128[5]) });
    return events;
  }
  const astats = ASTATS_PEAK.exec(line);
  if (astats) return [{ kind: 'peak', measure: 'window', dbfs: ffmpegNumber(astats[1]!) }];
  return [];
}

/** Splits a byte stream into lines (`\n`, `\r\n` or `\r`), keeping a partial line for the next chunk. */
export class LineSplitter {
  private rest = '';
  /** Longer than any line ffmpeg writes: a stream that never ends a line cannot grow without bound. */
  private static readonly MAX_LINE = 64 * 1024;

  push(chunk: Buffer | string): string[] {
    const text = this.rest + chunk.toString();
    const parts = text.split(/\r\n|\n|\r/);
    this.rest = parts.pop() ?? '';
    if (this.rest.length > LineSplitter.MAX_LINE) this.rest = '';
    return parts.filter((l) => l.length > 0);
  }
}
