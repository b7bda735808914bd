/**
 * What the media shows now, judged against the device's picture, sound and playback checks (pure:
 * events and an injected clock in, a ContentReading out). A fault counts once it has lasted its
 * duration: a lost picture or sound (black, frozen, no signal, silent, stalled) fails its check —
 * content the viewer lost, a failover reason; a poor one (clipping, too loud or quiet, behind)
 * degrades it. Durations are judged at the clock's now on every reading, so a fault that began
 * before ffmpeg could report it (freeze and silence are told when their own `d` is reached) is
 * dated back by the stream time between its start and the frame that told, and by how late that
 * frame came compared with the stream's quickest frames (stream-clock.ts).
 */
import type { Clock } from '../../lib/clock.ts';
import {
  MEDIA_METRICS,
  type ContentCheckName,
  type ContentFault,
  type MediaWatchConfig,
  type PictureChecks,
  type PlaybackChecks,
  type SoundChecks,
} from '../../protocols/media.ts';
import type { DeviceStatus, HealthCheck, Metrics } from '../../protocols/schemas.ts';
import type { ContentReading } from './types.ts';
import type { MediaEvent } from './ffmpeg-output.ts';
import { withDefaults } from './config-defaults.ts';
import { StreamClock } from './stream-clock.ts';

/** Sample peaks at or above this are at full scale (protocols/media.ts: clipping is ≥ −0.1 dBFS held). */
export const CLIPPING_AT_DBFS = -0.1;

/** How a finding reads in a check's detail: "black for 2.4 s". */
export const forSeconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

interface Finding {
  fault: ContentFault;
  since: number;
  forMs: number;
  /** Allowed here (mayBeDark, mayBeStill, maySilence): reported, never a fault. */
  allowed?: boolean;
  /** Words for the detail when they are not the fault's own name. */
  words?: string;
}

/** Wall-clock start of a fault, or undefined while it is absent. */
type Since = number | undefined;

export class ContentTracker {
  private readonly picture?: PictureChecks;
  private readonly sound?: SoundChecks;
  private readonly playback?: PlaybackChecks;
  private black: Since;
  private frozen: Since;
  private silent: Since;
  private levelsSilent: Since;
  private clipping: Since;
  private loudnessOut: { since: number; fault: 'too-loud' | 'too-quiet' } | undefined;
  private behind: Since;
  private lastPictureAt: number;
  private lastSoundAt: number;
  private lastDataAt: number;
  private lastFrame = -1;
  private lastOutTimeUs = -1;
  private shortTermLufs: number | undefined;
  private peakDbfs: number | undefined;
  private playbackDelayMs: number | undefined;
  /** When the watched HLS playlist last advanced with a segment that arrived; undefined while it is not polled. */
  private playlistAdvancedAt: number | undefined;
  private segmentLateMs: number | undefined;
  private unavailable: string | undefined;
  /** Stream time → wall clock, from the frames the analyser tells about (stream-clock.ts). */
  private readonly streamClock = new StreamClock();

  constructor(
    config: MediaWatchConfig,
    private readonly clock: Clock,
  ) {
    // An aspect is checked when the config names it; its unset fields take the schema's defaults.
    const filled = withDefaults(config);
    this.picture = filled.picture;
    this.sound = filled.sound;
    this.playback = filled.playback;
    const now = clock.now();
    // Signal age counts from the start of the watch: no frame at all is "no signal" once its duration has passed.
    this.lastPictureAt = this.lastSoundAt = this.lastDataAt = now;
  }

  /** ffmpeg (re)started: what its detectors said is stale, stream times begin again. Signal age goes on. */
  analyserRestarted(): void {
    this.black = this.frozen = this.silent = this.clipping = undefined;
    this.loudnessOut = undefined;
    this.lastFrame = this.lastOutTimeUs = -1;
    this.unavailable = undefined;
    this.streamClock.reset();
  }

  /** The analyser cannot run at all (ffmpeg missing): every check fails with these words until it runs. */
  analyserUnavailable(reason: string): void {
    this.unavailable = reason;
  }

  observe(event: MediaEvent): void {
    const now = this.clock.now();
    switch (event.kind) {
      case 'progress':
        if (event.frame > this.lastFrame) {
          if (this.lastFrame >= 0 || event.frame > 0) this.lastPictureAt = now;
          this.lastFrame = event.frame;
        }
        if (event.outTimeUs > this.lastOutTimeUs) {
          if (this.lastOutTimeUs >= 0 || event.outTimeUs > 0) this.lastDataAt = now;
          this.lastOutTimeUs = event.outTimeUs;
        }
        return;
      case 'frame':
        this.streamClock.note(event.time, now, event.medium);
        if (event.medium === 'audio') this.lastSoundAt = this.lastDataAt = now;
        // Each analysed picture is printed (ffmpeg-args.ts): a picture's age to within one frame, not one progress block (0.5 s).
        else this.lastPictureAt = this.lastDataAt = now;
        return;
      case 'detect': {
        // The fault began this long before the frame that told (stream time), and that frame may have
        // come late (a busy machine, audio packed in bursts): dated from the stream's own time.
        const began = this.streamClock.wallTime(event.since, now, (event.seenAt - event.since) * 1000);
        const key = event.detector === 'black' ? 'black' : event.detector === 'freeze' ? 'frozen' : 'silent';
        if (event.edge === 'start') this[key] ??= began;
        else this[key] = undefined;
        return;
      }
      case 'loudness':
        if (event.measure !== 'short-term') return;
        this.shortTermLufs = event.lufs;
        this.judgeLoudness(event.lufs, now);
        return;
      case 'peak':
        if (event.measure !== 'window') return;
        this.notePeak(event.dbfs, now);
        return;
    }
  }

