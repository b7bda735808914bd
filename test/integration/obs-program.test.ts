/**
 * The program through OBS (issue 22), over a real WebSocket on loopback with real images: the
 * simulated OBS's GetSourceScreenshot and InputVolumeMeters, and the obs driver's ImageFeed on them.
 * Pictures are encoded (simulator) and decoded (here, to check them) by Debian's ffmpeg.
 */
import { spawn } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { sleep } from '../../lib/timeout.ts';
import { createObsDriver, type ObsOptions } from '../../agent/drivers/obs/driver.ts';
import { ObsSession } from '../../agent/drivers/obs/session.ts';
import { imageBytes } from '../../agent/drivers/obs/program-levels.ts';
import type { Driver } from '../../agent/driver.ts';
import type { MediaCapableDriver, MediaFeed } from '../../agent/media/types.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { frameAt } from '../../simulators/obs-program.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { cleanupAfterEach, eventually, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();

/** Mean luma (0-255) of an encoded picture, decoded by ffmpeg; and its size from the decoder. */
function luma(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const gray = Buffer.concat(out);
      if (code !== 0 || gray.length === 0) return reject(new Error(`ffmpeg could not decode the picture (exit ${String(code)})`));
      resolve(gray.reduce((sum, v) => sum + v, 0) / gray.length);
    });
    child.stdin.end(bytes);
  });
}
/** A PNG's width and height from its IHDR chunk. */
const pngSize = (png: Buffer) => ({ signature: png.subarray(1, 4).toString(), width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.runIf(hasFfmpeg())('the program through OBS', () => {
  let obs: ObsStudioSimulator;
  let driver: Driver & MediaCapableDriver;
  const make = (options: Partial<ObsOptions> = {}) =>
    createObsDriver().create({
      state: memoryKeptState(),
      deviceId: 'switcher-1',
      log: silentLogger(),
      options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 1_000, cutWith: 'program-scene', ...options },
    }) as Driver & MediaCapableDriver;
  const session = async (): Promise<ObsSession> => {
    const s = new ObsSession({ url: obs.url, password: undefined, requestTimeoutMs: 2_000 });
    await s.connect(AbortSignal.timeout(2_000));
    cleanup.defer(() => s.close());
    return s;
  };
  /** Subscribes to a feed and keeps what it sends. */
  const watchFeed = (feed: MediaFeed) => {
    if (feed.kind !== 'images') throw new Error(`OBS gave a ${feed.kind} feed, not pictures`);
    const seen = { images: [] as Array<{ at: number; bytes: Buffer }>, levels: [] as Array<{ peakDb: number; magnitudeDb: number }> };
    const stop = feed.subscribe(
      (bytes) => seen.images.push({ at: Date.now(), bytes }),
      (peakDb, magnitudeDb) => seen.levels.push({ peakDb, magnitudeDb }),
    );
    cleanup.defer(async () => stop());
    return seen;
  };

  beforeEach(async () => {
    obs = new ObsStudioSimulator();
    await obs.listen(0);
    cleanup.defer(() => obs.stop());
    driver = make();
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
  });

  it('answers GetSourceScreenshot with a real picture of a scene: png and jpg data URIs at the asked size; black decodes black', async () => {
    const s = await session();
    const png = await s.call(
      'GetSourceScreenshot',
      { sourceName: 'Cam 1', imageFormat: 'png', imageWidth: 320 },
      AbortSignal.timeout(5_000),
    );
    expect(png.imageData).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(pngSize(imageBytes(png.imageData))).toEqual({ signature: 'PNG', width: 320, height: 180 });
    expect(await luma(imageBytes(png.imageData))).toBeGreaterThan(60);
    const jpg = await s.call(
      'GetSourceScreenshot',
      { sourceName: 'Cam 2', imageFormat: 'jpg', imageCompressionQuality: 50 },
      AbortSignal.timeout(5_000),
    );
    expect(jpg.imageData.startsWith('data:image/jpg;base64,/9j/')).toBe(true); // FF D8 FF: a JPEG

    obs.setSceneContent('Cam 1', 'black');
    const black = await s.call(
      'GetSourceScreenshot',
      { sourceName: 'Cam 1', imageFormat: 'png', imageWidth: 64 },
      AbortSignal.timeout(5_000),
    );
    expect(await luma(imageBytes(black.imageData))).toBeLessThan(1);
    obs.setSceneContent('Cam 1', 'frozen');
    const shot = async () =>
      (await s.call('GetSourceScreenshot', { sourceName: 'Cam 1', imageFormat: 'png', imageWidth: 64 }, AbortSignal.timeout(5_000)))
        .imageData;
    const first = await shot();
    const frame = frameAt(Date.now());
    await waitUntil(() => frameAt(Date.now()) >= frame + 3, 1_000, 'three canvas frames to pass');
    expect(await shot()).toBe(first);
  });

  it('the driver feed: about one png a second of the scene on program at the analysis size, and the program sound from the meters', async () => {
    const seen = watchFeed(await driver.mediaFeed({ fromDriver: 'screenshots' }, AbortSignal.timeout(1_000), { width: 160, height: 90 }));
    await waitUntil(() => seen.images.length >= 3 && seen.levels.length >= 10, 10_000, 'three pictures and ten meter readings');
    expect(pngSize(seen.images[0]!.bytes)).toEqual({ signature: 'PNG', width: 160, height: 90 });
    expect(seen.images[1]!.bytes.equals(seen.images[2]!.bytes), 'a live picture changes').toBe(false);
    expect(seen.images[2]!.at - seen.images[1]!.at, 'one a second, not faster').toBeGreaterThan(700);
    expect(obs.requests.filter((r) => r === 'GetSourceScreenshot').length).toBeGreaterThanOrEqual(3);
    const normal = seen.levels.at(-1)!;
    expect(normal.peakDb).toBeGreaterThan(-23);
    expect(normal.peakDb).toBeLessThan(-17);

    for (const input of ['Mic/Aux', 'Desktop Audio']) obs.setAudioLevel(input, 'silent');
    await waitUntil(() => seen.levels.at(-1)?.peakDb === -100, 2_000, 'silence read as the floor');
    obs.setFault('program-clipping');
    await waitUntil(() => seen.levels.at(-1)?.peakDb === 0, 2_000, 'clipping read as 0 dBFS');

    obs.setFault('program-black');
    const from = seen.images.length;
    await waitUntil(() => seen.images.length >= from + 2, 5_000, 'pictures after the program went black');
    expect(await luma(seen.images.at(-1)!.bytes)).toBeLessThan(1);
  });

  it('the program sound is the loudest input by default, the named inputs when the options say', async () => {
    obs.setAudioLevel('Mic/Aux', 'silent');
    const everyInput = watchFeed(await driver.mediaFeed({ fromDriver: 'screenshots' }, AbortSignal.timeout(1_000)));
    const mic = make({ programAudioInputs: ['Mic/Aux'] });
    cleanup.defer(() => mic.close());
    await mic.connect(AbortSignal.timeout(2_000));
    const micOnly = watchFeed(await mic.mediaFeed({ fromDriver: 'screenshots' }, AbortSignal.timeout(1_000)));
    await waitUntil(() => everyInput.levels.length >= 5 && micOnly.levels.length >= 5, 5_000, 'meter readings on both');
    expect(everyInput.levels.at(-1)!.peakDb).toBeGreaterThan(-23); // Desktop Audio plays
    expect(micOnly.levels.at(-1)!.peakDb).toBe(-100);
  });

  it('meters go only to a client that asked for the high-volume bit', async () => {
    const other = await session(); // identifies with OnAir's categories only
    let unasked = 0;
    other.on('InputVolumeMeters', () => (unasked += 1));
    const seen = watchFeed(await driver.mediaFeed({ fromDriver: 'screenshots' }, AbortSignal.timeout(1_000)));
    await waitUntil(() => seen.levels.length >= 10, 5_000, 'ten meter events to the asking session');
    expect(unasked).toBe(0);
  });

  it('a lost session sends no pictures, and they resume when the driver reconnects', async () => {
    const seen = watchFeed(await driver.mediaFeed({ fromDriver: 'screenshots' }, AbortSignal.timeout(1_000)));
    await waitUntil(() => seen.images.length >= 1, 5_000, 'a first picture');
    obs.setFault('disconnect');
    await eventually(
      async () => (await driver.probe(AbortSignal.timeout(1_000))).status === 'offline',
      5_000,
      'the driver to see the loss',
    );
    const during = seen.images.length;
    await sleep(2_500); // an observation window: two screenshot periods with no session
    expect(seen.images.length).toBe(during);
    obs.setFault('none');
    await driver.connect(AbortSignal.timeout(2_000)); // what the device runner does
    await waitUntil(() => seen.images.length > during && seen.levels.length > 0, 5_000, 'pictures and meters after the reconnect');
  });
});
