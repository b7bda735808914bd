/**
 * The console's Incidents page in chromium against a real controller and its alert engine: a
 * storage alarm recorded in the log raises one open alert (with the runbook a technician added for
 * controller trouble); the page lists it, shows the runbook's text inline, and its Acknowledge
 * button acknowledges it (the controller says so afterwards), while a viewer's press is refused and
 * the refusal shown.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../bench/console-paint.ts';
import { raiseStorageAlarm } from '../support/storage-alarm.ts';
import { startConsoleRig, type ConsoleRig, type Login } from './console-rig.ts';

const TECH: Login = { user: 'tess', password: 'tess-technician-pw-1', role: 'technician' };
const VIEWER: Login = { user: 'vic', password: 'vic-viewer-password-1', role: 'viewer' };
const ARTIFACTS = path.resolve('.vitest', 'artifacts');
const RUNBOOK_LINE = 'Check the disk: df -h /var/lib/onair <then> free space';

describe.skipIf(!existsSync(CHROMIUM))('the Incidents page', () => {
  let rig: ConsoleRig;
  const ask: ConsoleRig['ask'] = (op, params) => rig.ask(op, params);

  beforeAll(async () => {
    rig = await startConsoleRig([TECH, VIEWER]);
    await ask('runbook.add', {
      id: 'disk-full',
      kind: 'controller',
      title: 'Controller storage',
      markdown: `# Storage\n\n1. ${RUNBOOK_LINE}\n`,
    });
    await raiseStorageAlarm(rig.controller);
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it('refuses a viewer’s acknowledgement and shows why', async () => {
    const errors: string[] = [];
    const page = await rig.open(VIEWER, 'incidents', errors);
    const alert = page.locator('.alert-list li.alert').first();
    await alert.waitFor({ timeout: 10_000 });
    await alert.locator('button.acknowledge').click();
    await alert.locator('.error').waitFor({ timeout: 10_000 });
    expect(await alert.locator('.error').textContent()).toBe(`vic's role (viewer) may not ask "alert.ack"`);
    expect((await ask('alert.list', { state: 'open' })).alerts[0]!.state).toBe('firing');
    expect(errors).toEqual([]);
  });

  it('lists the open alert with its runbook, and Acknowledge acknowledges it', async () => {
    const errors: string[] = [];
    const page = await rig.open(TECH, 'incidents', errors);
    const alert = page.locator('.alert-list li.alert').first();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.getAttribute('class')).toContain('sev-critical');
    expect(await alert.locator('.state').textContent()).toBe('firing');
    expect(await alert.locator('.severity').textContent()).toBe('critical');

    await alert.locator('details.runbook-box summary').click();
    const runbook = alert.locator('.runbook pre');
    await runbook.waitFor({ timeout: 10_000 });
    // Shown as the text it is: the markdown's "<then>" is text, not an element.
    expect(await runbook.textContent()).toContain(RUNBOOK_LINE);

    await alert.locator('input[aria-label^="Comment"]').fill('on it, freeing space');
    await alert.locator('button.acknowledge').click();
    // The page reads again on the log's alert.acked: the alert shows who took it.
    await alert.locator('.acked').waitFor({ timeout: 10_000 });
    expect(await alert.locator('.acked').textContent()).toContain(`acknowledged by ${TECH.user}`);
    const [acked] = (await ask('alert.list', { state: 'open' })).alerts;
    expect(acked).toMatchObject({ state: 'acknowledged', ackComment: 'on it, freeing space' });
    expect(acked!.ackedBy).toMatch(/^tess\b/);

    // Its incident, opened, with the report's link and the alert inside.
    const row = page.locator(`.incident-table tr[data-incident="${acked!.incident}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('button.incident-open').click();
    const detail = page.locator('section.incident-detail');
    await detail.locator(`.incident-alerts li[data-alert="${acked!.id}"]`).waitFor({ timeout: 10_000 });
    await detail.locator('a.report-link').waitFor({ timeout: 10_000 });
    expect(await detail.locator('a.report-link').getAttribute('href')).toMatch(/^blob:/);
    const [report] = await Promise.all([page.waitForEvent('popup'), detail.locator('a.report-link').click()]);
    await report.waitForLoadState();
    // Styled as the controller wrote it, though the console's CSP passes to the Blob URL's window.
    expect(await report.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('system-ui');
    expect(await report.locator('body').textContent()).toContain(acked!.summary);

    // A note, read back after the log's incident.noted.
    await detail.locator('.note-box textarea').fill('moved old recordings to the archive disk');
    await detail.locator('.note-box button[type=submit]').click();
    await detail.locator('ul.incident-notes li', { hasText: 'moved old recordings to the archive disk' }).waitFor({ timeout: 10_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-incidents.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
