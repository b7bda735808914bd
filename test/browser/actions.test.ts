/**
 * Acting safely (issue 24) in chromium against a real controller and two agents with simulated gear:
 * the failover dialog is a real modal in the top layer (inside the viewport above a 260 px tile, Tab
 * kept inside, Esc gives focus back to its opener) and works from the keyboard alone; a show's Start
 * now and Cancel ask first, and Cancel in the question changes nothing; "Re-run pre-show" runs the
 * check again and shows the new result, naming the backup that failed its self-test.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { registerGear, simulate, startAgent, waitUntil } from '../integration/helpers.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const ENGINEER: Login = { user: 'erin', password: 'erin-engineer-pw-1', role: 'engineer' };
const CAMERAS = 'studio-a/cam-wide';
const MICS = 'studio-a/mic';
const HOUR = 3_600_000;

describe.skipIf(!existsSync(CHROMIUM))('acting safely in the console', () => {
  let rig: ConsoleRig;
  let agents: Agent[] = [];
  const ask: ConsoleRig['ask'] = (op, params) => rig.ask(op, params);
  const slot = (id: string) => rig.controller.status().slots.find((s) => s.slot === id);
  const showState = async (id: string) => (await ask('show.list', {})).shows.find((s) => s.id === id)?.state;

  beforeAll(async () => {
    // A failed pre-show test is retried after 200 ms, not a minute.
    rig = await startConsoleRig([ENGINEER], { plan: { tickMs: 50, preShowRetryMs: 200 } });
    const url = rig.controller.brokerUrl;
    agents = [await startAgent(url, 'agent-a', []), await startAgent(url, 'agent-b', [])];
    await registerGear(
      url,
      [
        {
          agent: 'agent-a',
          devices: [
            { id: 'cam-1', kind: 'camera' },
            { id: 'mic-1', kind: 'mic' },
          ],
        },
        {
          agent: 'agent-b',
          devices: [
            { id: 'cam-2', kind: 'camera' },
            { id: 'mic-2', kind: 'mic' },
          ],
        },
      ],
      [
        { id: CAMERAS, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} },
        { id: MICS, primary: 'agent-a/mic-1', backups: ['agent-b/mic-2'], params: {} },
      ],
    );
    const ok = () => rig.controller.status().devices.filter((d) => d.status === 'ok').length === 4;
    await waitUntil(() => ok() && slot(CAMERAS)?.active?.device === 'cam-1', 20_000, 'the gear ok, cam-1 live');
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await rig?.stop();
  });

  /** The wall with tiles exactly 260 px wide, as on a crowded wall screen. */
  async function narrowWall(errors: string[]): Promise<Page> {
    const page = await rig.open(ENGINEER, 'wall', errors, { viewport: { width: 900, height: 700 } });
    const tile = page.locator(`[data-slot="${CAMERAS}"]`);
    await tile.waitFor({ timeout: 10_000 });
    // Through the CSSOM: the console's CSP refuses an inline style sheet.
    await page.evaluate(() => {
      for (const tiles of document.querySelectorAll<HTMLElement>('.tiles')) tiles.style.gridTemplateColumns = 'repeat(auto-fill, 260px)';
    });
    expect((await tile.boundingBox())!.width).toBe(260);
    return page;
  }

  it('the failover dialog is a modal in the top layer: inside the viewport, above the tiles, Tab kept inside, Esc gives focus back', async () => {
    const errors: string[] = [];
    const page = await narrowWall(errors);
    const opener = page.locator(`[data-slot="${CAMERAS}"] .failover-button`);
    await opener.click();
    const dialog = page.locator('dialog:modal');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.count()).toBe(1);
    expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await dialog.locator('h2').textContent()).toBe(`Fail over ${CAMERAS}`);
    // Inside the viewport, wider than the tile it came from, and what is drawn at its centre and corners is the dialog.
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(900);
    expect(box.y + box.height).toBeLessThanOrEqual(700);
    expect(box.width).toBeGreaterThan(260);
    const onTop = await dialog.evaluate((d) => {
      const r = d.getBoundingClientRect();
      const points: Array<[number, number]> = [
        [r.left + r.width / 2, r.top + r.height / 2],
        [r.left + 4, r.top + 4],
        [r.right - 4, r.bottom - 4],
      ];
      return points.every(([x, y]) => d.contains(document.elementFromPoint(x, y)));
    });
    expect(onTop).toBe(true);

    // Focus starts on the first field; Tab and Shift+Tab go round inside the dialog, never out to the page.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.className ?? '');
    const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('dialog'));
    expect(await focused()).toBe('to');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await inDialog()).toBe(true);
      seen.push(await focused());
    }
    // to → reason → Cancel → (Fail over is disabled without a reason) → back to the select.
    expect(seen.slice(0, 3)).toEqual(['reason', 'safe', 'to']);
    await page.keyboard.press('Shift+Tab');
    expect(await inDialog()).toBe(true);

    // Esc closes it, changes nothing, and focus is back on the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog').count()).toBe(0);
    expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(slot(CAMERAS)?.active?.device).toBe('cam-1');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fails a slot over with the keyboard alone, saying what will happen first', async () => {
    const errors: string[] = [];
    const page = await narrowWall(errors);
    await page.focus(`[data-slot="${CAMERAS}"] .failover-button`);
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog:modal');
    await dialog.waitFor({ timeout: 5_000 });
    // The first healthy member is named, and what goes live where.
    expect(await dialog.locator('select[name=to] option').first().textContent()).toContain('agent-b/cam-2');
    expect(await dialog.locator('.consequence').first().textContent()).toBe(
      `agent-b/cam-2 goes live in ${CAMERAS} in place of agent-a/cam-1.`,
    );
    await page.keyboard.press('Tab'); // to the reason
    // Enter without a reason does nothing: the dialog stays, nothing fails over.
    await page.keyboard.press('Enter');
    expect(await dialog.count()).toBe(1);
    await page.keyboard.type('camera 1 frozen');
    await page.keyboard.press('Enter');
    await waitUntil(() => slot(CAMERAS)?.active?.device === 'cam-2', 10_000, 'cam-2 live after the keyboard failover');
    await expect.poll(() => page.locator('dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('failover-button'))).toBe(true);
    const started = rig.controller.events({ type: 'failover.started' }).find((e) => e.slot === CAMERAS);
    expect(started).toMatchObject({ by: `${ENGINEER.user} (via console)`, reason: 'camera 1 frozen' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('in a Chinese browser the failover dialog speaks Chinese', async () => {
    const errors: string[] = [];
    const page = await rig.open(ENGINEER, 'wall', errors, { locale: 'zh-CN' });
    await page.locator(`[data-slot="${CAMERAS}"] .failover-button`).click();
    const dialog = page.locator('dialog:modal');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.locator('h2').textContent()).toBe(`切换 ${CAMERAS}`);
    expect(await dialog.locator('button.danger').textContent()).toBe('切换');
    expect(await dialog.locator('button.safe').textContent()).toBe('取消');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Start now asks first, names the show and what follows; Not now changes nothing; Confirm starts it', async () => {
    const startsAt = Date.now() + 2 * HOUR;
    await ask('show.add', { id: 'evening', title: 'Evening news', studio: 'studio-a', startsAt, endsAt: startsAt + HOUR, slots: [MICS] });
    const errors: string[] = [];
    const page = await rig.open(ENGINEER, 'shows', errors);
    const row = page.locator('[data-show="evening"]');
    await row.locator('button.start').click();
    const dialog = page.locator('dialog:modal');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.locator('h2').textContent()).toBe('Start Evening news now?');
    const said = (await dialog.locator('.consequence').allTextContents()).join(' ');
    expect(said).toContain(`Failover is armed on its 1 slot: ${MICS}.`);
    expect(said).toContain('No pre-show check has run: its gear is untested.');
    // The safe answer has focus: Enter now would not start the show.
    expect(await dialog.locator('button.safe').evaluate((b) => b === document.activeElement)).toBe(true);
    await dialog.locator('button.safe').click();
    await expect.poll(() => page.locator('dialog').count()).toBe(0);
    expect(await showState('evening')).toBe('scheduled');

    await row.locator('button.start').click();
    await page.locator('dialog:modal button.confirm').click();
    await expect.poll(() => showState('evening'), { timeout: 10_000 }).toBe('on_air');
    await expect.poll(() => row.locator('.show-state').textContent()).toBe('ON AIR');
    await ask('show.stop', { id: 'evening', reason: 'test over' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Cancel on a show asks first; Keep the show leaves it scheduled', async () => {
    const startsAt = Date.now() + 3 * HOUR;
    await ask('show.add', { id: 'late', title: 'Late show', studio: 'studio-a', startsAt, endsAt: startsAt + HOUR, slots: [MICS] });
    const errors: string[] = [];
    const page = await rig.open(ENGINEER, 'shows', errors);
    await page.locator('[data-show="late"] button.cancel').click();
    const dialog = page.locator('dialog:modal');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.locator('h2').textContent()).toBe('Cancel Late show?');
    expect(await dialog.locator('.consequence').first().textContent()).toContain('will not go on air');
    await dialog.locator('button.safe').click();
    await expect.poll(() => page.locator('dialog').count()).toBe(0);
    expect(await showState('late')).toBe('scheduled');
    // Esc is a "no" too.
    await page.locator('[data-show="late"] button.cancel').click();
    await dialog.waitFor({ timeout: 5_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog').count()).toBe(0);
    expect(await showState('late')).toBe('scheduled');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Re-run pre-show runs the check again: the new result names the backup that failed its self-test', async () => {
    const startsAt = Date.now() + 4 * HOUR;
    // A mic slot may go on air without a backup when the show says so: GO — no backup.
    await ask('show.add', {
      id: 'quiz',
      title: 'Quiz',
      studio: 'studio-a',
      startsAt,
      endsAt: startsAt + HOUR,
      slots: [MICS],
      withoutBackup: 'go',
    });
    const first = await ask('preshow', { show: 'quiz', run: true });
    expect(first.go).toBe(true);
    const errors: string[] = [];
    const page = await rig.open(ENGINEER, 'shows', errors);
    const row = page.locator('[data-show="quiz"]');
    await row.locator(`.checklist[data-started="${first.startedAt}"] li[data-verdict="go"]`).waitFor({ timeout: 10_000 });
    // mic-2's transmitter battery runs low: its self-test ("transmitter charged") fails.
    await simulate(rig.controller.brokerUrl, 'agent-b', 'mic-2', { mode: 'degraded' });
    await row.locator('button.rerun-preshow').click();
    const again = row.locator(`.checklist[data-finished="true"]:not([data-started="${first.startedAt}"])`);
    await again.waitFor({ timeout: 30_000 });
    const line = again.locator('li[data-verdict="go-no-backup"]');
    expect(await line.count()).toBe(1);
    expect(await line.textContent()).toContain(`GO — no backup ${MICS}: backup agent-b/mic-2 failed its self-test`);
    expect(await again.locator('> strong').textContent()).toBe('GO — with no backup');
    expect((await ask('preshow', { show: 'quiz' })).startedAt).toBeGreaterThan(first.startedAt);
    await expect.poll(() => row.locator('button.rerun-preshow').isDisabled()).toBe(false);
    await simulate(rig.controller.brokerUrl, 'agent-b', 'mic-2', 'clear');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
