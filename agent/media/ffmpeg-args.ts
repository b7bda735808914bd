/**
 * The ffmpeg 5.1 command line for one watched feed (pure). Three outputs, each on its own pipe so
 * no two writers share a buffer: `-progress` blocks on stdout (the frame-arrival watchdog), the
 * video detectors' frame metadata on fd 3, the audio's on fd 4 (`direct=1`: written as each frame
 * passes, not when a 32 KB buffer fills). stderr carries ffmpeg's warnings and errors only.
 * Option facts: reference media-and-alerting.md §1.2-1.8, checked with `ffmpeg -h` on Debian's 5.1.
 */
import type { MediaWatchConfig, SoundChecks } from '../../protocols/media.ts';
import { PICTURE_INTERVAL_MS, PICTURE_QUALITY, PICTURE_WIDTH } from '../../protocols/pictures.ts';
import type { MediaFeed } from './types.ts';

/** Where each output of the analysis goes (child stdio indexes); fd 5: the live pictures, when asked. */
export const OUTPUT_FDS = { progress: 1, videoMetadata: 3, audioMetadata: 4, pictures: 5 } as const;

/**
 * Whether the watch also makes the wall's live pictures: only where the picture is checked (a feed
 * whose picture is checked has video; an output with no stream at all would be an error that ends
 * ffmpeg, and with it the sound's analysis).
 */
export const makesPictures = (config: MediaWatchConfig): boolean => config.picture !== undefined;

/** How long a network read may block before ffmpeg gives up by itself (it is then restarted). */
export const readTimeoutMs = (config: MediaWatchConfig): number =>
  Math.max(2_000, config.picture?.noSignalForMs ?? config.sound?.silentForMs ?? config.playback?.stalledForMs ?? 2_000);

/** `config` with its defaults filled (config-defaults.ts withDefaults). `pictures`: also the wall's live pictures on fd 5. */
export function ffmpegArgs(feed: MediaFeed, config: MediaWatchConfig, pictures = false): string[] {
  // Playback needs frames arriving, not detectors: video is decoded (cheaply) even without picture checks.
  const video = config.picture !== undefined || config.playback !== undefined || feed.kind === 'images';
  const audio = config.sound !== undefined && feed.kind === 'url';
  const args = [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'warning',
    '-progress',
    `pipe:${OUTPUT_FDS.progress}`,
    '-stats_period',
    '0.5',
  ];
  args.push(...inputArgs(feed, config));
  // `?`: a stream the input lacks is skipped, not an error (a camera without a microphone, a radio feed).
  if (video) args.push('-map', '0:v:0?', '-filter:v', videoChain(feed, config));
  else args.push('-vn');
  if (audio) args.push('-map', '0:a:0?', '-filter:a', audioChain(config.sound!));
  else args.push('-an');
  args.push('-f', 'null', '-');
  if (pictures && video) args.push(...pictureOutput(feed.kind === 'images'));
  return args;
}

/**
 * The live pictures (protocols/pictures.ts): a second output of the same process. ffmpeg decodes an
 * input stream once and hands each decoded frame to every output's filter, so this costs no second
 * decode: one frame a second dropped to by `fps` first, scaled to 320 px wide and JPEG-encoded, to a
 * pipe of its own (`-flush_packets 1`: each picture written out as it is made, not when 32 KB fill).
 */
function pictureOutput(oneASecondAlready: boolean): string[] {
  // A driver's pictures come about once a second: each is re-encoded as it comes (`fps` would hold
  // each one back until the next arrived, a second late).
  // `-fps_mode passthrough`: without it, the encoder's constant frame rate repeated each picture ~25 times.
  const rate = oneASecondAlready ? '' : `fps=${1000 / PICTURE_INTERVAL_MS},`;
  const passthrough = oneASecondAlready ? ['-fps_mode', 'passthrough'] : [];
  return [
    // Full-range 4:2:0 as JPEG means it; asking for yuvj420p instead made swscale warn on every picture
    // ("deprecated pixel format used"), and mjpeg takes plain yuv420p only with `-strict unofficial`.
    ...['-map', '0:v:0?', '-filter:v', `${rate}scale=${PICTURE_WIDTH}:-2:out_range=full,format=yuv420p`],
    ...passthrough,
    ...['-c:v', 'mjpeg', '-q:v', String(PICTURE_QUALITY), '-strict', 'unofficial', '-flush_packets', '1'],
    ...['-f', 'image2pipe', `pipe:${OUTPUT_FDS.pictures}`],
  ];
}

function inputArgs(feed: MediaFeed, config: MediaWatchConfig): string[] {
  const a = config.analysis;
  // One decoding thread per feed: the same CPU for a real-time feed (reference §1.9), less memory, no core hogged.
  const decode = ['-threads', '1', ...(a.keyframesOnly ? ['-skip_frame:v', 'nokey'] : [])];
  if (feed.kind === 'images') {
    // Pictures come about once a second: stamp each with its arrival so durations are wall-clock ones.
    // No probing beyond the first picture: with the default 5 MB, ffmpeg 5.1 decoded nothing for
    // over 6 s of pictures at five a second.
    return [
      ...['-probesize', '32', '-analyzeduration', '0', ...decode, '-use_wallclock_as_timestamps', '1'],
      ...['-f', 'image2pipe', '-c:v', IMAGE_DECODERS[feed.format], '-i', 'pipe:0'],
    ];
  }
  // Low latency (reference §1.8): first frame in ~1.5 s instead of ~5.4 s.
  const lowLatency = ['-fflags', 'nobuffer', '-probesize', '500000', '-analyzeduration', '500000'];
  const { options, url } = networkOptions(feed.url, readTimeoutMs(config) * 1000);
  return [...lowLatency, ...decode, ...options, '-i', url];
}

