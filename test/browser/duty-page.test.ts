/**
 * The console's Duty page in chromium: who is reached now per studio and the rota for the next 7
 * days, against a real controller (no studio gear: the page reads only people and the rota); and
 * the engineer's forms: a shift added through the form is in the rota and the store, a refusal is the
 * page's error, a removed shift is gone.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { OperationName, OperationParams } from '../../protocols/contract.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/console-paint.ts';
import { removeDir, startController, tempDir } from '../integration/helpers.ts';

const ADMIN = { user: 'ada', password: 'ada-admin-password-1' };
/** The test's own reads: another login, so they do not spend the page's request budget (10 a second per login). */
const VIEWER = { user: 'vera', password: 'vera-viewer-password-1' };
const HOUR = 3_600_000;
/** The browser's zone, not the test machine's (UTC here): the form reads datetime-local as the browser's local time. */
const BROWSER_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * HOUR;
/** `ts` as a datetime-local value in Shanghai (no daylight saving there). */
const shanghaiLocal = (ts: number): string => new Date(ts + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);

describe.skipIf(!existsSync(CHROMIUM))('the Duty page', () => {
  let dir: string;
  let controller: ControllerWithHttp;
  let browser: Browser;
  /** Closed after each test: an open Duty page reads its lists again on every change, on the same login's budget. */
  const contexts: BrowserContext[] = [];
  const askAs =
    (login: typeof ADMIN) =>
    <O extends OperationName>(op: O, params: OperationParams<O>) => {
      const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: login.user, ...login };
      return withController(options, (c) => request(c, op, params, options));
    };
  const ask = askAs(ADMIN);
  const look = askAs(VIEWER);

  beforeAll(async () => {
    dir = tempDir();
    controller = await startController({ dataDir: dir, config: { http: { enabled: true, port: 0, host: '127.0.0.1' } } });
    await controller.identities.addUser(ADMIN.user, 'admin', ADMIN.password);
    await controller.identities.addUser(VIEWER.user, 'viewer', VIEWER.password);
    for (const [id, name] of [
      ['wang', '王工 (Wang Lei)'],
      ['li', 'Li Na'],
      ['night', 'Night Owl'],
    ] as const)
      await ask('person.add', { id, name, contacts: [] });
    await ask('studio.set', { id: 'studio-a', responsible: 'wang', emergencyLead: 'li' });
    const now = Date.now();
    await ask('duty.add', { studio: 'studio-a', person: 'night', from: now - HOUR, to: now + HOUR });
    await ask('duty.add', { studio: '*', person: 'wang', from: now + 2 * HOUR, to: now + 3 * HOUR, note: 'weekend cover' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    removeDir(dir);
  });

  const openDutyPage = async (errors: string[]): Promise<Page> => {
    const context = await browser.newContext({ timezoneId: BROWSER_ZONE });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${controller.httpUrl}/console/`);
    await page.fill('input[name=username]', ADMIN.user);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.link-live', { timeout: 10_000 });
    await page.click('nav a[href="#/duty"]');
    return page;
  };
  const rotaRows = (page: Page) =>
    page
      .locator('table.duty-rota tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(2, 5).map((td) => td.textContent)));

  it('shows who is told first now, the lead, the next hand-over, and the rota ahead', async () => {
    const errors: string[] = [];
    const page = await openDutyPage(errors);
    const row = page.locator('table.duty-now tr[data-studio="studio-a"]');
    await row.waitFor({ timeout: 10_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toMatch(/^Night Owl on call until /);
    expect(cells[1]).toBe('Li Na');
    expect(cells[3]).toMatch(/→ 王工 \(Wang Lei\)$/);
    expect(await rotaRows(page)).toEqual([
      ['studio-a', 'Night Owl', ''],
      ['every studio', '王工 (Wang Lei)', 'weekend cover'],
    ]);
    expect(errors).toEqual([]);
  });

  it("adds a shift through the form in the browser's time zone, shows a refusal, and removes the shift after a confirm", async () => {
    const errors: string[] = [];
    const page = await openDutyPage(errors);
    await page.locator('table.duty-rota').waitFor({ timeout: 10_000 });
    const from = Math.floor(Date.now() / 60_000) * 60_000 + 4 * HOUR;
    const form = page.locator('form.duty-add');
    await form.locator('select[name=studio]').selectOption('studio-a');
    await form.locator('select[name=person]').selectOption('li');
    await form.locator('input[name=from]').fill(shanghaiLocal(from));
    await form.locator('input[name=to]').fill(shanghaiLocal(from + HOUR));
    await form.locator('input[name=note]').fill('added in the console');
    await form.locator('button[type=submit]').click();
    const added = page.locator('table.duty-rota tbody tr', { hasText: 'added in the console' });
    await added.waitFor({ timeout: 10_000 });
    expect(await added.locator('td').nth(3).textContent()).toBe('Li Na');
    const stored = (await look('duty.list', {})).shifts.find((s) => s.note === 'added in the console');
    expect(stored).toMatchObject({ studio: 'studio-a', person: 'li', from, to: from + HOUR });

    // Wang on call for studio-a during Li's shift: the server refuses, the page says so in its words.
    await form.locator('select[name=studio]').selectOption('studio-a');
    await form.locator('select[name=person]').selectOption('wang');
    await form.locator('input[name=from]').fill(shanghaiLocal(from + HOUR / 2));
    await form.locator('input[name=to]').fill(shanghaiLocal(from + 2 * HOUR));
    await form.locator('button[type=submit]').click();
    const refusal = page.locator('.duty p.error[role=alert]');
    await refusal.waitFor({ timeout: 10_000 });
    expect(await refusal.textContent()).toContain(`shift ${stored?.id}`);
    expect((await look('duty.list', {})).shifts.filter((s) => s.person === 'wang' && s.studio === 'studio-a')).toEqual([]);

    await added.locator('button.remove').click();
    expect(await added.count()).toBe(1); // the first click only asks to confirm
    await added.locator('button.confirm-remove').click();
    await added.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await look('duty.list', {})).shifts.some((s) => s.id === stored?.id)).toBe(false);
    expect(await rotaRows(page)).toEqual([
      ['studio-a', 'Night Owl', ''],
      ['every studio', '王工 (Wang Lei)', 'weekend cover'],
    ]);
    expect(errors).toEqual([]);
  });

  it("lets an admin add a person with contact points and set a studio's manager, keeping the studio's other people", async () => {
    await controller.identities.addUser('zhao', 'engineer', 'zhao-engineer-password-1'); // a person's login must be a known one
    await ask('contact.add', { id: 'zhao-chat', kind: 'slack', to: 'https://hooks.slack.example/services/T0/B0/x' });
    await ask('contact.add', { id: 'zhao-mail', kind: 'email', to: 'zhao@studio.example' });
    const errors: string[] = [];
    const page = await openDutyPage(errors);
    await page.locator('table.duty-now').waitFor({ timeout: 10_000 });
    const person = page.locator('form.person-form');
    await person.locator('input[name=id]').fill('zhao');
    await person.locator('input[name=name]').fill('Zhao Min');
    await person.locator('input[name=login]').fill('zhao');
    await person.locator('select[name=contacts]').selectOption(['zhao-mail', 'zhao-chat']);
    await person.locator('button[type=submit]').click();
    const studio = page.locator('form.studio-form');
    await studio.locator('select[name=manager] option[value=zhao]').waitFor({ state: 'attached', timeout: 10_000 });

    expect((await look('person.list', {})).people.find((x) => x.id === 'zhao')).toEqual({
      id: 'zhao',
      name: 'Zhao Min',
      login: 'zhao',
      contacts: ['zhao-chat', 'zhao-mail'],
    });

    // Editing studio-a fills in who it names; only the manager is chosen here.
    await studio.locator('select[name=editing]').selectOption('studio-a');
    await studio.locator('select[name=manager]').selectOption('zhao');
    await studio.locator('button[type=submit]').click();
    const manager = page.locator('table.duty-now tr[data-studio="studio-a"] td').nth(2);
    await expect.poll(() => manager.textContent(), { timeout: 10_000 }).toBe('Zhao Min');
    expect((await look('studio.list', {})).studios.find((s) => s.id === 'studio-a')).toEqual({
      id: 'studio-a',
      responsible: 'wang',
      emergencyLead: 'li',
      manager: 'zhao',
    });
    expect(errors).toEqual([]);
  });
});
