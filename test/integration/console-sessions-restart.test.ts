/**
 * Console sessions across a controller restart on the same data directory (SQLite file): the cookie
 * a person logged in with still works on the restarted controller's HTTP, with the same CSRF token;
 * a logout is still a logout after the restart.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import { cleanupAfterEach, startController } from './helpers.ts';
import { PASSWORDS, PEOPLE } from '../support/forgery.ts';

const cleanup = cleanupAfterEach();
const json = { 'content-type': 'application/json' };

async function login(c: ControllerWithHttp, user: keyof typeof PASSWORDS): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${c.httpUrl}/api/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: user, password: PASSWORDS[user] }),
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { data: { csrf: string } };
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: body.data.csrf };
}

const session = async (c: ControllerWithHttp, cookie: string) => {
  const r = await fetch(`${c.httpUrl}/api/session`, { headers: { cookie } });
  return { code: r.status, body: (await r.json()) as { data?: { user: string; csrf: string } } };
};

describe('console sessions across a restart', () => {
  it('a session opened before the restart is valid after it, with its CSRF token; a logout stays a logout', async () => {
    const dataDir = path.join(cleanup.tempDir(), 'data');
    const start = () => startController({ dataDir, config: { http: { port: 0, host: '127.0.0.1' } } });
    const first = await start();
    for (const p of PEOPLE) await first.identities.addUser(p.name, p.role, p.password);
    const eve = await login(first, 'eve');
    const vic = await login(first, 'vic');
    await fetch(`${first.httpUrl}/api/logout`, {
      method: 'POST',
      headers: { ...json, cookie: vic.cookie, 'x-onair-csrf': vic.csrf },
      body: '{}',
    });
    await first.stop();

    const second = await start();
    cleanup.defer(() => second.stop());
    expect(second.httpUrl).not.toBe(first.httpUrl); // a new server: nothing carried over in memory
    const again = await session(second, eve.cookie);
    expect([again.code, again.body.data?.user, again.body.data?.csrf]).toEqual([200, 'eve', eve.csrf]);
    // A write with the token the page already holds passes the CSRF check.
    const write = await fetch(`${second.httpUrl}/api/status`, {
      method: 'POST',
      headers: { ...json, cookie: eve.cookie, 'x-onair-csrf': eve.csrf },
      body: '{}',
    });
    expect(write.status).toBe(200);
    expect((await session(second, vic.cookie)).code).toBe(401);
  }, 30_000);
});
