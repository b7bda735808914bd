/**
 * The engineer's console in a real browser: Debian's chromium driven by playwright-core (no browser
 * download), against the demo studio on the wire-protocol simulators (a real controller, agent
 * processes, the ONVIF camera over HTTP/SOAP, the VISCA camera on a pty). Screenshots of the wall and
 * a device page are kept in .vitest/artifacts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Studio } from '../../studio-harness/studio.ts';
import { STREAM_SLOT, StudioHardware } from '../../studio-harness/hardware.ts';
import { request, withController } from '../../client/request-client.ts';
import { silentLogger } from '../../lib/logger.ts';
import { PASSWORDS } from '../support/forgery.ts';
import { CHROMIUM, CHROMIUM_ARGS, measureConsolePaint } from '../../bench/console-paint.ts';

const ARTIFACTS = path.resolve('.vitest', 'artifacts');
const SLOT = 'studio-a/cam-wide';

/** What the pages logged as errors (a script error, a refused module): every test ends with none. */
const pageErrors: string[] = [];

async function logIn(browser: Browser, url: string, user: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })).newPage();
  page.on('pageerror', (err) => pageErrors.push(`${user}: ${err.message}`));
  page.on('response', (r) => void (r.status() === 404 && pageErrors.push(`${user}: 404 ${new URL(r.url()).pathname}`)));
  // The page works in a studio without internet: it asks nothing of anyone but the controller.
  page.on(
    'request',
    (r) =>
      void (
        !r.url().startsWith(`${url}/`) &&
        !/^(data|blob):/.test(r.url()) &&
        pageErrors.push(`${user}: request outside the controller: ${r.url()}`)
      ),
  );
  await page.goto(`${url}/console/`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.link-live', { timeout: 10_000 });
  return page;
}

