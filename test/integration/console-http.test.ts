/**
 * The console's HTTP side over real HTTP on loopback, without a browser: the page and its modules
 * (and nothing else from disk), the login and its cookie, CSRF on session writes, the live feed as
 * server-sent events around a real failure, the console's own operations (device.health,
 * alarm.ack) with their roles, and a person's sessions and streams ending when their login changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerWithHttp as Controller } from '../../controller/http/attach.ts';
import { eventsOf, type ControllerEvent } from '../../protocols/events.ts';
import { simulate, waitUntil } from './helpers.ts';
import { PAIR_SLOT, startCameraPair, type CameraPair } from '../support/camera-pair.ts';
import { PASSWORDS, PEOPLE } from '../support/forgery.ts';

const SLOT = PAIR_SLOT;
let pair: CameraPair;
let controller: Controller;

interface Login {
  cookie: string;
  csrf: string;
  setCookie: string;
  may: string[];
}

const url = (p: string) => `${controller.httpUrl}${p}`;
const json = { 'content-type': 'application/json' };

async function login(user: keyof typeof PASSWORDS): Promise<Login> {
  const r = await fetch(url('/api/login'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: user, password: PASSWORDS[user] }),
  });
  expect(r.status).toBe(200);
  const setCookie = r.headers.get('set-cookie')!;
  const body = (await r.json()) as { data: { csrf: string; may: string[] } };
  return { cookie: setCookie.split(';')[0]!, csrf: body.data.csrf, setCookie, may: body.data.may };
}

async function ask(who: Login, op: string, params: unknown, extra: Record<string, string> = {}) {
  const r = await fetch(url(`/api/${op}`), {
    method: 'POST',
    headers: { ...json, cookie: who.cookie, 'x-onair-csrf': who.csrf, ...extra },
    body: JSON.stringify(params),
  });
  return { code: r.status, body: (await r.json()) as { status: string; data?: Record<string, unknown>; error?: string } };
}

/** An open /api/live stream: its messages as they arrive, parsed. */
async function openLive(who: Login) {
  const controllerAbort = new AbortController();
  const r = await fetch(url('/api/live'), { headers: { cookie: who.cookie }, signal: controllerAbort.signal });
  const messages: Array<{ event: string; data: unknown; at: number }> = [];
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return { response: r, messages, ended: () => ended, close: async () => (controllerAbort.abort(), await reading) };
}

beforeAll(async () => {
  pair = await startCameraPair(PEOPLE);
  controller = pair.controller;
}, 30_000);

afterAll(async () => pair?.stop());

