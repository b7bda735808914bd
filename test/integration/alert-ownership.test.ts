/**
 * Alert ownership (issue 24) over the console's HTTP API, against a real controller and its alert
 * engine: an engineer takes an open critical alert (it is not acknowledged by that), another
 * engineer takes it over (recorded as a take from the first), releasing needs a comment and is the
 * owner's alone, a viewer is refused both, and the incident's timeline gathers the takes and the
 * release with who and why; the CLI takes and releases too. The owner is stored: a controller started again on the same data reads it back.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import type { Alert } from '../../protocols/alerting.ts';
import { cleanupAfterEach, runOnair, startController } from './helpers.ts';
import { raiseStorageAlarm } from '../support/storage-alarm.ts';

const PEOPLE = [
  { name: 'erin', role: 'engineer', password: 'erin-engineer-pw-1' },
  { name: 'eddy', role: 'engineer', password: 'eddy-engineer-pw-1' },
  { name: 'vic', role: 'viewer', password: 'vic-viewer-password-1' },
] as const;
type Who = (typeof PEOPLE)[number]['name'];

const cleanup = cleanupAfterEach();
const json = { 'content-type': 'application/json' };

async function loginAs(c: ControllerWithHttp, who: Who) {
  const password = PEOPLE.find((p) => p.name === who)!.password;
  const r = await fetch(`${c.httpUrl}/api/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: who, password }) });
  expect(r.status).toBe(200);
  const { data } = (await r.json()) as { data: { csrf: string } };
  const headers = { ...json, cookie: r.headers.get('set-cookie')!.split(';')[0]!, 'x-onair-csrf': data.csrf };
  return async (op: string, params: unknown): Promise<{ code: number; data?: Alert; error?: string }> => {
    const answer = await fetch(`${c.httpUrl}/api/${op}`, { method: 'POST', headers, body: JSON.stringify(params) });
    const body = (await answer.json()) as { data?: Alert; error?: string };
    return { code: answer.status, ...body };
  };
}

describe('alert ownership over the API', () => {
  it('take, take over, release with a comment; a viewer refused; the incident gathers it; the owner survives a restart', async () => {
    const dataDir = path.join(cleanup.tempDir(), 'data');
    const start = () => startController({ dataDir, config: { http: { port: 0, host: '127.0.0.1' } } });
    const c = await start();
    let stopped = false;
    cleanup.defer(async () => stopped || (await c.stop()));
    for (const p of PEOPLE) await c.identities.addUser(p.name, p.role, p.password);
    const id = await raiseStorageAlarm(c);
    const [erin, eddy, vic] = await Promise.all([loginAs(c, 'erin'), loginAs(c, 'eddy'), loginAs(c, 'vic')]);

    expect(await vic('alert.take', { alert: id })).toMatchObject({ code: 403, error: `vic's role (viewer) may not ask "alert.take"` });
    expect(await vic('alert.release', { alert: id, comment: 'x' })).toMatchObject({ code: 403 });

    const taken = await erin('alert.take', { alert: id, comment: 'on my way to the rack' });
    expect(taken.code).toBe(200);
    expect(taken.data!.owner).toMatchObject({ login: 'erin', comment: 'on my way to the rack' });
    expect(taken.data!.state).toBe('firing'); // taking is not acknowledging: escalation goes on
    expect((await erin('alert.take', { alert: id })).error).toBe(`you hold alert #${id} already`);

    // Only the owner releases; anyone else takes it over instead.
    expect((await eddy('alert.release', { alert: id, comment: 'not mine' })).error).toBe(`alert #${id} is held by erin, not by you`);
    const over = await eddy('alert.take', { alert: id });
    expect(over.data!.owner).toMatchObject({ login: 'eddy' });
    expect(c.events({ type: 'alert.taken' }).map((e) => [e.by, e.data])).toEqual([
      ['erin (via console)', { alert: id, comment: 'on my way to the rack' }],
      ['eddy (via console)', { alert: id, from: { login: 'erin' } }],
    ]);

    // A release needs a comment: the schema refuses an empty one before the engine sees it.
    expect((await eddy('alert.release', { alert: id, comment: '' })).code).toBe(400);
    const released = await eddy('alert.release', { alert: id, comment: 'disk cleaned, watch it for an hour' });
    expect(released.code).toBe(200);
    expect(released.data!.owner).toBeUndefined();
    const [release] = c.events({ type: 'alert.released' });
    expect(release).toMatchObject({ by: 'eddy (via console)', reason: 'disk cleaned, watch it for an hour' });
    expect(release!.data).toMatchObject({ alert: id, comment: 'disk cleaned, watch it for an hour' });

    // The incident gathers the takes and the release as actions.
    const shown = await erin('incident.show', { id: taken.data!.incident });
    const timeline = (shown.data as unknown as { timeline: Array<{ type: string }> }).timeline.map((e) => e.type);
    expect(timeline.filter((t) => t === 'alert.taken' || t === 'alert.released')).toEqual(['alert.taken', 'alert.taken', 'alert.released']);

    // The CLI: `onair alarm take|release` (release refused without its comment), the holder shown by `alarm list`.
    const cli = (...args: string[]) => runOnair(c.brokerUrl, 'alarm', ...args, '--locale', 'en');
    const cliTake = await cli('take', `#${id}`);
    expect(cliTake).toMatchObject({ code: 0, stdout: `alert #${id} is yours (not acknowledged)\n` });
    const holder = (await erin('alert.list', { state: 'open' })).data as unknown as { alerts: Alert[] };
    const cliLogin = holder.alerts[0]!.owner!.login;
    expect((await cli('list', '--open')).stdout).toContain(`held by ${cliLogin} since`);
    expect((await cli('release', String(id))).stderr).toMatch(/required option '--comment <text>' not specified/);
    expect(await cli('release', String(id), '--comment', 'handed to the day shift')).toMatchObject({
      code: 0,
      stdout: `alert #${id} released\n`,
    });

    // Stored: taken again, then read back by a controller started on the same data (and listed by owner).
    await erin('alert.take', { alert: id });
    await c.stop();
    stopped = true;
    const again = await start();
    cleanup.defer(() => again.stop());
    const erin2 = await loginAs(again, 'erin');
    const mine = (await erin2('alert.list', { state: 'open', owner: 'erin' })) as unknown as { data: { alerts: Alert[] } };
    expect(mine.data.alerts.map((a) => [a.id, a.owner?.login])).toEqual([[id, 'erin']]);
    expect(((await erin2('alert.list', { owner: 'eddy' })) as unknown as { data: { alerts: Alert[] } }).data.alerts).toEqual([]);
  }, 60_000);
});