  /** Sound levels measured elsewhere (OBS InputVolumeMeters, dBFS): the same silence and clipping rules. */
  noteLevels(peakDb: number, _magnitudeDb: number): void {
    const now = this.clock.now();
    this.lastSoundAt = now;
    // Silence is every sample under the level, so the peak (not the average magnitude) decides it.
    if (peakDb < (this.sound?.silenceBelowDb ?? -Infinity)) this.levelsSilent ??= now;
    else this.levelsSilent = undefined;
    this.notePeak(peakDb, now);
  }

  /** End-to-end delay from program to playback, where it can be measured. */
  notePlaybackDelay(delayMs: number): void {
    this.playbackDelayMs = delayMs;
    const limit = this.playback?.behindMs;
    if (limit !== undefined && delayMs > limit) this.behind ??= this.clock.now();
    else this.behind = undefined;
  }

  /**
   * A poll of the playback's playlist (agent/media/hls-playback.ts): advanced with a new segment that
   * arrived, or not. The first poll starts its stall clock, so a playlist that never advances stalls too.
   */
  notePlaylist(advanced: boolean): void {
    const now = this.clock.now();
    if (advanced || this.playlistAdvancedAt === undefined) this.playlistAdvancedAt = now;
  }

  /** How much longer than its duration the newest playback segment took to arrive (0: in time). */
  noteSegmentLate(lateMs: number): void {
    this.segmentLateMs = lateMs;
  }

  reading(): ContentReading {
    const now = this.clock.now();
    const checks: HealthCheck[] = [];
    const faults: ContentFault[] = [];
    const aspects: Array<[ContentCheckName, Finding[], Finding[]]> = [];
    if (this.picture) aspects.push(['picture', ...this.split(this.pictureFindings(now))]);
    if (this.sound) aspects.push(['sound', ...this.split(this.soundFindings(now))]);
    if (this.playback) aspects.push(['playback', ...this.split(this.playbackFindings(now))]);
    for (const [name, counting, pending] of aspects) {
      checks.push(this.check(name, counting, pending));
      for (const f of counting) if (!f.allowed && !faults.includes(f.fault)) faults.push(f.fault);
    }
    return { checks, metrics: this.metrics(now, faults), faults };
  }

  private split(findings: Finding[]): [Finding[], Finding[]] {
    return [findings.filter((f) => f.since <= this.clock.now() - f.forMs), findings.filter((f) => f.since > this.clock.now() - f.forMs)];
  }

  private check(name: ContentCheckName, counting: Finding[], pending: Finding[]): HealthCheck {
    const now = this.clock.now();
    if (this.unavailable) return { name, status: 'failed', latencyMs: 0, detail: this.unavailable };
    const faults = counting.filter((f) => !f.allowed);
    const status: DeviceStatus = faults.some((f) => LOST.has(f.fault)) ? 'failed' : faults.length > 0 ? 'degraded' : 'ok';
    const words = [
      // Behind has no duration: it says its measure, not how long.
      ...counting.map(
        (f) =>
          `${f.words ?? f.fault}${f.fault === 'behind' ? '' : ` for ${forSeconds(now - f.since)}`}${f.allowed ? ' (allowed here)' : ''}`,
      ),
      ...pending.map((f) => `${f.words ?? f.fault} for ${forSeconds(now - f.since)}, under ${forSeconds(f.forMs)}`),
    ];
    return words.length > 0 ? { name, status, latencyMs: 0, detail: words.join('; ') } : { name, status, latencyMs: 0 };
  }

  private noSignal(now: number): Finding | undefined {
    const p = this.picture;
    // A frame this very moment is a signal, whatever the duration (0 included).
    if (!p || now === this.lastPictureAt) return undefined;
    return { fault: 'no-signal', since: this.lastPictureAt, forMs: p.noSignalForMs, words: 'no signal' };
  }

