/**
 * The console's Duty page in chromium: who is reached now per studio and the rota for the next 7
 * days, against a real controller (no studio gear: the page reads only people and the rota).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { OperationName, OperationParams } from '../../protocols/contract.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/console-paint.ts';
import { removeDir, startController, tempDir } from '../integration/helpers.ts';

const ADMIN = { user: 'ada', password: 'ada-admin-password-1' };
const HOUR = 3_600_000;

describe.skipIf(!existsSync(CHROMIUM))('the Duty page', () => {
  let dir: string;
  let controller: ControllerWithHttp;
  let browser: Browser;
  const ask = <O extends OperationName>(op: O, params: OperationParams<O>) => {
    const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'ada', ...ADMIN };
    return withController(options, (c) => request(c, op, params, options));
  };

  beforeAll(async () => {
    dir = tempDir();
    controller = await startController({ dataDir: dir, config: { http: { enabled: true, port: 0, host: '127.0.0.1' } } });
    await controller.identities.addUser(ADMIN.user, 'admin', ADMIN.password);
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

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    removeDir(dir);
  });

  it('shows who is told first now, the lead, the next hand-over, and the rota ahead', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${controller.httpUrl}/console/`);
    await page.fill('input[name=username]', ADMIN.user);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.link-live', { timeout: 10_000 });
    await page.click('nav a[href="#/duty"]');
    const row = page.locator('table.duty-now tr[data-studio="studio-a"]');
    await row.waitFor({ timeout: 10_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toMatch(/^Night Owl on call until /);
    expect(cells[1]).toBe('Li Na');
    expect(cells[3]).toMatch(/→ 王工 \(Wang Lei\)$/);
    const rota = await page
      .locator('table.duty-rota tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(2).map((td) => td.textContent)));
    expect(rota).toEqual([
      ['studio-a', 'Night Owl', ''],
      ['every studio', '王工 (Wang Lei)', 'weekend cover'],
    ]);
    expect(errors).toEqual([]);
  });
});
