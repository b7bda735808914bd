/**
 * One device's media watch (issue 22): a supervised ffmpeg analysing the feed, its outputs parsed
 * into events, the events judged against the device's checks. Pictures a driver takes (OBS
 * screenshots) are piped to ffmpeg's stdin and its sound levels go straight to the judge.
 * reading() is O(1) and does no I/O: it judges what the last events said at the clock's now.
 */
import { ContentTracker } from './content-tracker.ts';
import { withDefaults } from './config-defaults.ts';
import { ffmpegArgs, makesPictures } from './ffmpeg-args.ts';
import { JpegSplitter } from './jpeg-stream.ts';
import { PICTURE_MAX_BYTES } from '../../protocols/pictures.ts';
import { MetadataReader, ProgressReader, type MediaEvent } from './ffmpeg-output.ts';
import { FfmpegProcess, type FfmpegOutput } from './ffmpeg-process.ts';
import { padToBlock } from './image-framing.ts';
import { HlsPlaybackPoller, isHttpPlaylist } from './hls-playback.ts';
import type { ContentReading, MediaWatch, MediaWatchDeps } from './types.ts';

/** Beyond the no-signal duration, how long ffmpeg may stay without a progress block before it counts as hung. */
export const HANG_MARGIN_MS = 5_000;

/** The no-signal (or stall) duration the hang watchdog adds its margin to. */
function signalDurationMs(config: ReturnType<typeof withDefaults>): number {
  return config.picture?.noSignalForMs ?? config.sound?.silentForMs ?? config.playback?.stalledForMs ?? 2_000;
}

export function createMediaWatch(deps: MediaWatchDeps): MediaWatch {
  const config = withDefaults(deps.config);
  const { feed, clock, log } = deps;
  let tracker = new ContentTracker(config, clock);
  let stopFeed: (() => void) | undefined;
  let running = false;

  const readers = {
    progress: new ProgressReader(),
    video: new MetadataReader('video'),
    audio: new MetadataReader('audio'),
  };
  const observe = (events: MediaEvent[]): void => {
    for (const event of events) tracker.observe(event);
  };

  // What viewers get over HLS: the playlist itself is polled, besides ffmpeg decoding it.
  const pollsPlaylist = config.playback !== undefined && feed.kind === 'url' && isHttpPlaylist(feed.url);
  let poller: HlsPlaybackPoller | undefined;

  const onPicture = deps.onPicture && makesPictures(config) ? deps.onPicture : undefined;
  // An oversize picture is still cut out whole (the outbox drops it with a log line); only a runaway one is resynchronised.
  let pictures = new JpegSplitter(4 * PICTURE_MAX_BYTES);

  const analyser = new FfmpegProcess({
    ffmpegPath: config.analysis.ffmpegPath,
    args: ffmpegArgs(feed, config, onPicture !== undefined),
    ...(onPicture ? { onPictureBytes: (chunk: Buffer) => pictures.push(chunk).forEach(onPicture) } : {}),
    takesStdin: feed.kind === 'images',
    hangAfterMs: signalDurationMs(config) + HANG_MARGIN_MS,
    clock,
    log,
    onLine(output: FfmpegOutput, line: string) {
      if (output === 'stderr') return void log.debug({ ffmpeg: line }, 'ffmpeg says');
      observe(readers[output].line(line));
    },
    onStarted() {
      // A new process: new stream times, no half-read frame or block of the last one.
      readers.progress = new ProgressReader();
      readers.video = new MetadataReader('video');
      readers.audio = new MetadataReader('audio');
      pictures = new JpegSplitter(4 * PICTURE_MAX_BYTES);
      tracker.analyserRestarted();
    },
    onUnavailable(reason: string) {
      tracker.analyserUnavailable(reason);
    },
  });

  return {
    start() {
      if (running) return;
      running = true;
      tracker = new ContentTracker(config, clock); // signal age counts from this start
      log.info({ source: describeFeed(feed), role: config.role }, 'media watch starting');
      analyser.start();
      if (pollsPlaylist && feed.kind === 'url') {
        poller = new HlsPlaybackPoller({ url: feed.url, clock, fetch: globalThis.fetch, sink: tracker, log });
        poller.start();
      }
      if (feed.kind === 'images') {
        stopFeed = feed.subscribe(
          // Whole 4 KiB blocks: image2pipe decodes a picture only once the block it ends in is full.
          (bytes) => analyser.write(padToBlock(bytes, feed.format)),
          (peakDb, magnitudeDb) => tracker.noteLevels(peakDb, magnitudeDb),
        );
      }
    },
    reading(): ContentReading {
      return tracker.reading();
    },
    async stop() {
      if (!running) return;
      running = false;
      stopFeed?.();
      stopFeed = undefined;
      await Promise.all([analyser.stop(), poller?.stop()]);
      poller = undefined;
      log.info('media watch stopped');
    },
  };
}

/** For logs: the feed without credentials a URL may carry (rtsp://user:pass@…). */
export function describeFeed(feed: MediaWatchDeps['feed']): string {
  if (feed.kind === 'images') return `${feed.format} pictures from the driver`;
  return feed.url.replace(/\/\/[^/@]*@/, '//***@');
}
