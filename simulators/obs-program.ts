/**
 * What the simulated OBS's program looks and sounds like (issue 22), so a media watch analyses real
 * pictures and real meter levels:
 * - GetSourceScreenshot [RequestHandler_Sources.cpp]: a scene renders a picture at the requested
 *   size, encoded as png or jpg (the formats GetVersion lists) and answered as a data URI
 *   `data:image/<format>;base64,…`. Each scene's content is switchable: `normal` (a picture that
 *   changes every frame), `black`, `frozen` (the frame it froze on, byte for byte).
 * - InputVolumeMeters [utils/Obs_VolumeMeter.cpp GetMeterData]: per active audio input and channel
 *   `[magnitude × volume, peak × volume, peak]`, linear; each input's level switchable: `normal`
 *   (peaks about −20 dBFS), `silent` (0.0), `clipping` (1.0).
 *
 * Pictures are made here as raw RGB and encoded by Debian's ffmpeg (one short child per screenshot),
 * not by an npm image library: ffmpeg is already what issue 22 requires on every agent and in CI, it
 * writes both formats OBS advertises (png and jpg, where pngjs writes png only), and it adds no
 * dependency to the package. Without ffmpeg a screenshot fails the way OBS's does when encoding
 * fails (702 RequestProcessingFailed), saying why.
 */
import { spawn } from 'node:child_process';
import type { Answer } from './obs-requests.ts';

export const SCENE_CONTENTS = ['normal', 'black', 'frozen'] as const;
export type SceneContent = (typeof SCENE_CONTENTS)[number];
export const AUDIO_LEVELS = ['normal', 'silent', 'clipping'] as const;
export type AudioLevel = (typeof AUDIO_LEVELS)[number];

export interface SceneState {
  content: SceneContent;
  /** The frame a frozen scene shows. */
  frozenFrame: number;
}

export interface AudioInput {
  inputName: string;
  inputUuid: string;
  level: AudioLevel;
}

/** The canvas (Settings → Video → Base resolution) every scene has. */
export const CANVAS = { width: 1920, height: 1080 } as const;
const FPS = 30;
/** Formats GetVersion answers in supportedImageFormats (Qt's writers; the simulator offers these two). */
export const IMAGE_FORMATS = ['png', 'jpg'] as const;

/** The canvas frame showing at `ms` (Date.now()). */
export const frameAt = (ms: number): number => Math.floor((ms * FPS) / 1000);

// SMPTE-like bars at 75 %, in each scene's own order so a take changes the picture.
const BARS: ReadonlyArray<readonly [number, number, number]> = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

/**
 * One picture of a scene as rgb24, `width`×`height`. Normal: colour bars, a white block that moves
 * with the frame and the frame number in binary along the bottom, so two frames never match (a
 * freeze detector sees motion) and the picture is far from black. Black: every pixel 0.
 */
export function renderPicture(content: SceneContent, sceneIndex: number, frame: number, width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  if (content === 'black') return rgb;
  const barWidth = width / BARS.length;
  const block = Math.max(2, Math.round(width / 8));
  const blockX = Math.round((frame * 3 * width) / 320) % Math.max(1, width - block);
  const blockTop = Math.round(height / 4);
  const bitHeight = Math.max(2, Math.round(height / 12));
  const bitWidth = width / 24;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let colour = BARS[(Math.floor(x / barWidth) + sceneIndex) % BARS.length]!;
      if (x >= blockX && x < blockX + block && y >= blockTop && y < blockTop + block) colour = [255, 255, 255];
      if (y >= height - bitHeight) colour = (frame >> Math.floor(x / bitWidth)) & 1 ? [255, 255, 255] : [40, 40, 40];
      const at = (y * width + x) * 3;
      rgb[at] = colour[0];
      rgb[at + 1] = colour[1];
      rgb[at + 2] = colour[2];
    }
  }
  return rgb;
}

/**
 * The screenshot's size as obs-websocket computes it: the source's own size when neither is given,
 * the other side from the source's aspect when one is given, and exactly both when both are (the
 * code stretches; its documentation says "scale to inner").
 */
export function screenshotSize(width: number | undefined, height: number | undefined): { width: number; height: number } {
  const aspect = CANVAS.width / CANVAS.height;
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: Math.trunc(width / aspect) };
  if (height !== undefined) return { width: Math.trunc(height * aspect), height };
  return { ...CANVAS };
}

/** What a screenshot needs from the simulated OBS. */
export interface ScreenshotSource {
  scenes: readonly string[];
  scene: ReadonlyMap<string, SceneState>;
  audio: readonly AudioInput[];
  /** Whether a fault overrides every scene's content (program-black, program-frozen, a stalled canvas). */
  override: { content: SceneContent; frozenFrame: number } | undefined;
}

