/**
 * The program through OBS (issue 22): an ImageFeed a media watch analyses like any other picture and
 * sound. About once a second, while the obs-websocket session is up, GetCurrentProgramScene and a
 * GetSourceScreenshot of that scene at the analysis size (png); a lost session sends nothing, which
 * the watch reports as no signal, and the pictures resume with the driver's reconnect. The sound is
 * InputVolumeMeters (20 events a second, high-volume: asked for only while a watch listens), in
 * dBFS, the loudest of the program's inputs (program-levels.ts says why).
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import { errorMessage, sleep } from '../../../lib/timeout.ts';
import type { ImageFeed } from '../../media/types.ts';
import { imageBytes, nextShotInMs, programLevels } from './program-levels.ts';
import { EventSubscription, type ObsSession } from './session.ts';

/** "About one a second" (MediaSource fromDriver screenshots). */
export const SCREENSHOT_PERIOD_MS = 1_000;

export interface ProgramFeedDeps {
  session: ObsSession;
  /** Bound to the agent and the device. */
  log: Logger;
  clock: Clock;
  /** The analysis size: OBS scales, so the watch's ffmpeg decodes no more pixels than it analyses. */
  size: { width: number; height: number };
  /** The audio inputs that make the program's sound; undefined: every active audio input. */
  programAudioInputs: readonly string[] | undefined;
  /** Deadline of one screenshot (two requests and an encode in OBS). */
  requestTimeoutMs: number;
  periodMs?: number;
}

export function createProgramFeed(deps: ProgramFeedDeps): ImageFeed {
  const { session, log } = deps;
  const only = deps.programAudioInputs ? new Set(deps.programAudioInputs) : undefined;
  return {
    kind: 'images',
    format: 'png',
    subscribe(onImage, onLevels) {
      const stopped = new AbortController();
      const onMeters = (event: { inputs: unknown[] }): void => {
        const levels = programLevels(event.inputs, only);
        onLevels(levels.peakDb, levels.magnitudeDb);
      };
      session.on('InputVolumeMeters', onMeters);
      const meters = session.want(EventSubscription.InputVolumeMeters, stopped.signal);
      meters.ready.catch((err: unknown) =>
        log.warn({ err: errorMessage(err) }, 'OBS did not take the meter subscription; the next connect asks again'),
      );
      shootEverySecond(deps, onImage, stopped.signal).catch((err: unknown) =>
        log.error({ err: errorMessage(err) }, 'the program screenshots stopped'),
      );
      return () => {
        stopped.abort();
        session.off('InputVolumeMeters', onMeters);
        meters.release().catch(() => undefined); // a closed session has nothing to release
      };
    },
  };
}

/** The screenshot loop: one picture per period while the session is up, until `signal`. */
async function shootEverySecond(deps: ProgramFeedDeps, onImage: (bytes: Buffer) => void, signal: AbortSignal): Promise<void> {
  const { session, clock, log } = deps;
  const periodMs = deps.periodMs ?? SCREENSHOT_PERIOD_MS;
  let failing: string | undefined; // logged once per distinct reason, not once a second
  while (!signal.aborted) {
    const startedAt = clock.now();
    if (session.isOpen) {
      try {
        const bytes = await programPicture(deps, signal);
        if (signal.aborted) return;
        onImage(bytes);
        if (failing !== undefined) log.info('OBS screenshots of the program resumed');
        failing = undefined;
      } catch (err) {
        if (signal.aborted) return;
        const reason = errorMessage(err);
        if (reason !== failing) log.warn({ err: reason }, 'no screenshot of the program from OBS');
        failing = reason;
      }
    }
    try {
      await sleep(nextShotInMs(periodMs, startedAt, clock.now()), signal);
    } catch {
      return; // stopped
    }
  }
}

/** What program shows now, as png bytes at the analysis size. */
async function programPicture(deps: ProgramFeedDeps, stopped: AbortSignal): Promise<Buffer> {
  const signal = AbortSignal.any([stopped, AbortSignal.timeout(deps.requestTimeoutMs)]);
  const program = await deps.session.call('GetCurrentProgramScene', undefined, signal);
  // obs-websocket 5.0.0 answered currentProgramSceneName only; sceneName came later (5.5).
  const sceneName = (program.sceneName as string | undefined) ?? program.currentProgramSceneName;
  const shot = await deps.session.call(
    'GetSourceScreenshot',
    { sourceName: sceneName, imageFormat: 'png', imageWidth: deps.size.width, imageHeight: deps.size.height },
    signal,
  );
  return imageBytes(shot.imageData);
}
