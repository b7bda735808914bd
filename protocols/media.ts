/**
 * Picture and sound (issue 22): what an agent watches in a device's media and how it says what it saw.
 * The contract between the agent's media watch (agent/media/), the device config and profiles that
 * switch it on, and the controller that decides on its checks and counts them in the report. One
 * source for runtime validation, the TypeScript types and the published JSON Schema.
 *
 * Defaults and where they come from (docs/media.md keeps the table):
 * - black and freeze for 2 s: ffmpeg's blackdetect/freezedetect defaults (`d=2`), the figure
 *   broadcast monitors start from (the Evertz 7700ACO2 counts freeze in frames, ~10 s at its default);
 * - silence below −60 dBFS for 3 s: the Evertz changeover's silence level (−60 dBFS) with a shorter
 *   duration than its 10 s, since a live stream's silent host is noticed within seconds;
 * - clipping for 1 s: sample peaks at 0 dBFS (−0.1 dBFS and above) held for a second;
 * - loudness: EBU R 128 (−23 LUFS, live tolerance ±1 LU) for broadcast, −14 LUFS for streaming
 *   platforms (Spotify's documented normalisation; YouTube's is not documented), checked on the
 *   short-term (3 s) loudness only when the profile or show asks for it.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The health checks a media watch adds to a device's probe: one per aspect, so rules and reports can name them. */
export const CONTENT_CHECKS = ['picture', 'sound', 'playback'] as const;
export type ContentCheckName = (typeof CONTENT_CHECKS)[number];
export const isContentCheck = (name: string): name is ContentCheckName => (CONTENT_CHECKS as readonly string[]).includes(name);

/** What is wrong with the content, in the words an alarm, a check's detail and the report use. */
export const CONTENT_FAULTS = ['black', 'frozen', 'no-signal', 'silent', 'clipping', 'too-loud', 'too-quiet', 'stalled', 'behind'] as const;
/** Each literal keeps its own type (a plain string array would make ContentFault just `string`). */
export const ContentFault = Type.Union(
  CONTENT_FAULTS.map((k) => Type.Literal(k)),
  { description: 'what is wrong with a picture, a sound or a playback' },
);
export type ContentFault = Static<typeof ContentFault>;
export const isContentFault = (name: string): name is ContentFault => (CONTENT_FAULTS as readonly string[]).includes(name);

/** Which check each fault belongs to. */
export const FAULT_CHECK: Readonly<Record<ContentFault, ContentCheckName>> = {
  black: 'picture',
  frozen: 'picture',
  'no-signal': 'picture',
  silent: 'sound',
  clipping: 'sound',
  'too-loud': 'sound',
  'too-quiet': 'sound',
  stalled: 'playback',
  behind: 'playback',
};

/**
 * What the watched media is to the show: a source (a camera's or a mic's own feed: its fault is the
 * device's, and the slot's failover rules act on it), the program (what the switcher sends out), or
 * the playback (what viewers get from the platform). Faults of the program and the playback count
 * in the report's failure time whatever the gear says.
 */
export const MediaRole = Type.Union([Type.Literal('source'), Type.Literal('program'), Type.Literal('playback')], { default: 'source' });
export type MediaRole = Static<typeof MediaRole>;

/**
 * Where the media comes from: a URL ffmpeg opens (rtsp, srt, rtmp, udp MPEG-TS, an HLS playlist over
 * http), the device's own stream as its driver finds it (ONVIF GetStreamUri for the profile's media
 * profile), or pictures the driver takes itself (OBS GetSourceScreenshot).
 */