/** GetSourceScreenshot, validated in obs-websocket's order: source, imageFormat, its support, then the numbers. */
export async function answerScreenshot(
  s: ScreenshotSource,
  data: Record<string, unknown>,
  now: number,
  ffmpegPath = 'ffmpeg',
): Promise<Answer> {
  const name = data.sourceName;
  if (typeof name !== 'string' && typeof data.sourceUuid !== 'string')
    return { code: 300, comment: 'Your request is missing the `sourceName` field.' };
  const sceneIndex = s.scenes.findIndex((scene) => scene === name);
  const input = s.audio.find((a) => a.inputName === name);
  if (sceneIndex < 0 && !input) return { code: 600, comment: `No source was found by the name of \`${String(name ?? data.sourceUuid)}\`.` };
  const format = data.imageFormat;
  if (typeof format !== 'string') return { code: 300, comment: 'Your request is missing the `imageFormat` field.' };
  if (!(IMAGE_FORMATS as readonly string[]).includes(format))
    return { code: 400, comment: 'Your specified image format is invalid or not supported by this system.' };
  const numbers: Array<[string, number, number]> = [
    ['imageWidth', 8, 4096],
    ['imageHeight', 8, 4096],
    ['imageCompressionQuality', -1, 100],
  ];
  for (const [field, min, max] of numbers) {
    const value = data[field];
    if (value === undefined) continue;
    if (typeof value !== 'number') return { code: 401, comment: `The field value of \`${field}\` must be a number.` };
    if (value < min) return { code: 402, comment: `The field value of \`${field}\` is below the minimum of \`${min}\`` };
    if (value > max) return { code: 402, comment: `The field value of \`${field}\` is above the maximum of \`${max}\`` };
  }
  // An audio-only input has no video to render (its size is 0×0).
  if (sceneIndex < 0) return { code: 702, comment: 'Failed to render screenshot.' };
  const size = screenshotSize(data.imageWidth as number | undefined, data.imageHeight as number | undefined);
  const state = s.override ?? s.scene.get(name as string) ?? { content: 'normal', frozenFrame: 0 };
  const frame = state.content === 'frozen' ? state.frozenFrame : frameAt(now);
  const rgb = renderPicture(state.content, sceneIndex, frame, size.width, size.height);
  try {
    const bytes = await encodeImage(
      rgb,
      size,
      format as (typeof IMAGE_FORMATS)[number],
      (data.imageCompressionQuality as number | undefined) ?? -1,
      ffmpegPath,
    );
    return { code: 100, data: { imageData: `data:image/${format};base64,${bytes.toString('base64')}` } };
  } catch (err) {
    return { code: 702, comment: `Failed to encode screenshot. (${(err as Error).message})` };
  }
}

/**
 * rgb24 → png or jpg by ffmpeg. Quality as Qt's writers take it: −1 default, 0 smallest, 100 best
 * (png: zlib level 9 … 0; jpg: ffmpeg's mjpeg q 31 … 2).
 */
export function encodeImage(
  rgb: Buffer,
  size: { width: number; height: number },
  format: (typeof IMAGE_FORMATS)[number],
  quality: number,
  ffmpegPath = 'ffmpeg',
): Promise<Buffer> {
  const codec =
    format === 'png'
      ? ['-c:v', 'png', ...(quality >= 0 ? ['-compression_level', String(Math.round(((100 - quality) / 100) * 9))] : [])]
      : ['-c:v', 'mjpeg', '-q:v', String(quality >= 0 ? Math.round(31 - (quality / 100) * 29) : 5)];
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${size.width}x${size.height}`];
  args.push('-i', 'pipe:0', '-frames:v', '1', ...codec, '-f', 'image2pipe', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdin.on('error', () => undefined); // ffmpeg exiting early closes its stdin: the exit says why
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? `ffmpeg not found at ${ffmpegPath}` : e.message)),
    );
    child.on('close', (code) => {
      if (code === 0 && out.length > 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited with ${String(code)}: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
    child.stdin.end(rgb);
  });
}

/** Linear levels of one channel at a level setting; `tick` makes normal audio move like speech does. */
function channelLevels(level: AudioLevel, tick: number, channel: number): [number, number, number] {
  if (level === 'silent') return [0, 0, 0];
  if (level === 'clipping') return [0.7, 1, 1];
  const peak = 0.1 * (1 + 0.2 * Math.sin(tick / 3 + channel)); // −20 dBFS ± 2 dB
  return [peak * Math.SQRT1_2, peak, peak];
}

/** The InputVolumeMeters event's data at meter tick `tick` (one tick per 50 ms): stereo inputs, fader at unity. */
export function meterEventData(inputs: readonly AudioInput[], override: AudioLevel | undefined, tick: number): Record<string, unknown> {
  return {
    inputs: inputs.map((input) => ({
      inputName: input.inputName,
      inputUuid: input.inputUuid,
      inputLevelsMul: [0, 1].map((channel) => channelLevels(override ?? input.level, tick, channel)),
    })),
  };
}
