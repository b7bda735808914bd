/**
 * The alarm bar (issue 24) in chromium against a real controller and its alert engine: "an
 * unacknowledged critical alarm shows in the alarm bar on every page". An agent whose camera is the
 * only member of a slot on air goes offline: the alert engine raises a critical agent-lost alert,
 * which shows in the bar on the wall, shows, events, incidents and duty pages and blinks (its computed animation) until it is
 * acknowledged — a steady outline instead when the system asks for less motion; one engineer takes
 * it and releases it with a comment while another engineer's page shows the owner live; the runbook
 * (the repository's agent-lost plan) opens from the bar; the sound switch makes the AudioContext on its click (the browser's gesture).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { registerGear, startAgent, waitUntil } from '../integration/helpers.ts';
import type { Runbook } from '../../protocols/alerting.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const ERIN: Login = { user: 'erin', password: 'erin-engineer-pw-1', role: 'engineer' };
const EDDY: Login = { user: 'eddy', password: 'eddy-engineer-pw-1', role: 'engineer' };
const ARTIFACTS = path.resolve('.vitest', 'artifacts');
const PAGES = ['shows', 'events', 'incidents', 'duty', 'wall'];

const animationOf = (row: Locator) => row.evaluate((el) => getComputedStyle(el).animationName);
const ownerOf = (page: Page, id: number) => page.locator(`.alarm-bar li.alarm[data-alert="${id}"] .owner`);
const waitText = async (locator: Locator, text: string) => {
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
  return locator.textContent();
};

describe.skipIf(!existsSync(CHROMIUM))('the alarm bar', () => {
  let rig: ConsoleRig;
  let id = 0;
  let runbook: Runbook;

  beforeAll(async () => {
    rig = await startConsoleRig([ERIN, EDDY]);
    const broker = rig.controller.brokerUrl;
    const agent = await startAgent(broker, 'agent-a', []);
    const gear = [{ agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' as const }] }];
    await registerGear(broker, gear, [{ id: 'studio-a/cam-main', primary: 'agent-a/cam-1', backups: [], params: {} }]);
    await waitUntil(() => rig.controller.status().devices.some((d) => d.status === 'ok'), 10_000, 'cam-1 ok');
    await rig.ask('on-air', { onAir: true });
    await agent.stop(); // on air, its only camera gone with it: the slot is down
    await waitUntil(() => rig.controller.events({ type: 'alert.raised' }).length === 1, 10_000, 'the agent-lost alert');
    const [alert] = (await rig.ask('alert.list', { state: 'open' })).alerts;
    expect(alert).toMatchObject({ kind: 'agent-lost', severity: 'critical', state: 'firing' });
    id = alert!.id;
    runbook = await rig.ask('runbook.show', { id: alert!.runbook! });
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it('shows the unacknowledged critical alarm on every page, blinking; ownership live on another login; acknowledged, it stops', async () => {
    const errors: string[] = [];
    const erin = await rig.open(ERIN, 'wall', errors);
    const row = erin.locator(`.alarm-bar li.alarm[data-alert="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('class')).toContain('sev-critical unacked');
    expect(await erin.locator('.alarm-count[data-severity="critical"]').getAttribute('data-count')).toBe('1');
    for (const route of PAGES) {
      await erin.click(`nav a[href="#/${route}"]`);
      await erin.waitForFunction((r) => location.hash === `#/${r}`, route);
      expect(await row.isVisible(), `the alarm on ${route}`).toBe(true);
      expect(await animationOf(row), `blinking on ${route}`).toBe('alarm-blink');
    }
    // Less motion asked for: no blinking, a steady strong outline.
    await erin.emulateMedia({ reducedMotion: 'reduce' });
    expect(await animationOf(row)).toBe('none');
    expect(await row.evaluate((el) => getComputedStyle(el).outlineWidth)).toBe('4px');
    await erin.emulateMedia({ reducedMotion: 'no-preference' });

    // Erin takes it; Eddy's page (another login, on the duty page) shows her as the owner, live.
    const eddy = await rig.open(EDDY, 'duty', errors);
    expect(await waitText(ownerOf(eddy, id), 'nobody holds it')).toBe('nobody holds it');
    await row.locator('button.take').click();
    expect(await waitText(ownerOf(erin, id), 'held by you')).toBe('held by you');
    expect(await waitText(ownerOf(eddy, id), 'held by erin')).toBe('held by erin');
    expect(await animationOf(row)).toBe('alarm-blink'); // taking is not acknowledging
    mkdirSync(ARTIFACTS, { recursive: true });
    await eddy.screenshot({ path: path.join(ARTIFACTS, 'alarm-bar-en.png'), clip: { x: 0, y: 0, width: 1280, height: 200 } });

    // Released with a comment (the button asks for it first).
    await row.locator('button.release').click();
    const release = row.locator('form.release-form');
    expect(await release.locator('button[type=submit]').isDisabled()).toBe(true);
    await release.locator('input[name=comment]').fill('disk cleaned, watch it for an hour');
    await release.locator('button[type=submit]').click();
    expect(await waitText(ownerOf(eddy, id), 'nobody holds it')).toBe('nobody holds it');
    const [released] = rig.controller.events({ type: 'alert.released' });
    expect(released).toMatchObject({ reason: 'disk cleaned, watch it for an hour' });
    expect(released!.by).toMatch(/^erin\b/);

    // The runbook, one click away.
    await row.locator('button.runbook-open').click();
    expect(await waitText(erin.locator('.alarm-runbook .runbook h4'), runbook.title)).toBe(runbook.title);
    expect(await erin.locator('.alarm-runbook .runbook pre').textContent()).toBe(runbook.markdown);
    await erin.locator('.alarm-runbook button.close').click();

    // Acknowledged: it stays in the bar until its cause ends, no longer blinking, on both pages.
    await row.locator('button.acknowledge').click();
    await erin.locator(`.alarm-bar li.alarm.acked[data-alert="${id}"]`).waitFor({ timeout: 10_000 });
    await eddy.locator(`.alarm-bar li.alarm.acked[data-alert="${id}"]`).waitFor({ timeout: 10_000 });
    expect(await animationOf(row)).toBe('none');
    expect(errors).toEqual([]);
  });

  it('speaks the page’s language: the bar in Simplified Chinese', async () => {
    const errors: string[] = [];
    const page = await rig.open(EDDY, 'wall', errors, { locale: 'zh-CN', viewport: { width: 1280, height: 720 } });
    const row = page.locator(`.alarm-bar li.alarm[data-alert="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await page.locator('.alarm-bar .alarm-title').textContent()).toBe('告警');
    expect(await row.locator('.severity').textContent()).toBe('严重');
    expect(await row.locator('.owner').textContent()).toBe('无人负责');
    expect(await row.locator('button.take').textContent()).toContain('接手');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'alarm-bar-zh-CN.png'), clip: { x: 0, y: 0, width: 1280, height: 200 } });
    expect(errors).toEqual([]);
  });

  it('the sound switch is off by default and makes the AudioContext on its click, remembered', async () => {
    const errors: string[] = [];
    const page = await rig.open(EDDY, 'wall', errors);
    await page.evaluate(() => {
      const Real = window.AudioContext;
      const w = window as unknown as { madeAudio: number; AudioContext: typeof AudioContext };
      w.madeAudio = 0;
      w.AudioContext = class extends Real {
        constructor(options?: AudioContextOptions) {
          super(options);
          w.madeAudio += 1;
        }
      };
    });
    const sound = page.locator('.alarm-bar label.alarm-sound');
    await sound.waitFor({ timeout: 10_000 });
    expect(await sound.getAttribute('data-sound')).toBe('off');
    expect(await page.evaluate(() => (window as unknown as { madeAudio: number }).madeAudio)).toBe(0);
    await sound.locator('input[type=checkbox]').click();
    await page.locator('.alarm-bar label.alarm-sound[data-sound="running"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { madeAudio: number }).madeAudio)).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('onair.alarm-sound'))).toBe('on');
    expect(errors).toEqual([]);
  });
});
