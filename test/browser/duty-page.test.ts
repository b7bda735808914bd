/**
 * The console's Duty page in chromium: who is reached now per studio and the rota for the next 7
 * days, against a real controller (no studio gear: the page reads only people and the rota).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const ADMIN: Login = { user: 'ada', password: 'ada-admin-password-1', role: 'admin' };
const HOUR = 3_600_000;

describe.skipIf(!existsSync(CHROMIUM))('the Duty page', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await startConsoleRig([ADMIN]);
    const ask: ConsoleRig['ask'] = (op, params) => rig.ask(op, params);
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
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it('shows who is told first now, the lead, the next hand-over, and the rota ahead', async () => {
    const errors: string[] = [];
    const page = await rig.open(ADMIN, 'duty', errors);
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