describe.skipIf(!existsSync(CHROMIUM))('the console in chromium', () => {
  let studio: Studio;
  let hardware: StudioHardware;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hardware = new StudioHardware();
    const agents = await hardware.start();
    studio = new Studio({ log: silentLogger(), agents, agentEnv: hardware.env, slots: hardware.slots() });
    await studio.start();
    await studio.controller.identities.addUser('eve', 'engineer', PASSWORDS.eve);
    await studio.controller.identities.addUser('vic', 'viewer', PASSWORDS.vic);
    url = studio.controller.httpUrl!;
    await studio.waitForDevices(
      studio.agents().flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id }))),
      30_000,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 90_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
    await hardware?.stop();
  });

  it('a wrong password is refused on the login page', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/console/`);
    await page.fill('input[name=username]', 'eve');
    await page.fill('input[name=password]', 'not her password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('login refused');
    await page.context().close();
  });

  it('a failover on air turns the tile NO BACKUP LEFT, then ON BACKUP (amber) once the primary is back; the studio header counts them', async () => {
    const page = await logIn(browser, url, 'eve', PASSWORDS.eve);
    const tile = page.locator(`[data-slot="${SLOT}"]`);
    const count = (state: string) => page.locator(`[data-studio="studio-a"] [data-count="${state}"]`).textContent();
    const tileColours = () =>
      tile.evaluate((t) => ({
        tile: getComputedStyle(t).backgroundColor,
        word: getComputedStyle(t.querySelector('.state-word')!).backgroundColor,
      }));
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 30_000 }).toBe('ok');
    expect(await count('on_backup')).toBe('0 ON BACKUP');
    expect(await count('no_backup_left')).toBe('0 NO BACKUP LEFT');
    // A registered encoder is a `stream-encoder`: its stream state shows on its member line.
    const encoder = page.locator(`[data-slot="${STREAM_SLOT}"] [data-member="agent-a/encoder-1"] .detail`);
    await expect.poll(() => encoder.textContent(), { timeout: 10_000 }).toMatch(/^stream (OK|DEGRADED)/);

    await studio.ask('on-air', { onAir: true, reason: 'console test: redundancy' });
    try {
      const beforeFault = studio.mark();
      hardware.breakPrimaryCamera();
      const switched = await studio.waitForEvent(
        (e) => (e.type === 'failover.succeeded' || e.type === 'failover.failed') && e.slot === SLOT,
        20_000,
        'the failover on air',
        beforeFault,
      );
      expect(switched.type).toBe('failover.succeeded');
      // Live on cam-2 with cam-1 FAILED: the show is fine, but nothing is left to fail over to.
      await expect.poll(() => tile.getAttribute('data-state'), { timeout: 5_000 }).toBe('no_backup_left');
      expect(await tile.locator('.state-word').textContent()).toBe('NO BACKUP LEFT');
      expect(await count('no_backup_left')).toBe('1 NO BACKUP LEFT');
      expect(await tileColours()).toEqual({ tile: 'rgb(69, 32, 12)', word: 'rgb(232, 89, 12)' }); // amber-red (console.css --no-backup)

      // cam-1 healthy again, not switched back (never automatic): ON BACKUP, amber.
      const beforeRepair = studio.mark();
      hardware.repairPrimaryCamera();
      await studio.waitForEvent(
        (e) => e.type === 'device.state' && e.device === 'cam-1' && e.data.to === 'ok',
        30_000,
        'cam-1 ok again',
        beforeRepair,
      );
      await expect.poll(() => tile.getAttribute('data-state'), { timeout: 5_000 }).toBe('on_backup');
      expect(await tile.locator('.state-word').textContent()).toBe('ON BACKUP');
      expect(await count('on_backup')).toBe('1 ON BACKUP');
      expect(await count('no_backup_left')).toBe('0 NO BACKUP LEFT');
      expect(await tileColours()).toEqual({ tile: 'rgb(58, 42, 5)', word: 'rgb(242, 153, 0)' }); // amber (console.css --on-backup)
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-wall-on-backup.png'), fullPage: true });
    } finally {
      hardware.repairPrimaryCamera();
      // Back as the next test expects it: cam-1 live, off air.
      if (studio.slots.get(SLOT)?.active?.device !== 'cam-1')
        await studio.ask('failover', { slot: SLOT, to: 'agent-a/cam-1', reason: 'console test: back to the primary' });
      await studio.ask('on-air', { onAir: false, reason: 'console test: redundancy done' });
    }
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 5_000 }).toBe('ok');
    expect(await count('on_backup')).toBe('0 ON BACKUP');
    await page.context().close();
  }, 120_000);

  it('the wall turns red when a camera dies, an engineer fails it over from the tile, the events say who', async () => {
    const page = await logIn(browser, url, 'eve', PASSWORDS.eve);
    const tile = page.locator(`[data-slot="${SLOT}"]`);
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 30_000 }).toBe('ok');
    expect(await page.locator('[data-studio="studio-a"]').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-wall.png'), fullPage: true });

    // When did the page show it? A MutationObserver notes the time the tile's state changed.
    await page.evaluate((slot) => {
      const w = window as unknown as { redAt?: number };
      const tileElement = document.querySelector(`[data-slot="${slot}"]`)!.parentElement!;
      new MutationObserver(() => {
        const t = document.querySelector(`[data-slot="${slot}"]`);
        if (w.redAt === undefined && t?.getAttribute('data-state') === 'down') w.redAt = performance.timeOrigin + performance.now();
      }).observe(tileElement, { subtree: true, attributes: true, childList: true });
    }, SLOT);
    // Off air (a rehearsal): nothing fails over by itself, the wall shows the slot DOWN.
    const mark = studio.mark();
    hardware.breakPrimaryCamera();
    const failed = await studio.waitForEvent(
      (e) => e.type === 'device.state' && e.device === 'cam-1' && (e.data.to === 'failed' || e.data.to === 'offline'),
      15_000,
      'cam-1 failed',
      mark,
    );
    await expect.poll(() => page.evaluate(() => (window as unknown as { redAt?: number }).redAt), { timeout: 5_000 }).toBeGreaterThan(0);
    const redAt = (await page.evaluate(() => (window as unknown as { redAt?: number }).redAt))!;
    const shownAfterMs = redAt - failed.ts;
    process.stdout.write(`console: tile red ${Math.round(shownAfterMs)} ms after the controller declared cam-1 failed\n`);
    expect(shownAfterMs).toBeLessThan(1_000);
    expect(await tile.locator('.state-word').textContent()).toBe('DOWN');
    expect(await tile.locator('[data-member="agent-a/cam-1"] .word').textContent()).toMatch(/FAILED|OFFLINE/);

    // Failover from the tile's modal dialog (test/browser/actions.test.ts tests it): member, reason, Fail over; the tile shows it confirmed.
    await tile.locator('.failover-button').click();
    const dialog = page.locator('dialog:modal');
    await dialog.locator('select[name=to]').selectOption('agent-b/cam-2');
    await dialog.locator('input[name=reason]').fill('camera 1 frozen');
    await dialog.locator('button.danger').click();
    // Live on its backup with the primary FAILED: not OK, nothing left to fail over to.
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 10_000 }).toBe('no_backup_left');
    await expect.poll(() => tile.locator('[data-progress]').getAttribute('data-progress')).toBe('confirmed');
    expect(await tile.locator('.live').textContent()).toContain('agent-b/cam-2');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-wall-after-failover.png'), fullPage: true });

    // On air, the backup's agent dies too: nothing healthy is left, the slot is DOWN and an alarm is raised.
    await studio.ask('on-air', { onAir: true, reason: 'console test' });
    const beforeKill = studio.mark();
    studio.agentProcess('agent-b')?.kill('SIGKILL');
    await studio.waitForEvent((e) => e.type === 'alarm' && e.slot === SLOT, 15_000, 'the slot-down alarm', beforeKill);
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 5_000 }).toBe('down');

    // The events page: the failover with the engineer's name, and the slot-down alarm to acknowledge.
    await page.goto(`${url}/console/#/events`);
    const failover = page.locator('tr[data-type="failover.succeeded"]').first();
    await expect.poll(() => failover.locator('.by').textContent(), { timeout: 5_000 }).toBe('eve (via console)');
    const alarm = page.locator(`tr.alarm-open[data-type="alarm"][data-slot="${SLOT}"]`).first();
    const seq = await alarm.getAttribute('data-seq');
    await alarm.locator('button.ack').click();
    await expect.poll(() => page.locator(`tr[data-seq="${seq}"] .acked`).textContent()).toBe('acknowledged by eve (via console)');
    expect(studio.events.some((e) => e.type === 'alarm.acked' && e.data.seq === Number(seq) && e.by === 'eve (via console)')).toBe(true);

    // The device page: checks, a trend, and the self-test button for a technician or above.
    await page.goto(`${url}/console/#/device/agent-a/cam-1`);
    await page.waitForSelector('.device-page .trend canvas', { timeout: 10_000 });
    expect(await page.locator('.device-page h2').textContent()).toContain('agent-a/cam-1');
    expect(await page.locator('.run-test').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-device.png'), fullPage: true });
    // The reports page: the failure-rate charts and the CSV a technician downloads.
    await page.goto(`${url}/console/#/reports`);
    await page.waitForSelector('.rate-chart svg', { timeout: 10_000 });
    // What viewers saw, in its own columns (issue 22).
    expect(await page.locator('table.show-content th').allTextContents()).toEqual([
      'Show',
      'Down in all',
      'Black',
      'Frozen',
      'Silent',
      'Stalled playback',
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.csv-devices')]);
    expect(download.suggestedFilename()).toBe('onair-devices.csv');
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
          .on('error', reject);
      }, reject);
    });
    expect(csv.split('\r\n')[0]).toBe('agent,device,observed_ms,down_ms,availability,failures,mtbf_ms,mttr_ms');
    const cam1 = csv
      .split('\r\n')
      .find((line) => line.startsWith('agent-a,cam-1,'))
      ?.split(',');
    expect(cam1, csv).toBeDefined();
    expect(Number(cam1![5]), 'its failure counted').toBeGreaterThanOrEqual(1);
    hardware.repairPrimaryCamera();
    await page.context().close();
  }, 90_000);

  it('a show whose stream slot lost its only backup in the pre-show check reads "GO — no backup" (issue 20, point 16)', async () => {
    const options = { broker: studio.brokerUrl(), timeoutMs: 30_000, issuedBy: 'eve' };
    hardware.encoders[1]!.setFault('dead'); // encoder-2, the stream slot's backup, hangs: its self-test fails
    try {
      // Its pre-show check starts in about 6 s; the failed test's retry comes within half the time left (about 12 s).
      const startsAt = Date.now() + 30_000;
      await withController(options, (c) =>
        request(
          c,
          'show.add',
          { id: 'late-news', studio: 'studio-a', startsAt, endsAt: startsAt + 3_600_000, slots: [STREAM_SLOT], preShowMinutes: 0.4 },
          options,
        ),
      );
      await studio.waitForEvent((e) => e.type === 'preshow.checklist' && e.data.show === 'late-news', 90_000, 'the checklist');
      const page = await logIn(browser, url, 'eve', PASSWORDS.eve);
      await page.goto(`${url}/console/#/shows`);
      // An encoder slot is GO without a backup by default (NO-GO is the default for cameras and mics only).
      const slot = page.locator(`.checklist li[data-verdict="go-no-backup"]`, { hasText: STREAM_SLOT });
      await slot.waitFor({ timeout: 15_000 });
      expect(await slot.textContent()).toContain(`GO — no backup ${STREAM_SLOT}`);
      expect(await page.locator('.checklist > strong', { hasText: 'GO — with no backup' }).count()).toBeGreaterThan(0);
      await page.context().close();
    } finally {
      hardware.encoders[1]!.setFault('none');
    }
  }, 120_000);

  it('a viewer sees the wall without a failover button, and a forged POST from the session is refused', async () => {
    const page = await logIn(browser, url, 'vic', PASSWORDS.vic);
    await page.waitForSelector(`[data-slot="${SLOT}"]`);
    expect(await page.locator('.failover-button').count()).toBe(0);
    const forged = await page.evaluate(async (slot) => {
      const session = (await (await fetch('/api/session')).json()) as { data: { csrf: string } };
      const r = await fetch('/api/failover', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-onair-csrf': session.data.csrf },
        body: JSON.stringify({ slot, reason: 'forged' }),
      });
      return { status: r.status, body: (await r.json()) as { error: string } };
    }, SLOT);
    expect(forged.status).toBe(403);
    expect(forged.body.error).toContain('vic\'s role (viewer) may not ask "failover"');
    // Without the session's CSRF token (a form on another site could send the cookie): refused before the role is looked at.
    const noToken = await page.evaluate(
      async () => (await fetch('/api/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    );
    expect(noToken).toBe(403);
    // From another origin, even with the token.
    const cookies = await page.context().cookies();
    const session = (await (await page.context().request.get(`${url}/api/session`)).json()) as { data: { csrf: string } };
    const other = await page
      .context()
      .request.post(`${url}/api/status`, { headers: { origin: 'http://evil.example', 'x-onair-csrf': session.data.csrf }, data: {} });
    expect(other.status()).toBe(403);
    expect(cookies.find((c) => c.name === 'onair_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(studio.events.some((e) => e.type === 'failover.started' && e.reason === 'forged')).toBe(false);
    await page.context().close();
  }, 60_000);
});

describe.skipIf(!existsSync(CHROMIUM))('the console at scale', () => {
  it('draws a wall of 50 studios × 10 slots, every tile (its first paint is measured by npm run bench)', async () => {
    const r = await measureConsolePaint({ studios: 50, slotsPerStudio: 10, runs: 1 });
    process.stdout.write(
      `console: 500 tiles painted ${r.firstPaintMs.p50} ms after navigation (${Math.round(r.statusBytes / 1024)} KiB picture)\n`,
    );
    expect(r.tiles).toBe(500);
    expect(r.firstPaintMs.n).toBe(1);
  }, 120_000);
});
