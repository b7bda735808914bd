/**
 * What a simulated camera or encoder shows and sounds like, as ffmpeg filters (pure: no process here).
 *
 * The content is made by ffmpeg itself (`testsrc2` and `sine` through a filter graph) and switched
 * while it runs by filter commands typed on ffmpeg's stdin (its interactive `c` key: "target time
 * command argument", answered by a "Command reply" line on stderr). Why this and not frames and PCM
 * generated in Node: a 1080p stream would mean ~78 MB/s of raw video through a pipe and per-pixel work
 * in JavaScript; here Node sends a few bytes per switch, the picture stays a real moving test pattern,
 * and no native module is needed (ffmpeg's zmq filter would need one in Node).
 *
 * Each aspect has one filter instance whose runtime command sets it:
 * - `drawbox@black`: a black box over the whole picture, timeline `enable` 0/1;
 * - `overlay@frozen`: the pattern's first frame, held by `loop`, laid over the live picture
 *   (`enable` 0/1): a still picture with real content, as a hung capture card shows;
 * - `volume@level`: the tone's gain; an `aformat=s16` after it clips whatever goes past full scale,
 *   as an overdriven analogue input does, instead of letting float samples run above 0 dBFS.
 */

/**
 * What a source can be told to show: normal, or one of the contract's picture and sound faults
 * (protocols/media.ts ContentFault; a unit test checks the two lists agree). Spelled out here because
 * ContentFault's static type is `string` (its union is built from a mapped array).
 */
export const SOURCE_CONTENTS = ['normal', 'black', 'frozen', 'no-signal', 'silent', 'clipping', 'too-loud', 'too-quiet'] as const;
export type SourceContent = (typeof SOURCE_CONTENTS)[number];
export type PictureContent = 'normal' | 'black' | 'frozen';
export type SoundContent = 'normal' | 'silent' | 'clipping' | 'too-loud' | 'too-quiet';

/** The whole state: the picture, the sound, and whether anything is sent at all. */
export interface ContentState {
  picture: PictureContent;
  sound: SoundContent;
  /** false: the encoder sends nothing (a camera whose sensor or cable is gone). */
  signal: boolean;
}

export const NORMAL_CONTENT: ContentState = { picture: 'normal', sound: 'normal', signal: true };

/**
 * The state after `content`: `normal` restores everything; a picture fault changes the picture and
 * keeps the sound (and the reverse), so a test can make a feed both black and silent; `no-signal`
 * stops the output and keeps what comes back when the signal does.
 */
export function applyContent(state: ContentState, content: SourceContent): ContentState {
  if (content === 'normal') return NORMAL_CONTENT;
  if (content === 'no-signal') return { ...state, signal: false };
  const withSignal = { ...state, signal: true };
  if (content === 'black' || content === 'frozen') return { ...withSignal, picture: content };
  return { ...withSignal, sound: content };
}

/**
 * The tone's gain per sound state. `sine` makes a 1 kHz tone at amplitude 1/8 (−18.06 dBFS peak), so:
 * normal −20 dBFS peak (a mono 1 kHz sine reads ≈ −23 LUFS: EBU R 128's target); too-loud −8 dBFS
 * (≈ −11 LUFS: above both −23 and the platforms' −14); too-quiet −43 dBFS (≈ −46 LUFS, still well
 * above the −60 dBFS silence threshold); clipping +30 dB, flattened at full scale by the s16 step;
 * silent: gain 0, digital silence.
 */
export const SOUND_GAIN: Readonly<Record<SoundContent, string>> = {
  normal: '-2dB',
  'too-loud': '10dB',
  'too-quiet': '-25dB',
  clipping: '30dB',
  silent: '0',
};

/** A filter command as ffmpeg's interactive `c` key takes it: target, time (−1: now), command, argument. */
export interface FilterCommand {
  target: string;
  command: string;
  arg: string;
}

const pictureCommands = (picture: PictureContent): FilterCommand[] => [
  { target: 'drawbox@black', command: 'enable', arg: picture === 'black' ? '1' : '0' },
  { target: 'overlay@frozen', command: 'enable', arg: picture === 'frozen' ? '1' : '0' },
];
const soundCommand = (sound: SoundContent): FilterCommand => ({ target: 'volume@level', command: 'volume', arg: SOUND_GAIN[sound] });

/** The commands that take a running graph from `from` to `to`: only what differs, each costs ffmpeg ~100 ms. */
export function commandsBetween(from: ContentState, to: ContentState): FilterCommand[] {
  const commands: FilterCommand[] = [];
  if (from.picture !== to.picture) {
    const before = pictureCommands(from.picture);
    commands.push(...pictureCommands(to.picture).filter((c, i) => c.arg !== before[i]!.arg));
  }
  if (from.sound !== to.sound) commands.push(soundCommand(to.sound));
  return commands;
}

/** One command as a line on ffmpeg's stdin (the `c` key, then the line ffmpeg's sscanf reads). */
export const commandLine = (c: FilterCommand): string => `c${c.target} -1 ${c.command} ${c.arg}\n`;

export type StreamSize = 'substream' | 'main';
/** Sizes, and the constant quantiser each needs for a still picture to stay still (see encoderArgs). */
export const FRAME_SIZE: Readonly<Record<StreamSize, { width: number; height: number; qp: number }>> = {
  substream: { width: 640, height: 360, qp: 20 },
  main: { width: 1920, height: 1080, qp: 23 },
};
export const FRAME_RATE = 25;

/**
 * ffmpeg's input and encoding arguments for `state` (the output's muxer and URL are the transport's).
 * The graph starts in `state`, so a restarted encoder shows what it showed before without a command.
 * A keyframe every second (-g 25, no scene cuts) so a watcher joining mid-stream and an HLS segmenter
 * cutting 1 s segments both find one soon. A constant quantiser, not a bitrate: with rate control
 * (600 kb/s) x264 re-codes a still picture at each keyframe and refines it between, and freezedetect
 * at −60 dB read that as movement (a freeze switched on at 2.5 s "ended" at 3.0 and 3.6 s). At a
 * constant quantiser only the first keyframe after the switch can differ from the frames before it:
 * at qp 20 (640x360) and 23 (1920x1080) it did not, analysed at full size or at 320x180; at 640x360
 * qp 23 and 26 did, at full size (measured 2026-12-07, ffmpeg 5.1.9). The price: testsrc2 costs ~2.0 Mb/s at 640x360 and ~13 Mb/s
 * at 1920x1080 (real cameras: ~0.5-1 and 4-8 Mb/s).
 */
export function encoderArgs(size: StreamSize, state: ContentState): string[] {
  const { width, height, qp } = FRAME_SIZE[size];
  const on = (yes: boolean) => (yes ? 1 : 0);
  const graph = [
    '[0:v]split[live][first]',
    `[first]trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${FRAME_RATE}/TB[still]`,
    `[live][still]overlay@frozen=enable=${on(state.picture === 'frozen')},drawbox@black=c=black:t=fill:enable=${on(state.picture === 'black')}[v]`,
    `[1:a]volume@level=volume=${SOUND_GAIN[state.sound]},aformat=sample_fmts=s16[a]`,
  ].join(';');
  return [
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=${FRAME_RATE}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=f=1000:sample_rate=48000',
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(FRAME_RATE),
    '-keyint_min',
    String(FRAME_RATE),
    '-sc_threshold',
    '0',
    '-qp',
    String(qp),
    '-c:a',
    'aac',
    '-b:a',
    '96k',
  ];
}