describe('the console over HTTP', () => {
  it('serves the page with a strict CSP, its modules, and nothing else from disk', async () => {
    const root = await fetch(url('/'), { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/console/']);
    // Without the trailing slash: redirected, the query string kept; followed, the page.
    for (const [typed, to] of [
      ['/console', '/console/'],
      ['/console?slot=studio-a%2Fcam-wide&x=1', '/console/?slot=studio-a%2Fcam-wide&x=1'],
      ['/console?//evil.example', '/console/?//evil.example'],
    ]) {
      const r = await fetch(url(typed!), { redirect: 'manual' });
      expect([r.status, r.headers.get('location')], typed).toEqual([302, to]);
    }
    const followed = await fetch(url('/console?x=1'));
    expect([followed.status, followed.url, followed.headers.get('content-type')]).toEqual([
      200,
      url('/console/?x=1'),
      'text/html; charset=utf-8',
    ]);
    const page = await fetch(url('/console/'));
    const html = await page.text();
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).toContain('<script type="importmap">');
    expect(html).toContain('<link rel="modulepreload" href="/console/app/console/main.js">');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing from outside the controller
    for (const file of [
      '/console/app/console/main.js',
      '/console/app/protocols/event-severity.js',
      '/console/app/protocols/pictures.js',
      '/console/vendor/preact.js',
      '/console/vendor/uplot.js',
      '/console/static/console.css',
    ]) {
      const r = await fetch(url(file));
      expect(r.status, file).toBe(200);
      expect(r.headers.get('content-type'), file).toMatch(/javascript|css/);
    }
    // Compiled protocol modules the page does not use, build files and anything outside are not served.
    for (const file of [
      '/console/app/protocols/schemas.js',
      '/console/app/.tsbuildinfo',
      '/console/vendor/..%2F..%2Fpackage.json',
      '/console/app/../../package.json',
      '/console/vendor/typebox.js',
      '/console/vendor/constructor',
      '/console/vendor/__proto__',
    ]) {
      expect((await fetch(url(file))).status, file).toBe(404);
    }
  });

  it('logs in with an HttpOnly SameSite=Strict cookie, says what the role may do, and logs out', async () => {
    const bad = await fetch(url('/api/login'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'eve', password: 'not it at all' }),
    });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([401, 'login refused (wrong credential)']);
    const malformed = await fetch(url('/api/login'), { method: 'POST', headers: json, body: JSON.stringify({ username: 'eve' }) });
    expect(malformed.status).toBe(400);
    const eve = await login('eve');
    expect(eve.setCookie).toMatch(/^onair_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(eve.may).toContain('failover');
    expect((await login('vic')).may).not.toContain('failover');
    const session = await fetch(url('/api/session'), { headers: { cookie: eve.cookie } });
    expect(await session.json()).toMatchObject({ status: 'ok', data: { user: 'eve', role: 'engineer', csrf: eve.csrf } });
    expect((await fetch(url('/api/session'))).status).toBe(401);
    await fetch(url('/api/logout'), { method: 'POST', headers: { cookie: eve.cookie } });
    expect((await fetch(url('/api/session'), { headers: { cookie: eve.cookie } })).status).toBe(401);
    expect((await ask(eve, 'status', {})).code).toBe(401);
  });

  it('refuses a session write without the CSRF token or from another origin; a tool with Authorization needs neither', async () => {
    const eve = await login('eve');
    expect((await ask(eve, 'status', {})).code).toBe(200);
    expect((await ask(eve, 'status', {}, { 'x-onair-csrf': 'guess' })).code).toBe(403);
    expect((await ask(eve, 'status', {}, { origin: 'http://evil.example' })).code).toBe(403);
    expect((await ask(eve, 'status', {}, { origin: controller.httpUrl! })).code).toBe(200);
    const tool = await fetch(url('/api/status'), {
      method: 'POST',
      headers: { ...json, authorization: `Bearer eve:${PASSWORDS.eve}` },
      body: '{}',
    });
    expect(tool.status).toBe(200);
  });

  it('pushes the picture, then each event and the new picture, as the controller changes', async () => {
    const vic = await login('vic');
    const live = await openLive(vic);
    try {
      expect(live.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await waitUntil(() => live.messages.length > 0, 5_000, 'the first picture');
      expect(live.messages[0]).toMatchObject({ event: 'status', data: { slots: [{ slot: SLOT, state: 'ok' }] } });
      const before = live.messages.length;
      await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
      const failed = await waitUntil(
        () =>
          live.messages
            .slice(before)
            .find(
              (m) =>
                m.event === 'event' &&
                (m.data as ControllerEvent).type === 'device.state' &&
                (m.data as { data: { to: string } }).data.to === 'failed',
            ),
        10_000,
        'cam-1 failed, pushed',
      );
      const pushedAfterMs = failed.at - (failed.data as ControllerEvent).ts;
      process.stdout.write(`console: device.state pushed ${pushedAfterMs} ms after the controller recorded it\n`);
      const picture = await waitUntil(
        () =>
          live.messages
            .slice(before)
            .find((m) => m.event === 'status' && (m.data as { slots: Array<{ state: string }> }).slots[0]!.state === 'down'),
        5_000,
        'the new picture: the slot down',
      );
      expect(picture.at).toBeGreaterThanOrEqual(failed.at);
    } finally {
      await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
      await live.close();
    }
  });

  it("device.health: the checks with their detail and an hour's trend of each numeric metric", async () => {
    const vic = await login('vic');
    const r = await ask(vic, 'device.health', { agent: 'agent-b', device: 'cam-2' });
    expect(r.code).toBe(200);
    const view = r.body.data as {
      latest: { status: string; checks: Array<{ name: string }> };
      trend: { sampleMs: number; t: number[]; series: Record<string, unknown[]> };
    };
    expect(view.latest.status).toBe('ok');
    expect(view.latest.checks.length).toBeGreaterThan(0);
    expect(view.trend.sampleMs).toBe(10_000);
    expect(view.trend.t.length).toBeGreaterThan(0);
    for (const values of Object.values(view.trend.series)) expect(values).toHaveLength(view.trend.t.length);
    expect(await ask(vic, 'device.health', { agent: 'agent-b' })).toMatchObject({
      code: 400,
      body: { error: expect.stringContaining('device') },
    });
    expect((await ask(vic, 'device.health', { agent: 'nobody', device: 'nothing' })).body.data).toMatchObject({
      latest: null,
      trend: { t: [] },
    });
  });

  it('alarm.ack: an alarm is acknowledged once, by a technician or above, and the acknowledgement is audited', async () => {
    const [eve, vic] = [await login('eve'), await login('vic')];
    expect((await ask(eve, 'on-air', { onAir: true, reason: 'ack test' })).code).toBe(200);
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await simulate(controller.brokerUrl, 'agent-b', 'cam-2', { mode: 'dead' });
    try {
      const alarm = await waitUntil(
        () => eventsOf(controller.events({ type: 'alarm', slot: SLOT }), 'alarm').at(-1),
        10_000,
        'the slot-down alarm',
      );
      expect(await ask(vic, 'alarm.ack', { seq: alarm.seq })).toMatchObject({
        code: 403,
        body: { error: 'vic\'s role (viewer) may not ask "alarm.ack"' },
      });
      const acked = await ask(eve, 'alarm.ack', { seq: alarm.seq, note: 'cameras being swapped' });
      expect(acked).toMatchObject({ code: 200, body: { data: { seq: alarm.seq } } });
      const record = controller.events({ type: 'alarm.acked' }).at(-1)!;
      expect(record).toMatchObject({
        seq: acked.body.data!.ackSeq,
        by: 'eve (via console)',
        slot: SLOT,
        reason: 'cameras being swapped',
        data: { seq: alarm.seq },
      });
      expect(await ask(eve, 'alarm.ack', { seq: alarm.seq })).toMatchObject({
        code: 422,
        body: { error: `alarm #${alarm.seq} was acknowledged by eve (via console) already` },
      });
      const notAlarm = controller.events({ type: 'device.state' }).at(-1)!;
      expect(await ask(eve, 'alarm.ack', { seq: notAlarm.seq })).toMatchObject({
        code: 422,
        body: { error: `event #${notAlarm.seq} (device.state) is not an alarm to acknowledge` },
      });
      expect(await ask(eve, 'alarm.ack', { seq: 999_999 })).toMatchObject({ code: 422, body: { error: 'no event #999999' } });
    } finally {
      await ask(eve, 'on-air', { onAir: false, reason: 'ack test over' });
      await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
      await simulate(controller.brokerUrl, 'agent-b', 'cam-2', 'clear');
    }
  });

  it('a person removed by an admin loses their sessions and their live pages at once', async () => {
    const [ada, vic] = [await login('ada'), await login('vic')];
    const live = await openLive(vic);
    try {
      await waitUntil(() => live.messages.length > 0, 5_000, 'the first picture');
      expect((await ask(ada, 'user.remove', { name: 'vic' })).code).toBe(200);
      await waitUntil(() => live.ended(), 5_000, "vic's live page closed");
      expect((await fetch(url('/api/session'), { headers: { cookie: vic.cookie } })).status).toBe(401);
    } finally {
      await live.close();
      await controller.identities.addUser('vic', 'viewer', PASSWORDS.vic);
    }
  });
});
