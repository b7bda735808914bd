/**
 * What viewers get (issue 22): the platform's HLS playlist read as a player reads it (RFC 8216). ffmpeg
 * decoding the stream says whether pictures arrive; this says why they stop — the playlist no longer
 * advances, or its newest segment downloads slower than it plays — and how late viewers are: the
 * newest segment's EXT-X-PROGRAM-DATE-TIME (when the encoder stamped program time into it) plus its
 * duration, against the clock's now. The parsing and the comparison of two polls are pure; the poller
 * fetches with a deadline per request and never throws.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';

export interface HlsSegment {
  /** Its media sequence number (RFC 8216 §6.2.1: the playlist's EXT-X-MEDIA-SEQUENCE plus its index). */
  sequence: number;
  uri: string;
  durationMs: number;
  /** Wall-clock time of its first sample: its own EXT-X-PROGRAM-DATE-TIME, or an earlier one's plus durations (§4.3.2.6). */
  programMs?: number;
}

export type HlsPlaylist =
  | { kind: 'media'; mediaSequence: number; targetDurationMs?: number; segments: HlsSegment[]; ended: boolean }
  /** A master playlist: its variants' URIs in playlist order (EXT-X-STREAM-INF). */
  | { kind: 'master'; variants: string[] };

/** An ISO 8601 date-time in ms; ffmpeg writes the zone as +0000, which Date.parse wants as +00:00. */
function dateMs(text: string): number | undefined {
  const ms = Date.parse(text.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : undefined;
}

const tagValue = (line: string, tag: string): string | undefined => (line.startsWith(`${tag}:`) ? line.slice(tag.length + 1) : undefined);

export function parseHlsPlaylist(text: string): HlsPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
    const variants: string[] = [];
    lines.forEach((line, i) => {
      if (!line.startsWith('#EXT-X-STREAM-INF')) return;
      const uri = lines.slice(i + 1).find((l) => l !== '' && !l.startsWith('#'));
      if (uri) variants.push(uri);
    });
    return { kind: 'master', variants };
  }
  let mediaSequence = 0;
  let targetDurationMs: number | undefined;
  let ended = false;
  const segments: HlsSegment[] = [];
  let durationMs = 0;
  let stamped: number | undefined;
  for (const line of lines) {
    if (line === '') continue;
    const sequence = tagValue(line, '#EXT-X-MEDIA-SEQUENCE');
    const target = tagValue(line, '#EXT-X-TARGETDURATION');
    const extinf = tagValue(line, '#EXTINF');
    const pdt = tagValue(line, '#EXT-X-PROGRAM-DATE-TIME');
    if (sequence !== undefined) mediaSequence = Number.parseInt(sequence, 10) || 0;
    else if (target !== undefined) targetDurationMs = Number.parseFloat(target) * 1000;
    else if (extinf !== undefined) durationMs = Number.parseFloat(extinf) * 1000 || 0;
    else if (pdt !== undefined) stamped = dateMs(pdt);
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) {
      const previous = segments.at(-1);
      // An unstamped segment follows on from the one before it, when that one's time is known.
      const programMs = stamped ?? (previous?.programMs !== undefined ? previous.programMs + previous.durationMs : undefined);
      segments.push({
        sequence: mediaSequence + segments.length,
        uri: line,
        durationMs,
        ...(programMs !== undefined ? { programMs } : {}),
      });
      durationMs = 0;
      stamped = undefined;
    }
  }
  return { kind: 'media', mediaSequence, ...(targetDurationMs !== undefined ? { targetDurationMs } : {}), segments, ended };
}

type MediaPlaylist = Extract<HlsPlaylist, { kind: 'media' }>;

/** The newest segment's sequence number, or one below the first when the playlist is empty. */
const newestSequence = (p: MediaPlaylist): number => p.mediaSequence + p.segments.length - 1;

/** Whether the playlist advanced between two polls: a newer segment at its end (media sequence or count grew). */
export function playlistAdvanced(before: MediaPlaylist | undefined, after: MediaPlaylist): boolean {
  if (!before) return after.segments.length > 0;
  return newestSequence(after) > newestSequence(before);
}

/**
 * Program → playback delay: the newest segment ends at its program time plus its duration, and a viewer
 * at the live edge sees that moment now. Undefined when the encoder stamps no program time.
 */
export function endToEndDelayMs(playlist: MediaPlaylist, nowMs: number): number | undefined {
  const newest = playlist.segments.at(-1);
  if (newest?.programMs === undefined) return undefined;
  return Math.round(nowMs - (newest.programMs + newest.durationMs));
}

/** What the poller tells the content judge (ContentTracker implements it). */
export interface PlaybackSink {
  notePlaylist(advanced: boolean): void;
  notePlaybackDelay(delayMs: number): void;
  /** How much longer than its own duration the newest segment took to download (0: in time). */
  noteSegmentLate(lateMs: number): void;
}

