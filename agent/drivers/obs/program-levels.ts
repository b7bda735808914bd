/**
 * What obs-websocket's screenshots and meters say about the program (issue 22), pure:
 * - InputVolumeMeters [utils/Obs_VolumeMeter.cpp GetMeterData]: per active audio input and channel
 *   `[magnitude × volume, peak × volume, peak]`, linear multipliers (dBFS = 20·log10); the fader's
 *   volume is 0 while the input is muted, and an input with no audio for 0.3 s reads 0.
 * - obs-websocket has no meter of the master mix (the meters are per input), so the program's sound
 *   is the loudest of the inputs that make it: every active audio input by default, or the ones the
 *   device's options name. Post-fader values are read: a muted or faded-out mic is what viewers hear.
 * - GetSourceScreenshot answers `data:image/<format>;base64,<bytes>` [RequestHandler_Sources.cpp].
 */

/** Where silence is clamped: 0.0 is −∞ dBFS, and a number has to go in a health metric. */
export const SILENCE_FLOOR_DB = -100;

/** A linear multiplier in dBFS, 0 (or anything not above it) clamped to SILENCE_FLOOR_DB. */
export function toDbfs(linear: number): number {
  if (!(linear > 0)) return SILENCE_FLOOR_DB;
  return Math.max(SILENCE_FLOOR_DB, 20 * Math.log10(linear));
}

export interface ProgramLevels {
  peakDb: number;
  magnitudeDb: number;
  /** The input whose peak was the loudest, undefined when every one read 0 or none metered. */
  loudest: string | undefined;
}

/**
 * The program's levels from one InputVolumeMeters event's `inputs`: the highest post-fader peak
 * and magnitude of the inputs in `only` (all when undefined). An input missing from the event is
 * not active, so it makes no sound. Work is one pass over the event, nothing kept between events.
 */
export function programLevels(inputs: readonly unknown[], only?: ReadonlySet<string>): ProgramLevels {
  let peak = 0;
  let magnitude = 0;
  let loudest: string | undefined;
  for (const input of inputs) {
    if (typeof input !== 'object' || input === null) continue;
    const { inputName, inputLevelsMul } = input as { inputName?: unknown; inputLevelsMul?: unknown };
    if (typeof inputName !== 'string' || !Array.isArray(inputLevelsMul)) continue;
    if (only && !only.has(inputName)) continue;
    for (const channel of inputLevelsMul as unknown[]) {
      if (!Array.isArray(channel)) continue;
      const [channelMagnitude, channelPeak] = channel as unknown[];
      if (typeof channelPeak === 'number' && channelPeak > peak) {
        peak = channelPeak;
        loudest = inputName;
      }
      if (typeof channelMagnitude === 'number' && channelMagnitude > magnitude) magnitude = channelMagnitude;
    }
  }
  return { peakDb: toDbfs(peak), magnitudeDb: toDbfs(magnitude), loudest };
}

/** The image bytes of a GetSourceScreenshot answer; throws on anything but a base64 data URI. */
export function imageBytes(imageData: string): Buffer {
  const match = /^data:image\/[\w.+-]+;base64,/.exec(imageData);
  if (!match) throw new Error(`OBS answered a screenshot that is not a base64 data URI (${JSON.stringify(imageData.slice(0, 32))})`);
  return Buffer.from(imageData.slice(match[0].length), 'base64');
}

/**
 * How long to wait before the next screenshot: one every `periodMs`, start to start, so a slow
 * answer does not stretch the gaps the watch judges "no signal" by; never negative (a late answer
 * is followed at once, never by a burst).
 */
export function nextShotInMs(periodMs: number, startedAt: number, now: number): number {
  return Math.max(0, startedAt + periodMs - now);
}
