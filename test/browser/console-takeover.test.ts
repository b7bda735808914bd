/**
 * A takeover in the middle of an incident keeps the engineer's console (issue 24, "Sessions across a
 * takeover"): two `onair controller` seats on a password-login PostgreSQL, each with its HTTP side,
 * behind one front proxy as a site runs them. chromium logs in through the proxy; the standby is held
 * (SIGSTOP) and the leader killed with SIGKILL, so for a while nothing answers but the proxy's 502; the
 * standby resumes and takes over; the page goes RECONNECTING, then live again on the new leader — no login form, the same
 * person, and a request with the session's CSRF token answered by the new leader.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/console-paint.ts';
import { waitForPort } from '../support/processes.ts';
import { hasPostgres } from '../support/postgres.ts';
import { pairOnPostgres } from '../support/pair-on-postgres.ts';
import { startFrontProxy } from '../support/front-proxy.ts';
import { runOnairWith, waitUntil } from '../integration/helpers.ts';

const fixture = pairOnPostgres();
const EVE = 'a long password for eve';

describe.skipIf(!hasPostgres())('the console across a takeover, in chromium', () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('the page follows the new leader: live again, the same person, no login asked', async () => {
    const url = await fixture.server.database();
    const watch = await fixture.watch();
    const a = await fixture.httpSeat('ctl-a', url);
    const b = await fixture.httpSeat('ctl-b', url);
    a.proc.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    b.proc.start();
    const added = await runOnairWith(
      { ONAIR_PASSWORD: EVE },
      fixture.broker.url,
      'user',
      'add',
      'eve',
      '--role',
      'engineer',
      '--controller-config',
      a.file,
    );
    expect(added.code, added.stderr).toBe(0);
    await waitForPort(Number(new URL(a.http).port), 10_000);
    const front = await startFrontProxy([a.http, b.http]);
    fixture.defer(() => front.close());

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${front.url}/console/`);
    await page.fill('input[name=username]', 'eve');
    await page.fill('input[name=password]', EVE);
    await page.click('button[type=submit]');
    await page.waitForSelector('.link-live', { timeout: 15_000 });

    // The standby is held (SIGSTOP: a starved machine) while the leader is killed, so no controller answers
    // for longer than the browser's own retry: the front answers the page's feed 502, which ends an EventSource.
    await b.proc.signal('SIGSTOP');
    await a.proc.kill();
    await page.waitForSelector('.link-reconnecting', { timeout: 15_000 });
    await waitUntil(() => front.badGateways('/api/live') >= 1, 20_000, 'the front to refuse the feed while no controller answers');
    await b.proc.signal('SIGCONT');
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 20_000, 'ctl-b to lead');
    // The page opens its feed again (with backoff) while the session holds, and finds the new leader.
    await page.waitForSelector('.link-live', { timeout: 30_000 });
    expect(await page.locator('form[aria-label="log in"]').count()).toBe(0);
    expect(await page.locator('nav .who').textContent()).toContain('eve');
    // A request with the session's CSRF token, from the page's own module (a string: vitest would rewrite an import() in a function).
    const answered = await page.evaluate(
      "import('/console/app/console/api.js').then(async (api) => typeof (await api.ask('status', {})).onAir)",
    );
    expect(answered).toBe('boolean');
    expect(errors).toEqual([]);
  }, 120_000);
});
