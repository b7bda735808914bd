/**
 * The agent's media watch (issue 22): the contract between the ffmpeg side (agent/media/), the device
 * runner that merges its checks into a device's health, and drivers that find or take the media
 * themselves (ONVIF's stream URL, OBS's screenshots and meters). Schemas live in protocols/media.ts.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AnalysisSettings, ContentFault, MediaSource, MediaWatchConfig } from '../../protocols/media.ts';
import type { HealthCheck, Metrics } from '../../protocols/schemas.ts';

/** The content now, as the device's next health message carries it. */
export interface ContentReading {
  /** One check per configured aspect (picture, sound, playback), in that order. */
  checks: HealthCheck[];
  metrics: Metrics;
  /** The faults that count now (past their durations, not suppressed), for alarms and reports. */
  faults: ContentFault[];
}

/** Pictures and sound levels a driver takes itself (OBS: GetSourceScreenshot, InputVolumeMeters). */
export interface ImageFeed {
  kind: 'images';
  format: 'png' | 'jpeg' | 'bmp';
  /** Starts the feed; returns the function that stops it. Levels are dBFS (peak and magnitude). */
  subscribe(onImage: (bytes: Buffer) => void, onLevels: (peakDb: number, magnitudeDb: number) => void): () => void;
}

/** What ffmpeg analyses: a URL it opens itself, or a driver's pictures. */
export type MediaFeed = { kind: 'url'; url: string } | ImageFeed;

/** A driver that can say where its device's media is (optional on the Driver interface). */
export interface MediaCapableDriver {
  /**
   * `analysis`: the watch's analysis size, for a driver that takes pictures itself at a size it
   * chooses (OBS's screenshots); without it the driver uses AnalysisSettings' defaults.
   */
  mediaFeed(
    source: Exclude<MediaSource, { url: string }>,
    signal: AbortSignal,
    analysis?: Pick<AnalysisSettings, 'width' | 'height'>,
  ): Promise<MediaFeed>;
}

export interface MediaWatchDeps {
  deviceId: string;
  config: MediaWatchConfig;
  feed: MediaFeed;
  clock: Clock;
  log: Logger;
  /** The wall's live picture (a whole JPEG, about once a second), where the picture is checked (protocols/pictures.ts). */
  onPicture?: (jpeg: Buffer) => void;
}

/**
 * One device's supervised analysis: ffmpeg restarted with backoff when it exits, killed when it hangs,
 * its absence a clear failed check, never a crash.
 */
export interface MediaWatch {
  start(): void;
  /** O(1), no I/O: what the last analysis said, with durations judged at the clock's now. */
  reading(): ContentReading;
  stop(): Promise<void>;
}
