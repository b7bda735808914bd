/**
 * The studio's language (issue 24): the console in Simplified Chinese shows no English from the
 * catalogue on any page, and switching language changes every page at once. Against the demo studio
 * on its wire-protocol simulators, as an engineer sees it. With ONAIR_DOCS_SCREENSHOTS=1 it also
 * writes the screenshots of docs/console/ (the kiosk wall and a device page, in zh-CN and en).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Studio } from '../../studio-harness/studio.ts';
import { StudioHardware } from '../../studio-harness/hardware.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { Messages } from '../../i18n/define.ts';
import { PASSWORDS } from '../support/forgery.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/console-paint.ts';

const ARTIFACTS = path.resolve('.vitest', 'artifacts');
const DOCS = path.resolve('docs', 'console');
const FOR_DOCS = process.env.ONAIR_DOCS_SCREENSHOTS === '1';

/** The pages an engineer uses, by route. */
const PAGES = ['wall', 'shows', 'events', 'reports', 'incidents', 'duty', 'device/agent-a/cam-1'];

/**
 * The English the catalogue gives that must not show on a Chinese page: every English message's literal
 * text of at least two words (arguments cut out), where the Chinese differs. Names kept in Chinese
 * (OnAir, ONVIF, …) are single words, so they never count.
 */
async function englishPhrases(): Promise<string[]> {
  const dir = path.resolve('i18n', 'messages');
  const phrases = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const module = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (!value || typeof value !== 'object' || !('table' in value)) continue;
      for (const entry of Object.values((value as Messages).table)) {
        if (entry.en === entry['zh-CN']) continue;
        for (const part of entry.en.split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/)) {
          const phrase = part.replace(/'/g, '').trim();
          if (/^[A-Za-z][A-Za-z ,.;:—-]*[A-Za-z]$/.test(phrase) && phrase.split(/\s+/).length >= 2) phrases.add(phrase);
        }
      }
    }
  }
  return [...phrases];
}

describe.skipIf(!existsSync(CHROMIUM))('the console in the studio language', () => {
  let studio: Studio;
  let hardware: StudioHardware;
  let browser: Browser;
  let url: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hardware = new StudioHardware();
    const agents = await hardware.start();
    studio = new Studio({ log: silentLogger(), agents, agentEnv: hardware.env, slots: hardware.slots() });
    await studio.start();
    await studio.controller.identities.addUser('eve', 'engineer', PASSWORDS.eve);
    url = studio.controller.httpUrl!;
    await studio.waitForDevices(
      studio.agents().flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id }))),
      30_000,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
    await hardware?.stop();
  });

  async function open(locale: string, viewport = { width: 1400, height: 900 }): Promise<Page> {
    const page = await (await browser.newContext({ locale, viewport })).newPage();
    page.on('pageerror', (err) => errors.push(`${locale}: ${err.message}`));
    page.on('console', (m) => void (m.type() === 'error' && m.text().startsWith('i18n:') && errors.push(`${locale}: ${m.text()}`)));
    await page.goto(`${url}/console/`);
    await page.fill('input[name=username]', 'eve');
    await page.fill('input[name=password]', PASSWORDS.eve);
    await page.click('button[type=submit]');
    await page.waitForSelector('.link-live', { timeout: 15_000 });
    return page;
  }

  it('a browser that prefers zh-CN gets every page in Chinese, with no English phrase from the catalogue', async () => {
    const phrases = await englishPhrases();
    expect(phrases.length).toBeGreaterThan(50);
    const page = await open('zh-CN');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const found: string[] = [];
    for (const route of PAGES) {
      await page.goto(`${url}/console/#/${route}`);
      await page.waitForSelector('main > *', { timeout: 10_000 });
      // Give the page's own requests (lists, the device's health) their answers.
      await page.waitForLoadState('networkidle');
      // The page's own words only: names the studio registered (labels, models: "Program switcher — OBS Studio") are its data.
      const text = await page.evaluate(() => {
        let shown = document.body.innerText;
        for (const name of document.querySelectorAll<HTMLElement>('.device-name, .tile h3')) shown = shown.replaceAll(name.innerText, ' ');
        return shown;
      });
      for (const phrase of phrases) if (text.includes(phrase)) found.push(`${route}: "${phrase}"`);
      await page.screenshot({ path: path.join(ARTIFACTS, `zh-CN-${route.replace(/\//g, '-')}.png`), fullPage: true });
    }
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the language switch changes the page at once and is remembered', async () => {
    const page = await open('en-US');
    expect(await page.locator('nav').innerText()).toContain('Events');
    await page.selectOption('label.language select', 'zh-TW');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-TW');
    expect(await page.locator('nav').innerText()).not.toContain('Events');
    await page.reload();
    await page.waitForSelector('.link-live', { timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    expect(errors).toEqual([]);
  });

  it.runIf(FOR_DOCS)('writes the screenshots of docs/console/ (kiosk wall and device page, zh-CN and en)', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const wall = await open(locale, { width: 1920, height: 1080 });
      await wall.goto(`${url}/console/wall?kiosk`);
      await wall.waitForSelector('.tile', { timeout: 15_000 });
      await wall.waitForLoadState('networkidle');
      await wall.screenshot({ path: path.join(DOCS, `kiosk-wall.${locale}.png`) });
      const device = await open(locale);
      await device.goto(`${url}/console/#/device/agent-a/cam-1`);
      await device.waitForSelector('.device-page .trend canvas', { timeout: 15_000 });
      await device.waitForLoadState('networkidle');
      await device.screenshot({ path: path.join(DOCS, `device.${locale}.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
  });
});
