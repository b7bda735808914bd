/**
 * The wall screen (`/console/wall?kiosk`, issue 24) in chromium against a real controller and a real
 * agent with simulated gear: four slots in four states (OK, ON BACKUP, NO BACKUP LEFT, DOWN). At
 * 1920×1080 the tiles fill the screen, the state words are at least 32 px (computed style), no
 * navigation shows and every tile is its state's colour; a layout saved for a screen from the Arrange
 * mode reorders and hides that screen's tiles, after a reload too; a person's own layout changes no
 * one else's wall; on a 768×1024 tablet nothing overflows sideways.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { wallState, type WallState } from '../../console/wall-state.ts';
import { registerGear, startAgent, waitUntil } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const EVE: Login = { user: 'eve', password: 'eve-engineer-password-1', role: 'engineer' };
const ED: Login = { user: 'ed', password: 'ed-engineer-password-12', role: 'engineer' };
const ARTIFACTS = path.resolve('.vitest', 'artifacts');
const FULL_HD = { width: 1920, height: 1080 };
const TABLET = { width: 768, height: 1024 };
const STUDIO = 'studio-k';
/** Slot → the state it is brought to. */
const EXPECTED: Record<string, WallState> = {
  [`${STUDIO}/ok`]: 'ok',
  [`${STUDIO}/backup`]: 'on_backup',
  [`${STUDIO}/spare-gone`]: 'no_backup_left',
  [`${STUDIO}/down`]: 'down',
};
/** The CSS variable of each state's colour (console/static/console.css). */
const COLOUR_VAR: Partial<Record<WallState, string>> = {
  ok: '--ok',
  on_backup: '--on-backup',
  no_backup_left: '--no-backup',
  down: '--down',
};

