/**
 * Live pictures and audio meters on the wall, in chromium (issue 24): a slot whose live member is
 * a real ffmpeg-made stream watched by its agent. The tile's picture changes over a few seconds (a
 * new ETag, new bytes); the stream turned black shows the BLACK overlay once the fault counts; the
 * meter's height follows the sound's peak (a tone, then silence); a picture that stops coming is
 * greyed with its age.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agent } from '../../agent/agent.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { MediaSourceSimulator, freeUdpPort } from '../../simulators/media-source.ts';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { startAgent } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const ENGINEER: Login = { user: 'eve', password: 'engineer password 1', role: 'engineer' };
const SLOT = 'studio-a/cam-wide';
const CAM = 'rack/cam-1';

describe.skipIf(!existsSync(CHROMIUM) || !hasFfmpeg())('live pictures and meters on the wall (chromium, ffmpeg)', () => {
  let rig: ConsoleRig;
  let agent: Agent;
  let stream: MediaSourceSimulator;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    rig = await startConsoleRig([ENGINEER]);
    stream = new MediaSourceSimulator({ transport: { kind: 'udp', port: await freeUdpPort() }, content: 'normal' });
    await stream.start();
    agent = await startAgent(rig.controller.brokerUrl, 'rack', []);
    await registerStudio(rig.controller.brokerUrl, {
      devices: [
        {
          agent: 'rack',
          device: 'cam-1',
          profile: 'simulated-camera',
          options: { kind: 'camera' },
          probe: { intervalMs: 250 },
          // A virtual camera whose media is a real stream; the program's role: its picture and its
          // sound are watched (a meter as well as a picture).
          media: { source: { url: stream.url }, role: 'program', picture: { blackForMs: 1_000 }, sound: {} },
        },
      ],
      slots: [{ id: SLOT, primary: CAM, backups: [], params: {} }],
      by: 'technician',
    });
    page = await rig.open(ENGINEER, 'wall', errors);
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    await stream?.stop();
    await rig?.stop();
  });

  const tileImg = () => page.locator(`[data-slot="${SLOT}"] [data-picture="${CAM}"] img`);

  it('the tile’s picture is refreshed: its ETag and bytes change over a few seconds', async () => {
    await tileImg().waitFor({ timeout: 30_000 });
    const shown = () =>
      page.evaluate((sel) => {
        const img = document.querySelector(sel);
        return { etag: img?.getAttribute('data-etag'), src: img?.getAttribute('src') };
      }, `[data-slot="${SLOT}"] [data-picture="${CAM}"] img`);
    const first = await shown();
    expect(first.src).toMatch(/^data:image\/jpeg;base64,\/9j\//); // FF D8 FF in base64
    // New bytes within a few seconds (ffmpeg's fps filter repeats the very first picture once at its start).
    await page.waitForFunction(
      ([sel, src]) => document.querySelector(sel!)?.getAttribute('src') !== src,
      [`[data-slot="${SLOT}"] [data-picture="${CAM}"] img`, first.src],
      { timeout: 6_000 },
    );
    const next = await shown();
    expect(next.etag).not.toBe(first.etag);
    expect(errors).toEqual([]);
  }, 60_000);

  it('the meter’s height follows the sound’s peak: a tone fills it, silence empties it', async () => {
    const meter = page.locator(`[data-slot="${SLOT}"] [data-meter="${CAM}"]`);
    await meter.locator('.meter-bar').waitFor({ timeout: 20_000 });
    const height = async () => Number((await meter.locator('.meter-bar').getAttribute('style'))!.match(/height: ([\d.]+)%/)![1]);
    const withTone = await height();
    expect(withTone).toBeGreaterThan(40); // the simulator's tone peaks well above −36 dBFS
    await stream.setContent('silent');
    await page.waitForFunction(
      (sel) =>
        Number(
          document
            .querySelector(sel)
            ?.getAttribute('style')
            ?.match(/height: ([\d.]+)%/)?.[1] ?? 100,
        ) < 10,
      `[data-slot="${SLOT}"] [data-meter="${CAM}"] .meter-bar`,
      { timeout: 20_000 },
    );
    await stream.setContent('normal');
  }, 60_000);

  it('a black picture shows the BLACK overlay on the tile', async () => {
    await stream.setContent('black');
    const overlay = page.locator(`[data-slot="${SLOT}"] [data-picture="${CAM}"] [data-overlay="black"]`);
    await overlay.waitFor({ timeout: 20_000 });
    expect(await overlay.textContent()).toBe('BLACK');
    expect(errors).toEqual([]);
  }, 40_000);

  it('a picture that stops coming is greyed with its age, and says NO SIGNAL', async () => {
    await stream.setContent('no-signal');
    const figure = page.locator(`[data-slot="${SLOT}"] [data-picture="${CAM}"]`);
    await page.locator(`[data-slot="${SLOT}"] [data-picture="${CAM}"].stale [data-age]`).waitFor({ timeout: 20_000 });
    expect(await figure.locator('[data-age]').textContent()).toMatch(/^picture from \d+(\.\d)? s ago$/);
    expect(await figure.locator('img').evaluate((img) => getComputedStyle(img).filter)).toContain('grayscale');
    await figure.locator('[data-overlay="no-signal"]').waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
  }, 40_000);
});
