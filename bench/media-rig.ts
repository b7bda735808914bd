/**
 * A simulated camera's live stream on loopback UDP and the agent's own media watch on it, with the
 * default checks: what every media bench measures (bench/media.ts, bench/media-feeds.ts).
 */
import { Value } from '@sinclair/typebox/value';
import { systemClock } from '../lib/clock.ts';
import { silentLogger } from '../lib/logger.ts';
import { createMediaWatch } from '../agent/media/media-watch.ts';
import type { MediaWatch } from '../agent/media/types.ts';
import { AnalysisSettings, PictureChecks, SoundChecks, type MediaWatchConfig } from '../protocols/media.ts';
import { MediaSourceSimulator, freeUdpPort } from '../simulators/media-source.ts';
import type { StreamSize } from '../simulators/media-content.ts';

/** The checks' defaults, as a device whose config says `picture: {}` and `sound: {}` gets them. */
export const PICTURE: PictureChecks = Value.Default(PictureChecks, {}) as PictureChecks;
export const SOUND: SoundChecks = Value.Default(SoundChecks, {}) as SoundChecks;

export const watchConfig = (url: string, keyframesOnly = false): MediaWatchConfig => ({
  source: { url },
  role: 'source',
  picture: PICTURE,
  sound: SOUND,
  analysis: { ...(Value.Default(AnalysisSettings, {}) as AnalysisSettings), keyframesOnly },
});

/** Polls a pull-only reading (reading() is O(1), no I/O) every 5 ms; rejects after `timeoutMs`. */
export function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const timer = setInterval(() => {
      if (condition()) return void (clearInterval(timer), resolve());
      if (performance.now() > deadline) (clearInterval(timer), reject(new Error(`media bench: ${what} not within ${timeoutMs} ms`)));
    }, 5);
  });
}

export interface Rig {
  source: MediaSourceSimulator;
  watch: MediaWatch;
  port: number;
}

/** A live stream and the agent's watch on it, running, the picture moving and nothing wrong. */
export async function startRig(size: StreamSize, keyframesOnly = false): Promise<Rig> {
  const port = await freeUdpPort();
  const source = new MediaSourceSimulator({ transport: { kind: 'udp', port }, size, name: `bench-${size}` });
  const url = `udp://127.0.0.1:${port}`;
  const watch = createMediaWatch({
    deviceId: `bench-${size}`,
    config: watchConfig(url, keyframesOnly),
    feed: { kind: 'url', url },
    clock: systemClock,
    log: silentLogger(),
  });
  await source.start();
  await source.whenRunning(20_000);
  watch.start();
  await until(() => healthy(watch, frameAgeBound(keyframesOnly)), 30_000, `a ${size} picture watched without fault`);
  return { source, watch, port };
}

/**
 * No fault and a recent frame: within 1 s when every frame is decoded (an analyser that falls behind
 * shows here), within the no-signal duration with keyframes only (one a second from the simulator).
 */
export const healthy = (w: MediaWatch, maxFrameAgeMs = 1_000): boolean => {
  const r = w.reading();
  return r.faults.length === 0 && r.metrics.frameAgeMs !== undefined && Number(r.metrics.frameAgeMs) < maxFrameAgeMs;
};

export const frameAgeBound = (keyframesOnly: boolean): number => (keyframesOnly ? PICTURE.noSignalForMs : 1_000);

export async function stopRig(rig: Rig): Promise<void> {
  await rig.watch.stop();
  await rig.source.stop();
}
