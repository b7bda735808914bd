/**
 * What obs-websocket 5 readings and refusals mean for a studio: metrics over the last probe interval
 * (a health rule judges the present, so dropped frames are a rate over the last 5 s of readings, never
 * OBS's lifetime counters), the requests a take is made of, and refusals in a technician's words.
 */
import type { OBSResponseTypes } from 'obs-websocket-js/json';
import type { Metrics } from '../../../protocols/schemas.ts';
import type { ObsOptions } from '../../../protocols/drivers/obs.ts';

export interface ObsReading {
  at: number;
  stats: OBSResponseTypes['GetStats'];
  stream: OBSResponseTypes['GetStreamStatus'];
  record: OBSResponseTypes['GetRecordStatus'];
  service: OBSResponseTypes['GetStreamServiceSettings'];
  program: string;
  /** null outside studio mode. */
  preview: string | null;
  studioMode: boolean;
}

/** RequestStatus codes (obs-websocket 5, enum RequestStatus) the driver treats specially. */
export const RequestStatus = {
  OutputRunning: 500,
  OutputNotRunning: 501,
  StudioModeNotActive: 506,
  ResourceNotFound: 600,
} as const;

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Skipped frames as a percentage of frames since an earlier reading. OBS resets an output's
 * counters when it starts again, so a count that went down starts a new interval from zero.
 * Fewer than `minFrames` frames say nothing yet (one dropped frame of six is no 17 % stream): undefined.
 */
export function skippedPercent(
  skipped: number,
  total: number,
  before?: { skipped: number; total: number },
  minFrames = 1,
): number | undefined {
  const reset = !before || total < before.total || skipped < before.skipped;
  const dSkipped = reset ? skipped : skipped - before.skipped;
  const dTotal = reset ? total : total - before.total;
  if (dTotal <= 0) return minFrames > 1 ? undefined : 0;
  return dTotal >= minFrames ? round((dSkipped / dTotal) * 100, 2) : undefined;
}

/** A rate is judged over at least a second of video at 30 fps. */
const MIN_FRAMES = 30;

/** `{ [name]: percent }` when there are frames enough to judge, else nothing. */
function skipRate(name: string, skipped: number, total: number, before: { skipped: number; total: number } | undefined): Metrics {
  const percent = skippedPercent(skipped, total, before, MIN_FRAMES);
  return percent === undefined ? {} : { [name]: percent };
}

/** Bitrate from two readings of an output's byte counter: Δbytes × 8 / Δms = kbit/s. */
export function kbps(bytes: number, at: number, before?: { bytes: number; at: number }): number | undefined {
  if (!before || bytes < before.bytes || at <= before.at) return undefined;
  return Math.round(((bytes - before.bytes) * 8) / (at - before.at));
}

/**
 * A stream destination OBS can start: a custom RTMP server, or a named service (rtmp_common), and
 * a stream key. Only presence is read; the key itself never leaves this function.
 */
export function streamConfigured(service: ObsReading['service']): boolean {
  const settings = (service.streamServiceSettings ?? {}) as Record<string, unknown>;
  const filled = (k: string) => typeof settings[k] === 'string' && (settings[k] as string).trim() !== '';
  const destination = service.streamServiceType === 'rtmp_common' ? filled('service') || filled('server') : filled('server');
  return destination && filled('key');
}

/** Dropped frames are judged over this much time: one frame at 30 fps is 0.7 %, not 17 % of one 200 ms probe. */
export const SKIP_WINDOW_MS = 5_000;

/**
 * `before`: the previous reading (bitrate); `windowStart`: the oldest reading within SKIP_WINDOW_MS
 * (dropped frames as a rate over that window).
 */
export function metricsOf(now: ObsReading, before?: ObsReading, windowStart: ObsReading | undefined = before): Metrics {
  const s = now.stats;
  const streaming = now.stream.outputActive || now.stream.outputReconnecting;
  const streamRate = streaming
    ? kbps(now.stream.outputBytes, now.at, before && { bytes: before.stream.outputBytes, at: before.at })
    : undefined;
  return {
    programScene: now.program,
    ...(now.preview !== null ? { previewScene: now.preview } : {}),
    studioMode: now.studioMode,
    activeFps: round(s.activeFps),
    cpuUsage: round(s.cpuUsage),
    availableDiskGb: round(s.availableDiskSpace / 1024, 2), // GetStats reports MB
    ...(now.record.outputActive ? { recordDiskGb: round(s.availableDiskSpace / 1024, 2) } : {}),
    ...skipRate(
      'renderSkippedPercent',
      s.renderSkippedFrames,
      s.renderTotalFrames,
      windowStart && { skipped: windowStart.stats.renderSkippedFrames, total: windowStart.stats.renderTotalFrames },
    ),
    ...skipRate(
      'outputSkippedPercent',
      s.outputSkippedFrames,
      s.outputTotalFrames,
      windowStart && { skipped: windowStart.stats.outputSkippedFrames, total: windowStart.stats.outputTotalFrames },
    ),
    streaming,
    streamReconnecting: now.stream.outputReconnecting,
    ...(streaming
      ? {
          streamCongestion: round(now.stream.outputCongestion, 3),
          ...skipRate(
            'streamSkippedPercent',
            now.stream.outputSkippedFrames,
            now.stream.outputTotalFrames,
            windowStart && { skipped: windowStart.stream.outputSkippedFrames, total: windowStart.stream.outputTotalFrames },
          ),
        }
      : {}),
    ...(streamRate !== undefined ? { streamKbps: streamRate } : {}),
    ...(streaming ? { streamDroppedFrames: now.stream.outputSkippedFrames } : {}),
    recording: now.record.outputActive,
    streamConfigured: streamConfigured(now.service),
  };
}

export type TakeStep =
  { request: 'SetCurrentProgramScene' | 'SetCurrentPreviewScene'; sceneName: string } | { request: 'TriggerStudioModeTransition' };

/** The requests that take `scene` to program, by the profile's choice. */
export function takeSteps(scene: string, cutWith: ObsOptions['cutWith']): TakeStep[] {
  return cutWith === 'studio-transition'
    ? [{ request: 'SetCurrentPreviewScene', sceneName: scene }, { request: 'TriggerStudioModeTransition' }]
    : [{ request: 'SetCurrentProgramScene', sceneName: scene }];
}

/** A refusal in a technician's words, by RequestStatus code. */
export function explainRefusal(code: number, context: { scene?: string; cutWith?: ObsOptions['cutWith'] }): string | undefined {
  if (code === RequestStatus.ResourceNotFound && context.scene) return `OBS has no scene "${context.scene}"`;
  if (code === RequestStatus.StudioModeNotActive)
    return 'OBS is not in studio mode, which cutWith: studio-transition needs (switch studio mode on, or use cutWith: program-scene)';
  return undefined;
}
