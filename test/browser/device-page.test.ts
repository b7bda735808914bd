/**
 * The device page in chromium (issue 24): its trend is dark like the page, its time axis is a
 * 24-hour clock in the browser's zone, its values keep their sign with the locale's grouping and
 * carry their unit ("-55 dBm"), and a device that fails again and again shows the flapping banner.
 * A real controller and agent; the mic is the simulated driver's, made to fail through its
 * `simulate.*` actions as any MQTT client can.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { registerGear, simulate, startAgent, waitUntil } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const EVE: Login = { user: 'eve', password: 'eve-engineer-password-1', role: 'engineer' };
/** The Chinese page's login: its own request budget (10 a second per login; eve's page just read the device at each flap). */
const VIC: Login = { user: 'vic', password: 'vic-viewer-password-1', role: 'viewer' };
const DEVICE = { agent: 'agent-a', device: 'mic-1' };
/** Screenshots of the page in English and Chinese (docs/console/ has copies). */
const ARTIFACTS = path.resolve('.vitest', 'artifacts');

describe.skipIf(!existsSync(CHROMIUM))('the device page', () => {
  let rig: ConsoleRig;
  let agent: Agent;
  const status = () => rig.controller.status().devices.find((d) => d.agent === DEVICE.agent && d.device === DEVICE.device)?.status;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // A failure is seen after two failed probes and over 200 ms after the device answers again: a few flaps take seconds.
    rig = await startConsoleRig([EVE, VIC], { detection: { recoverAfterMs: 200 } });
    agent = await startAgent(rig.controller.brokerUrl, DEVICE.agent, [], { healthIntervalMs: 200 });
    await registerGear(rig.controller.brokerUrl, [{ agent: DEVICE.agent, devices: [{ id: DEVICE.device, kind: 'mic' }] }]);
    await waitUntil(() => status() === 'ok', 10_000, 'the mic ok');
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await rig?.stop();
  });

  it('the trend: dark, a 24-hour time axis, negative values with their sign and unit', async () => {
    const errors: string[] = [];
    // uPlot's default time axis reads "7:50am" / "5pm" whatever the hour: the page gives its own labels.
    const page = await rig.open(EVE, 'wall', errors, { locale: 'en-US' });
    await page.goto(`${rig.controller.httpUrl}/console/?lang=en#/device/${DEVICE.agent}/${DEVICE.device}`);
    const chart = page.locator('.device-page .trend[data-metric="rfDbm"]');
    await chart.locator('canvas').waitFor({ timeout: 10_000 });
    // uPlot draws the axes on the canvas; the figure keeps the labels they were drawn with (data-axes).
    await expect.poll(() => chart.getAttribute('data-axes'), { timeout: 5_000 }).toBeTruthy();
    const axes = JSON.parse((await chart.getAttribute('data-axes')) ?? '{}') as { x: string[]; y: string[] };
    expect(axes.x.length).toBeGreaterThan(1);
    for (const x of axes.x) expect(x).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    expect(
      axes.y.some((y) => /^-[\d,.]+ dBm$/.test(y)),
      axes.y.join(' | '),
    ).toBe(true);
    // Dark like the page: the chart's box and uPlot's axis colour.
    const colours = await chart.evaluate((fig) => ({
      figure: getComputedStyle(fig).backgroundColor,
      plot: getComputedStyle(fig.querySelector('.uplot')!).backgroundColor,
    }));
    for (const c of Object.values(colours)) {
      const [r, g, b] = (c.match(/\d+/g) ?? []).map(Number);
      expect(r! + g! + b!, c).toBeLessThan(3 * 64);
    }
    expect(errors).toEqual([]);
    // Closed: an open device page reads the device again at each change, on the same login's request budget.
    await page.context().close();
  }, 30_000);

  it('a device that fails again and again: the flapping banner says how often and over how long', async () => {
    const errors: string[] = [];
    const page = await rig.open(EVE, 'wall', errors);
    await page.goto(`${rig.controller.httpUrl}/console/?lang=en#/device/${DEVICE.agent}/${DEVICE.device}`);
    await page.locator('.device-page h2').waitFor({ timeout: 10_000 });
    expect(await page.locator('.flapping').count()).toBe(0);
    for (let i = 0; i < 3; i += 1) {
      await simulate(rig.controller.brokerUrl, DEVICE.agent, DEVICE.device, { mode: 'error' });
      await waitUntil(() => status() === 'failed', 10_000, `failure ${i + 1}`);
      await simulate(rig.controller.brokerUrl, DEVICE.agent, DEVICE.device, 'clear');
      await waitUntil(() => status() === 'ok', 10_000, `recovery ${i + 1}`);
    }
    // The page reads the device again at each change of its state: the banner counts the third failure once it has.
    const banner = page.locator('.flapping');
    await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toMatch(/^Flapping: 3 failures in the last [12] min$/);
    expect(await banner.getAttribute('role')).toBe('alert');
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-page-en.png') });
    await page.context().close();
    // The same page in a Chinese browser: the banner, the range buttons and the axes in the catalogue's words.
    const zh = await rig.open(VIC, 'wall', errors, { locale: 'zh-CN', viewport: { width: 1280, height: 1000 } });
    await zh.goto(`${rig.controller.httpUrl}/console/#/device/${DEVICE.agent}/${DEVICE.device}`);
    await expect
      .poll(() => zh.locator('.flapping').innerText({ timeout: 1_000 }), { timeout: 10_000 })
      .toMatch(/^频繁抖动：最近 [12] 分钟内故障 3 次$/);
    expect(await zh.locator('.trend-range').innerText()).toMatch(/1 小时\s+6 小时\s+24 小时\s+7 天/);
    const chart = zh.locator('.device-page .trend[data-metric="rfDbm"]');
    await expect.poll(() => chart.getAttribute('data-axes'), { timeout: 10_000 }).toMatch(/dBm/);
    await zh.screenshot({ path: path.join(ARTIFACTS, 'device-page-zh-CN.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