const IMAGE_DECODERS: Record<'png' | 'jpeg' | 'bmp', string> = { png: 'png', jpeg: 'mjpeg', bmp: 'bmp' };

/** Per scheme, a read timeout so a stalled input ends ffmpeg instead of blocking it for ever (reference §1.7). */
export function networkOptions(url: string, timeoutUs: number): { options: string[]; url: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? 'file';
  switch (scheme) {
    case 'rtsp':
    case 'rtsps':
      // TCP: no lost UDP packets through NAT or a busy loopback; `-timeout` is the socket timeout in µs (no -stimeout in 5.1).
      return { options: ['-rtsp_transport', 'tcp', '-timeout', String(timeoutUs)], url };
    case 'udp':
      // timeout µs; overrun_nonfatal: a late reader drops packets rather than dying.
      return { options: [], url: withQuery(url, { timeout: String(timeoutUs), overrun_nonfatal: '1' }) };
    case 'srt':
      // We call the sender; timeout µs for reads.
      return { options: [], url: withQuery(url, { mode: 'caller', timeout: String(timeoutUs) }) };
    case 'rtmp':
    case 'rtmps':
    case 'http':
    case 'https':
    case 'tcp':
      // For rtmp, `-timeout` means "listen" (reference §1.8): the generic AVIO rw_timeout is the client's read timeout.
      return { options: ['-rw_timeout', String(timeoutUs)], url };
    default:
      return { options: [], url };
  }
}

/** Adds query parameters the URL does not set already (the device's own choice wins). */
export function withQuery(url: string, params: Record<string, string>): string {
  let out = url;
  for (const [key, value] of Object.entries(params)) {
    if (new RegExp(`[?&]${key}=`).test(out)) continue;
    out += `${out.includes('?') ? '&' : '?'}${key}=${value}`;
  }
  return out;
}

/**
 * `file='pipe\:3'`: the graph's parser strips one level of escaping and the filter's option parser
 * another, so the colon is escaped inside quotes (an unquoted `pipe\:3` reached the filter as
 * `pipe:3` and ffmpeg 5.1 failed: `Unable to parse option value "3" as boolean`).
 */
const printTo = (fd: number): string => `direct=1:file='pipe\\:${fd}'`;
const seconds = (ms: number): string => String(ms / 1000);

/**
 * freezedetect and silencedetect tell a fault only once it has lasted their own `d`, on the frame
 * that reaches it: a frame a busy moment (or ~¼ s of AAC packed in one MPEG-TS packet) made late
 * made the declaration late by as much. They are told after this instead, and the watch counts the
 * configured duration itself from the fault's start, as it does for black (content-tracker.ts).
 */
export const TELL_AFTER_MS = 500;
const tellAfter = (durationMs: number): string => seconds(Math.min(durationMs, TELL_AFTER_MS));

function videoChain(feed: MediaFeed, config: MediaWatchConfig): string {
  const a = config.analysis;
  // Pictures (one a second) and keyframes (one a GOP) are analysed as they come: an fps filter would
  // repeat each one until the next, and freezedetect would call the repeats a freeze.
  const sparse = feed.kind === 'images' || a.keyframesOnly;
  const filters = [...(sparse ? [] : [`fps=${a.fps}`]), `scale=${a.width}:${a.height}`];
  const p = config.picture;
  if (p) {
    filters.push(
      `blackdetect=d=${seconds(p.blackForMs)}:pic_th=${p.blackPictureRatio}:pix_th=${p.blackPixelThreshold}`,
      `freezedetect=n=${p.freezeNoiseDb}dB:d=${tellAfter(p.frozenForMs)}`,
      // A key on every frame, so the print filter tells each analysed frame's time, not only the
      // detectors' edges: the watch maps stream time to the wall clock with them (stream-clock.ts).
      'metadata=mode=add:key=onair.frame:value=1',
      `metadata=mode=print:${printTo(OUTPUT_FDS.videoMetadata)}`,
    );
  }
  return filters.join(',');
}

function audioChain(s: SoundChecks): string {
  return [
    // metadata=1 cuts the audio into 100 ms frames carrying lavfi.r128.*; astats then measures each one (reset=1).
    // First in the chain: its new frames do not carry what a filter before it attached (silencedetect's
    // lavfi.silence_start was lost that way on AAC from a real stream, ffmpeg 5.1).
    'ebur128=metadata=1',
    `silencedetect=n=${s.silenceBelowDb}dB:d=${tellAfter(s.silentForMs)}`,
    'astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=Peak_level',
    `ametadata=mode=print:${printTo(OUTPUT_FDS.audioMetadata)}`,
  ].join(',');
}