  private pictureFindings(now: number): Finding[] {
    const p = this.picture!;
    const lost = this.noSignal(now);
    if (lost && lost.since <= now - lost.forMs) return [lost]; // nothing decoded: black or frozen would be stale
    const found: Finding[] = [];
    if (this.black !== undefined)
      found.push({ fault: 'black', since: this.black, forMs: p.blackForMs, allowed: p.mayBeDark, words: p.mayBeDark ? 'dark' : undefined });
    // A black picture is also a still one: black names it (reference §1.3), frozen only a picture with content.
    if (this.frozen !== undefined && this.black === undefined)
      found.push({
        fault: 'frozen',
        since: this.frozen,
        forMs: p.frozenForMs,
        allowed: p.mayBeStill,
        words: p.mayBeStill ? 'still' : undefined,
      });
    return found;
  }

  private soundFindings(now: number): Finding[] {
    const s = this.sound!;
    const pictureLost = this.noSignal(now);
    if (pictureLost && pictureLost.since <= now - pictureLost.forMs) {
      // Signal gone as a whole: the picture's no-signal is the fault; the sound cannot be judged either.
      return [{ fault: 'no-signal', since: pictureLost.since, forMs: pictureLost.forMs, words: 'no signal' }];
    }
    const found: Finding[] = [];
    const silentSince = earliest(this.silent, this.levelsSilent);
    if (silentSince !== undefined) found.push({ fault: 'silent', since: silentSince, forMs: s.silentForMs, allowed: s.maySilence });
    else if (now - this.lastSoundAt > 0)
      found.push({ fault: 'silent', since: this.lastSoundAt, forMs: s.silentForMs, allowed: s.maySilence, words: 'no sound' });
    if (this.clipping !== undefined) found.push({ fault: 'clipping', since: this.clipping, forMs: s.clippingForMs });
    const silenceCounts = found.some((f) => f.fault === 'silent' && f.since <= now - f.forMs);
    // Silence is also far too quiet: it names the fault alone.
    if (this.loudnessOut && s.loudness && !(silenceCounts && this.loudnessOut.fault === 'too-quiet'))
      found.push({ fault: this.loudnessOut.fault, since: this.loudnessOut.since, forMs: s.loudness.forMs });
    // "no sound" under its duration is only the gap between two audio frames: not worth a word.
    return found.filter((f) => f.words !== 'no sound' || f.since <= now - f.forMs);
  }

  private playbackFindings(now: number): Finding[] {
    const b = this.playback!;
    const found: Finding[] = [];
    // Stalled is no data decoded, or (where the playlist is polled) no new segment to get, whichever began first.
    const playlistFirst = this.playlistAdvancedAt !== undefined && this.playlistAdvancedAt < this.lastDataAt;
    const stillSince = playlistFirst ? this.playlistAdvancedAt! : this.lastDataAt;
    if (now - stillSince > 0)
      found.push({ fault: 'stalled', since: stillSince, forMs: b.stalledForMs, ...(playlistFirst ? { words: 'playlist stalled' } : {}) });
    if (this.behind !== undefined)
      found.push({ fault: 'behind', since: this.behind, forMs: 0, words: `behind by ${forSeconds(this.playbackDelayMs ?? 0)}` });
    // A stall under its duration is the time between two progress blocks: not worth a word.
    return found.filter((f) => f.fault !== 'stalled' || f.since <= now - f.forMs);
  }

  private notePeak(dbfs: number, now: number): void {
    this.peakDbfs = dbfs;
    if (dbfs >= CLIPPING_AT_DBFS) this.clipping ??= now;
    else this.clipping = undefined;
  }

  private judgeLoudness(lufs: number | undefined, now: number): void {
    const target = this.sound?.loudness;
    if (!target || lufs === undefined) return void (this.loudnessOut = undefined);
    const fault =
      lufs > target.targetLufs + target.toleranceLu ? 'too-loud' : lufs < target.targetLufs - target.toleranceLu ? 'too-quiet' : undefined;
    if (!fault) this.loudnessOut = undefined;
    else if (this.loudnessOut?.fault !== fault) this.loudnessOut = { since: now, fault };
  }

  private metrics(now: number, faults: ContentFault[]): Metrics {
    const m: Metrics = { [MEDIA_METRICS.contentFaults]: faults.join(',') };
    if (this.picture) m[MEDIA_METRICS.frameAgeMs] = now - this.lastPictureAt;
    if (this.shortTermLufs !== undefined) m[MEDIA_METRICS.shortTermLufs] = round1(this.shortTermLufs);
    if (this.peakDbfs !== undefined && Number.isFinite(this.peakDbfs)) m[MEDIA_METRICS.peakDbfs] = round1(this.peakDbfs);
    if (this.playbackDelayMs !== undefined) m[MEDIA_METRICS.playbackDelayMs] = this.playbackDelayMs;
    if (this.segmentLateMs !== undefined) m[MEDIA_METRICS.segmentLateMs] = this.segmentLateMs;
    return m;
  }
}

/** Faults that mean the viewer lost the picture, the sound or the stream: the check fails. */
const LOST: ReadonlySet<ContentFault> = new Set<ContentFault>(['black', 'frozen', 'no-signal', 'silent', 'stalled']);

const earliest = (a: Since, b: Since): Since => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
const round1 = (x: number): number => Math.round(x * 10) / 10;