const hexToRgb = (hex: string): string => {
  const n = Number.parseInt(hex.trim().replace('#', ''), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

/** The slots shown on a page, in order. */
const shownSlots = (page: Page, tiles = '.tile'): Promise<string[]> =>
  page.locator(tiles).evaluateAll((els) => els.map((e) => e.getAttribute('data-slot') ?? ''));

describe.skipIf(!existsSync(CHROMIUM))('the wall screen (kiosk) and its layouts', () => {
  let rig: ConsoleRig;
  let agent: Agent;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rig = await startConsoleRig([EVE, ED]);
    const broker = rig.controller.brokerUrl;
    agent = await startAgent(broker, 'agent-k', []);
    const cams = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5', 'cam-6', 'cam-7', 'cam-8'];
    const dead = new Set(['cam-6', 'cam-7', 'cam-8']);
    await registerGear(
      broker,
      [{ agent: 'agent-k', devices: cams.map((id) => ({ id, kind: 'camera' as const, ...(dead.has(id) ? { fault: 'dead' } : {}) })) }],
      [
        { id: `${STUDIO}/ok`, primary: 'agent-k/cam-1', backups: ['agent-k/cam-2'], params: {} },
        { id: `${STUDIO}/backup`, primary: 'agent-k/cam-3', backups: ['agent-k/cam-4'], params: {} },
        { id: `${STUDIO}/spare-gone`, primary: 'agent-k/cam-5', backups: ['agent-k/cam-6'], params: {} },
        { id: `${STUDIO}/down`, primary: 'agent-k/cam-7', backups: ['agent-k/cam-8'], params: {} },
      ],
    );
    await waitUntil(() => rig.controller.status().devices.filter((d) => d.status !== 'unknown').length === 8, 10_000, 'gear reporting');
    await rig.ask('failover', { slot: `${STUDIO}/backup`, to: 'agent-k/cam-4', reason: 'kiosk test: live on the backup' });
    // The dead cameras raise alerts, open and not acknowledged: the header counts them.
    await waitUntil(() => rig.controller.events({ type: 'alert.raised' }).length >= 1, 10_000, 'an alert raised for the dead cameras');
    await waitUntil(
      () => rig.controller.status().slots.every((s) => wallState(s) === EXPECTED[s.slot]),
      15_000,
      'the four slots in their four states',
    );
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    await rig?.stop();
  });

  /** Logged in on the console, then logged out and sent to the kiosk address: the login shows, then the kiosk. */
  async function kiosk(who: Login, query: string, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
    const page = await rig.open(who, 'wall', errors, { viewport });
    await page.click('button.logout');
    await page.waitForSelector('form[aria-label="log in"]', { timeout: 10_000 });
    await page.goto(`${rig.controller.httpUrl}/console/wall?${query}`);
    await page.fill('input[name=username]', who.user);
    await page.fill('input[name=password]', who.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.wall-screen .link-live', { timeout: 10_000 });
    await page.locator('.wall-screen-tiles .tile').first().waitFor({ timeout: 10_000 });
    return page;
  }

  it('at 1920×1080 the kiosk fills the screen: no navigation, state words ≥ 32 px, every tile its state’s colour', async () => {
    const errors: string[] = [];
    const page = await kiosk(EVE, 'kiosk&lang=en', FULL_HD, errors);
    expect(new URL(page.url()).pathname).toBe('/console/wall');
    expect(await page.locator('nav').count()).toBe(0);
    expect(await page.locator('.language').count()).toBe(0);
    expect(await page.locator('.wall-screen.kiosk').count()).toBe(1);
    const open = (await rig.ask('alert.list', { state: 'open' })).alerts;
    const firing = open.filter((a) => a.state === 'firing').length;
    expect(firing).toBeGreaterThan(0);
    const alarmsLine = `${open.length} open alarm${open.length === 1 ? '' : 's'} · ${firing} unacknowledged`;
    await expect.poll(() => page.locator('.wall-screen-alarms.unacked').textContent(), { timeout: 5_000 }).toBe(alarmsLine);
    await page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-wall-1920x1080-en.png') });

    const measured = await page.locator('.wall-screen-tiles .tile').evaluateAll((tiles) =>
      tiles.map((t) => {
        const box = t.getBoundingClientRect();
        const word = t.querySelector('.state-word')!;
        return {
          slot: t.getAttribute('data-slot')!,
          state: t.getAttribute('data-state')!,
          box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom, area: box.width * box.height },
          wordPx: Number.parseFloat(getComputedStyle(word).fontSize),
          word: word.textContent,
          background: getComputedStyle(t).backgroundColor,
        };
      }),
    );
    const colours = await page.evaluate((vars) => {
      const root = getComputedStyle(document.documentElement);
      return Object.fromEntries(vars.map((v) => [v, root.getPropertyValue(v)]));
    }, Object.values(COLOUR_VAR));
    expect(measured.map((m) => [m.slot, m.state]).sort()).toEqual(Object.entries(EXPECTED).sort());
    const left = Math.min(...measured.map((m) => m.box.left));
    const right = Math.max(...measured.map((m) => m.box.right));
    expect(right - left, 'the tiles’ width').toBeGreaterThanOrEqual(0.9 * FULL_HD.width);
    const area = measured.reduce((sum, m) => sum + m.box.area, 0);
    expect(area / (FULL_HD.width * FULL_HD.height), 'the tiles’ share of the screen').toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...measured.map((m) => m.box.bottom)), 'every tile on screen').toBeLessThanOrEqual(FULL_HD.height);
    for (const m of measured) {
      expect(m.wordPx, `${m.slot}: the state word's size`).toBeGreaterThanOrEqual(32);
      expect(m.background, `${m.slot} (${m.state}): the tile's colour`).toBe(hexToRgb(colours[COLOUR_VAR[m.state as WallState]!]!));
    }
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight)).toBe(true);

    // The same screen in Chinese (?lang=, as a kiosk's address sets it): its own words from the catalogue.
    await page.goto(`${rig.controller.httpUrl}/console/wall?kiosk&lang=zh-CN`);
    await page.waitForSelector('.wall-screen .link-live', { timeout: 10_000 });
    expect(await page.locator('.wall-screen-studio').textContent()).toBe('全部演播室');
    expect(await page.locator('.wall-screen-header .link').textContent()).toBe('实时');
    expect(await page.locator('.wall-screen-header .badge').textContent()).toBe('未直播');
    await expect
      .poll(() => page.locator('.wall-screen-alarms').textContent(), { timeout: 5_000 })
      .toBe(`${open.length} 个未关闭告警 · ${firing} 个未确认`);
    expect(errors).toEqual([]);
  });

  it('a layout saved for a screen from the Arrange mode reorders and hides its tiles, after a reload too; no one’s own wall changes', async () => {
    const errors: string[] = [];
    const page = await rig.open(EVE, 'wall', errors);
    await page.click('button.arrange-button');
    await page.fill('.arrange-screen', 'gallery-1');
    await page.press('.arrange-screen', 'Tab');
    const rows = page.locator('.arrange-tiles li');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(4);
    // The DOWN slot first (three presses of Earlier, from the keyboard), the OK slot hidden, the backup slot wide.
    const down = page.locator(`.arrange-tiles li[data-tile="${STUDIO}/down"]`);
    for (let i = 0; i < 3; i += 1) {
      if (await down.locator('button.earlier').isDisabled()) break;
      await down.locator('button.earlier').focus();
      await page.keyboard.press('Enter');
    }
    await page.locator(`.arrange-tiles li[data-tile="${STUDIO}/ok"] button.hide-toggle`).click();
    await page.locator(`.arrange-tiles li[data-tile="${STUDIO}/backup"] select.size`).selectOption('2x1');
    const drafted = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-tile'), e.classList.contains('hidden')] as const));
    expect(drafted[0]).toEqual([`${STUDIO}/down`, false]);
    const expected = drafted.filter(([, hidden]) => !hidden).map(([id]) => id);
    expect(expected).not.toContain(`${STUDIO}/ok`);
    // The wall previews the draft as it is edited.
    expect(await shownSlots(page)).toEqual(expected);
    await page.click('.arrange-actions button.save');
    await expect
      .poll(() => page.locator('.arrange-note').textContent(), { timeout: 5_000 })
      .toMatch(/^Saved for screen gallery-1 at \d\d:\d\d:\d\d$/);

    const screen = await kiosk(EVE, 'kiosk&screen=gallery-1&lang=en', FULL_HD, errors);
    expect(await shownSlots(screen)).toEqual(expected);
    expect(await screen.locator(`.tile[data-slot="${STUDIO}/backup"]`).getAttribute('class')).toContain('size-2x1');
    const bottoms = await screen.locator('.wall-screen-tiles .tile').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom));
    expect(Math.max(...bottoms), 'every tile of the arranged screen on screen').toBeLessThanOrEqual(FULL_HD.height);
    await screen.reload();
    await screen.locator('.wall-screen-tiles .tile').first().waitFor({ timeout: 10_000 });
    expect(await shownSlots(screen)).toEqual(expected);
    await screen.screenshot({ path: path.join(ARTIFACTS, 'kiosk-wall-screen-layout.png') });

    // The screen's layout is the screen's: Eve's and Ed's own walls show every slot.
    await page.click('.arrange-actions button.close');
    await expect.poll(() => shownSlots(page), { timeout: 5_000 }).toHaveLength(4);
    const edPage = await rig.open(ED, 'wall', errors);
    await expect.poll(() => shownSlots(edPage), { timeout: 5_000 }).toHaveLength(4);
    expect(errors).toEqual([]);
  });

  it('a person’s own layout changes their wall only', async () => {
    const errors: string[] = [];
    const page = await rig.open(EVE, 'wall', errors);
    await page.locator('.tile').first().waitFor({ timeout: 10_000 });
    const before = await shownSlots(page);
    await page.click('button.arrange-button');
    await page.locator(`.arrange-tiles li[data-tile="${STUDIO}/spare-gone"] button.hide-toggle`).click();
    await page.click('.arrange-actions button.save');
    await expect.poll(() => page.locator('.arrange-note').textContent(), { timeout: 5_000 }).toMatch(/^Saved for your wall/);
    await page.reload();
    await page.locator('.tile').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => shownSlots(page), { timeout: 5_000 }).toEqual(before.filter((s) => s !== `${STUDIO}/spare-gone`));

    const edPage = await rig.open(ED, 'wall', errors);
    await edPage.locator('.tile').first().waitFor({ timeout: 10_000 });
    expect(await shownSlots(edPage)).toEqual(before);
    // The stored rows say whose is what: Eve's own, the screen's, nothing of Ed's.
    expect((await rig.ask('wall.layout.get', {})).layouts.map((l) => l.studio)).toEqual([STUDIO]); // the rig asks as Eve
    expect(errors).toEqual([]);
  });

  it('on a 768×1024 tablet the wall screen and the Arrange mode do not overflow sideways', async () => {
    const errors: string[] = [];
    const screen = await kiosk(ED, 'studio=studio-k&lang=en', TABLET, errors);
    expect(await screen.locator('.wall-screen-tiles .tile').count()).toBe(4);
    expect(await screen.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    for (const px of await screen
      .locator('.state-word')
      .evaluateAll((els) => els.map((e) => Number.parseFloat(getComputedStyle(e).fontSize))))
      expect(px).toBeGreaterThanOrEqual(32);
    await screen.screenshot({ path: path.join(ARTIFACTS, 'kiosk-wall-768x1024.png') });

    const wall = await rig.open(ED, 'wall', errors, { viewport: TABLET });
    await wall.click('button.arrange-button');
    await wall.locator('.arrange-tiles li').first().waitFor({ timeout: 5_000 });
    expect(await wall.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('24 tiles on 1920×1080: every one on screen, none scrolled to, state words still ≥ 32 px', async () => {
    const cams = Array.from({ length: 24 }, (_, i) => `big-${i + 1}`);
    await registerGear(
      rig.controller.brokerUrl,
      [{ agent: 'agent-k', devices: cams.map((id) => ({ id, kind: 'camera' as const })) }],
      cams.map((id) => ({ id: `studio-big/${id}`, primary: `agent-k/${id}`, backups: [], params: {} })),
    );
    await waitUntil(
      () => rig.controller.status().slots.filter((s) => s.slot.startsWith('studio-big/') && s.state !== 'unknown').length === 24,
      15_000,
      'the 24 slots reporting',
    );
    const errors: string[] = [];
    const page = await kiosk(ED, 'kiosk&studio=studio-big&lang=en', FULL_HD, errors);
    await expect.poll(() => page.locator('.wall-screen-tiles .tile').count(), { timeout: 5_000 }).toBe(24);
    const boxes = await page.locator('.wall-screen-tiles .tile').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { right: r.right, bottom: r.bottom, word: Number.parseFloat(getComputedStyle(e.querySelector('.state-word')!).fontSize) };
      }),
    );
    expect(Math.max(...boxes.map((b) => b.right))).toBeLessThanOrEqual(FULL_HD.width);
    expect(Math.max(...boxes.map((b) => b.bottom))).toBeLessThanOrEqual(FULL_HD.height);
    expect(Math.min(...boxes.map((b) => b.word))).toBeGreaterThanOrEqual(32);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-wall-24-tiles.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
