/**
 * A device whose config has `media`: its driver, with the media watch's reading in every probe. The
 * gear and its content are one device to the controller, so a camera that answers ONVIF but sends
 * black is a failed camera and the slot's failover rules act on it like on any other failure.
 *
 * - Health: the driver's probe, the watch's content checks after its own, metrics merged (the
 *   watch's MEDIA_METRICS names win: rules and the console read them as the media contract says),
 *   status the worse of the two (mergeContent, pure).
 * - What is checked: the aspects the config names, else its role's (watchedConfig).
 * - Lifetime: the watch starts after the driver connects and stops when it closes. A `fromDriver`
 *   source is asked from the driver (`mediaFeed`) in the background, with its own deadline, so a slow
 *   GetStreamUri never turns a reachable camera "offline".
 * - A source that cannot be had (no `mediaFeed` on the driver, GetStreamUri refused) is a failed
 *   `media` check naming the device and the reason: a gear failure, so the runner reconnects the
 *   driver after its usual streak, which asks for the source again.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage, withTimeout } from '../../lib/timeout.ts';
import { worstOf } from '../../protocols/health-rules.ts';
import { PictureChecks, PlaybackChecks, SoundChecks, type MediaRole, type MediaWatchConfig } from '../../protocols/media.ts';
import { Value } from '@sinclair/typebox/value';
import type { HealthCheck } from '../../protocols/schemas.ts';
import { NoMediaFeedError, type Driver, type ProbeResult } from '../driver.ts';
import type { ContentReading, MediaFeed, MediaWatch, MediaWatchDeps } from './types.ts';

/** Makes the watch of one device (agent/media/media-watch.ts createMediaWatch; a fake in unit tests). */
export type MediaWatchFactory = (deps: MediaWatchDeps) => MediaWatch;

/** The check a device's health carries when its media cannot be watched at all. */
export const MEDIA_SOURCE_CHECK = 'media';

export interface MediaDeviceSettings {
  deviceId: string;
  driverName: string;
  config: MediaWatchConfig;
  driver: Driver;
  watches: MediaWatchFactory;
  /** How long asking the driver for its media may take (the device's connect deadline). */
  feedTimeoutMs: number;
  clock: Clock;
  /** Already bound to the agent and the device. */
  log: Logger;
  /** The wall's live picture of this device (protocols/pictures.ts), where its watch makes them. */
  onPicture?: (jpeg: Buffer) => void;
}

/** The driver's verdict with the content's: the worse status wins, the content checks come after the gear's. */
export function mergeContent(probed: ProbeResult, content: Pick<ContentReading, 'checks' | 'metrics'>): ProbeResult {
  if (content.checks.length === 0 && Object.keys(content.metrics).length === 0) return probed;
  return {
    status: worstOf([probed.status, ...content.checks.map((c) => c.status)]),
    checks: [...probed.checks, ...content.checks],
    metrics: { ...probed.metrics, ...content.metrics },
  };
}

/** The content part of a device whose media cannot be watched: one failed check saying why. */
export function unwatchable(deviceId: string, reason: string): Pick<ContentReading, 'checks' | 'metrics'> {
  const detail = reason.startsWith(`${deviceId}:`) ? reason : `${deviceId}: its media cannot be watched: ${reason}`;
  const check: HealthCheck = { name: MEDIA_SOURCE_CHECK, status: 'failed', latencyMs: 0, detail };
  return { checks: [check], metrics: {} };
}

/**
 * The aspects a watch checks when its config names none, by what the media is to the show: a
 * source's picture (a camera's stream often has no sound, which must not read as "silent"); the
 * program's picture and sound; and for the playback, the playlist as well.
 */
const ROLE_ASPECTS: Readonly<Record<MediaRole, ReadonlyArray<'picture' | 'sound' | 'playback'>>> = {
  source: ['picture'],
  program: ['picture', 'sound'],
  playback: ['picture', 'sound', 'playback'],
};

/** The config as watched: the aspects it names, or its role's when it names none, with their defaults. */
export function watchedConfig(config: MediaWatchConfig): MediaWatchConfig {
  if (config.picture || config.sound || config.playback) return config;
  const aspects = ROLE_ASPECTS[config.role];
  return {
    ...config,
    ...(aspects.includes('picture') ? { picture: Value.Default(PictureChecks, {}) as PictureChecks } : {}),
    ...(aspects.includes('sound') ? { sound: Value.Default(SoundChecks, {}) as SoundChecks } : {}),
    ...(aspects.includes('playback') ? { playback: Value.Default(PlaybackChecks, {}) as PlaybackChecks } : {}),
  };
}

export function withMedia(s: MediaDeviceSettings): Driver {
  let watch: MediaWatch | undefined;
  let problem: string | undefined;
  let asking = false;
  /** Grows on every close: a source found after its device closed must not start a watch nobody stops. */
  let lifetime = 0;

  const feed = async (signal: AbortSignal): Promise<MediaFeed> => {
    const source = s.config.source;
    if ('url' in source) return { kind: 'url', url: source.url };
    if (!s.driver.mediaFeed) throw new NoMediaFeedError(s.deviceId, s.driverName);
    return s.driver.mediaFeed(source, signal, s.config.analysis);
  };

  const startWatch = (): void => {
    const mine = lifetime;
    asking = true;
    withTimeout(`finding the media of ${s.deviceId}`, s.feedTimeoutMs, feed)
      .then((found) => {
        if (mine !== lifetime) return;
        const pictures = s.onPicture ? { onPicture: s.onPicture } : {};
        watch = s.watches({ deviceId: s.deviceId, config: watchedConfig(s.config), feed: found, clock: s.clock, log: s.log, ...pictures });
        watch.start();
        s.log.info({ feed: found.kind, role: s.config.role }, 'media watch started');
      })
      .catch((err: unknown) => {
        if (mine !== lifetime) return;
        problem = errorMessage(err);
        s.log.warn({ err: problem }, 'media watch cannot start');
      })
      .finally(() => {
        if (mine === lifetime) asking = false;
      });
  };

  const content = (): Pick<ContentReading, 'checks' | 'metrics'> => {
    if (problem !== undefined) return unwatchable(s.deviceId, problem);
    if (!watch) return { checks: [], metrics: {} }; // its source is being asked for: nothing seen yet
    try {
      return watch.reading();
    } catch (err) {
      return unwatchable(s.deviceId, `the media watch failed: ${errorMessage(err)}`);
    }
  };

  return {
    async connect(signal) {
      await s.driver.connect(signal);
      if (!watch && problem === undefined && !asking) startWatch();
    },
    async probe(signal) {
      return mergeContent(await s.driver.probe(signal), content());
    },
    execute: (action, params, signal) => s.driver.execute(action, params, signal),
    async close() {
      lifetime += 1;
      const stopping = watch;
      watch = undefined;
      problem = undefined;
      asking = false;
      await Promise.all([s.driver.close(), stopping?.stop()]);
    },
  };
}