export interface HlsPollerDeps {
  url: string;
  clock: Clock;
  fetch: typeof globalThis.fetch;
  sink: PlaybackSink;
  log: Logger;
}

/** Before the first playlist says its target duration: RFC 8216's examples use 10 s; a live edge polls faster. */
export const DEFAULT_POLL_MS = 2_000;
/** A segment may take this many times its duration before its download is given up. */
const SEGMENT_GIVE_UP_FACTOR = 2;

/** Polls a live HLS playlist every target duration (RFC 8216 §6.3.4) and tells the sink what it saw. */
export class HlsPlaybackPoller {
  private last: MediaPlaylist | undefined;
  /** The media playlist polled: the URL itself, or a master playlist's first variant. */
  private mediaUrl: string;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: HlsPollerDeps) {
    this.mediaUrl = deps.url;
  }

  /** Until the next poll: the playlist's target duration, as a player waits. */
  get intervalMs(): number {
    return this.last?.targetDurationMs ?? DEFAULT_POLL_MS;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** One poll: the playlist, then its newest segment when new. Never throws. */
  async pollOnce(): Promise<void> {
    const { sink, clock, log } = this.deps;
    const playlist = await this.fetchMediaPlaylist();
    if (!playlist) return sink.notePlaylist(false);
    const delay = endToEndDelayMs(playlist, clock.now());
    if (delay !== undefined) sink.notePlaybackDelay(delay);
    const advanced = playlistAdvanced(this.last, playlist);
    const newest = playlist.segments.at(-1);
    this.last = playlist;
    if (!advanced || !newest) return sink.notePlaylist(false);
    // The playlist advancing counts only when its new segment can be had in time to play.
    const arrived = await this.fetchSegment(newest);
    if (!arrived) log.warn({ url: this.mediaUrl, segment: newest.uri }, 'newest playback segment did not arrive');
    sink.notePlaylist(arrived);
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await this.pollOnce();
      await pause(this.intervalMs, this.stopping.signal);
    }
  }

  private async fetchMediaPlaylist(): Promise<MediaPlaylist | undefined> {
    const timeoutMs = Math.max(1_000, this.intervalMs);
    const text = await this.fetchText(this.mediaUrl, timeoutMs);
    if (text === undefined) return undefined;
    const playlist = parseHlsPlaylist(text);
    if (playlist.kind === 'media') return playlist;
    const first = playlist.variants[0];
    if (!first) return undefined;
    // What a player picks depends on its bandwidth; the first variant is the one a player starts with (§4.3.4.2).
    this.mediaUrl = new URL(first, this.mediaUrl).toString();
    this.deps.log.info({ url: this.deps.url, variant: this.mediaUrl }, 'master playlist: watching its first variant');
    const variantText = await this.fetchText(this.mediaUrl, timeoutMs);
    const variant = variantText === undefined ? undefined : parseHlsPlaylist(variantText);
    return variant?.kind === 'media' ? variant : undefined;
  }

  /** Downloads the segment whole; says whether it arrived and how late against its own duration. */
  private async fetchSegment(segment: HlsSegment): Promise<boolean> {
    const { clock, sink } = this.deps;
    const deadlineMs = segment.durationMs > 0 ? segment.durationMs : this.intervalMs;
    const started = clock.now();
    const bytes = await this.fetchBytes(new URL(segment.uri, this.mediaUrl).toString(), deadlineMs * SEGMENT_GIVE_UP_FACTOR);
    sink.noteSegmentLate(Math.max(0, clock.now() - started - deadlineMs));
    return bytes !== undefined && bytes > 0;
  }

  private async fetchText(url: string, timeoutMs: number): Promise<string | undefined> {
    return this.request(url, timeoutMs, (res) => res.text());
  }

  private async fetchBytes(url: string, timeoutMs: number): Promise<number | undefined> {
    return this.request(url, timeoutMs, async (res) => (await res.arrayBuffer()).byteLength);
  }

  private async request<T>(url: string, timeoutMs: number, body: (res: Response) => Promise<T>): Promise<T | undefined> {
    try {
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(timeoutMs)]);
      const res = await this.deps.fetch(url, { signal, headers: { 'Cache-Control': 'no-cache' } });
      if (!res.ok) {
        await res.body?.cancel();
        this.deps.log.debug({ url, status: res.status }, 'playback request refused');
        return undefined;
      }
      return await body(res);
    } catch (err) {
      if (!this.stopping.signal.aborted) this.deps.log.debug({ url, err: String(err) }, 'playback request failed');
      return undefined;
    }
  }
}

/** Waits `ms` or until stopped, whichever comes first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** A playback URL this poller can read: HLS over http(s). */
export const isHttpPlaylist = (url: string): boolean => /^https?:\/\//i.test(url);
