/**
 * Console sessions across a takeover (issue 24): two `onair controller` seats sharing one
 * PostgreSQL database, each with its HTTP side. A person logs in on the leader's HTTP; the leader is
 * killed with SIGKILL; the same cookie and CSRF token work on the new leader's HTTP, and the
 * database holds a hash of the session id, never the id.
 */
import { describe, expect, it } from 'vitest';
import { waitForPort } from '../support/processes.ts';
import { hasPostgres, queryRows } from '../support/postgres.ts';
import { pairOnPostgres } from '../support/pair-on-postgres.ts';
import { sessionIdHash } from '../../controller/http/console-sessions.ts';
import { eventually, runOnairWith, waitUntil } from './helpers.ts';

const fixture = pairOnPostgres();
const EVE = 'a long password for eve';
const json = { 'content-type': 'application/json' };

describe.skipIf(!hasPostgres())('console sessions across a takeover', () => {
  it("a cookie from the killed leader's console works on the new leader's, with the same CSRF token", async () => {
    const url = await fixture.server.database();
    const watch = await fixture.watch();
    const a = await fixture.httpSeat('ctl-a', url);
    const b = await fixture.httpSeat('ctl-b', url);
    a.proc.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    b.proc.start();
    const user = await runOnairWith(
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
    expect(user.code, user.stderr).toBe(0);
    await waitForPort(Number(new URL(a.http).port), 10_000);

    let login: Response | undefined;
    await eventually(
      async () =>
        (login = await fetch(`${a.http}/api/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ username: 'eve', password: EVE }),
        })).status === 200,
      5_000,
      'eve to log in on the leader',
    );
    const cookie = login!.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await login!.json()) as { data: { csrf: string } }).data.csrf;
    const id = cookie.slice(cookie.indexOf('=') + 1);
    // The login is answered once its row is committed in PostgreSQL: it is there now, and SIGKILL follows at once.
    const rows = await queryRows<{ id_hash: string; user: string }>(url, 'SELECT id_hash, "user" FROM console_sessions');
    expect(rows).toEqual([{ id_hash: sessionIdHash(id), user: 'eve' }]);

    await a.proc.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 20_000, 'ctl-b to lead');
    await waitForPort(Number(new URL(b.http).port), 10_000);
    const session = await fetch(`${b.http}/api/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { data: { user: string; csrf: string } }).data).toMatchObject({ user: 'eve', csrf });
    const write = await fetch(`${b.http}/api/status`, { method: 'POST', headers: { ...json, cookie, 'x-onair-csrf': csrf }, body: '{}' });
    expect(write.status).toBe(200);
  }, 90_000);
});