export const MediaSource = Type.Union([
  Type.Object(
    { url: Type.String({ minLength: 1, description: 'rtsp://, srt://, rtmp://, udp://, http(s):// (HLS)' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      fromDriver: Type.Literal('stream', { description: "the device's own stream URL, asked from its driver (ONVIF: GetStreamUri)" }),
      mediaProfile: Type.Optional(
        Type.String({ description: 'ONVIF media profile token; default: the lowest-resolution one (a substream)' }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { fromDriver: Type.Literal('screenshots', { description: 'pictures the driver takes (OBS: the program scene), about one a second' }) },
    { additionalProperties: false },
  ),
]);
export type MediaSource = Static<typeof MediaSource>;

const durationMs = (def: number, description: string) => Type.Integer({ minimum: 0, default: def, description });

export const PictureChecks = Type.Object(
  {
    blackForMs: durationMs(2_000, 'black at least this long is a fault (ffmpeg blackdetect d=2)'),
    /** blackdetect's pix_th: a pixel at or below this share of the luma range is black. */
    blackPixelThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
    /** blackdetect's pic_th: this share of the picture's pixels black makes the picture black. */
    blackPictureRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.98 }),
    frozenForMs: durationMs(2_000, 'no change at least this long is a fault (ffmpeg freezedetect d=2)'),
    /** freezedetect's noise tolerance, in dB (−60 dB: its default). */
    freezeNoiseDb: Type.Number({ maximum: 0, default: -60 }),
    noSignalForMs: durationMs(2_000, 'no decoded frame for this long (the input stalled or ended) is a fault'),
    mayBeDark: Type.Boolean({ default: false, description: 'a dark scene is legitimate here: black is reported, never a fault' }),
    mayBeStill: Type.Boolean({
      default: false,
      description: 'a still picture is legitimate here (slides, a caption card, a paused scene): frozen is reported, never a fault',
    }),
  },
  { additionalProperties: false },
);
export type PictureChecks = Static<typeof PictureChecks>;

export const Loudness = Type.Object(
  {
    targetLufs: Type.Number({ default: -23, description: 'EBU R 128: −23 LUFS (broadcast); streaming platforms: −14 to −16' }),
    toleranceLu: Type.Number({ minimum: 0, default: 3, description: 'short-term loudness further than this from the target is a fault' }),
    forMs: durationMs(10_000, 'outside the tolerance at least this long'),
  },
  { additionalProperties: false },
);
export type Loudness = Static<typeof Loudness>;

export const SoundChecks = Type.Object(
  {
    silenceBelowDb: Type.Number({ maximum: 0, default: -60, description: 'silencedetect noise level, dBFS' }),
    silentForMs: durationMs(3_000, 'silence at least this long is a fault'),
    clippingForMs: durationMs(1_000, 'samples at full scale (≥ −0.1 dBFS) for at least this long'),
    loudness: Type.Optional(Loudness),
    maySilence: Type.Boolean({ default: false, description: 'a planned silence: silence is reported, never a fault' }),
  },
  { additionalProperties: false },
);
export type SoundChecks = Static<typeof SoundChecks>;

export const PlaybackChecks = Type.Object(
  {
    stalledForMs: durationMs(10_000, 'the playlist has not advanced, or no segment arrived, for this long'),
    behindMs: Type.Optional(Type.Integer({ minimum: 0, description: 'end-to-end delay from program to playback above this is a fault' })),
  },
  { additionalProperties: false },
);
export type PlaybackChecks = Static<typeof PlaybackChecks>;

/**
 * How the analysis keeps its cost small (a 1080p30 H.264 decode alone costs ~18% of a core here):
 * reduced size and rate, keyframes only where the checks allow it.
 */
export const AnalysisSettings = Type.Object(
  {
    width: Type.Integer({ minimum: 16, default: 320 }),
    height: Type.Integer({ minimum: 16, default: 180 }),
    /** 10: a fault's first frame is seen within 100 ms; decoding, not these filters, is the cost (docs/media.md). */
    fps: Type.Number({ exclusiveMinimum: 0, maximum: 30, default: 10 }),
    keyframesOnly: Type.Boolean({
      default: false,
      description: 'decode keyframes only (-skip_frame nokey): cheap, but a freeze is seen late',
    }),
    ffmpegPath: Type.String({ minLength: 1, default: 'ffmpeg' }),
  },
  { additionalProperties: false, default: {} },
);
export type AnalysisSettings = Static<typeof AnalysisSettings>;

/**
 * A device's media watch: in its config (agent YAML or registration), with defaults from its profile.
 * An aspect (picture, sound, playback) is checked when the config names it — `picture: {}` is its
 * defaults — so a camera without audio is never "silent"; the aspects have no object default for
 * that reason. A config that names none is watched for what its role implies (agent/media/with-media.ts).
 */
export const MediaWatchConfig = Type.Object(
  {
    source: MediaSource,
    role: MediaRole,
    picture: Type.Optional(PictureChecks),
    sound: Type.Optional(SoundChecks),
    playback: Type.Optional(PlaybackChecks),
    analysis: AnalysisSettings,
  },
  { additionalProperties: false },
);
export type MediaWatchConfig = Static<typeof MediaWatchConfig>;

/** Metrics a media watch adds to the device's health (names the health rules and the console read). */
export const MEDIA_METRICS = {
  /** The faults present now, comma-separated, '' when none (e.g. "black,silent"). */
  contentFaults: 'contentFaults',
  /** Milliseconds since the last decoded frame. */
  frameAgeMs: 'frameAgeMs',
  shortTermLufs: 'shortTermLufs',
  peakDbfs: 'peakDbfs',
  /** Playback: end-to-end delay from program to playback, where it can be measured. */
  playbackDelayMs: 'playbackDelayMs',
  /** Playback: how much longer than its own duration the newest segment took to download (0: in time). */
  segmentLateMs: 'segmentLateMs',
} as const;
