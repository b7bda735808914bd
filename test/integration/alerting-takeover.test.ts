/**
 * Nothing queued is lost across a takeover (issue 23): two `onair controller` processes on one
 * PostgreSQL database (password logins, as production), an aedes broker in the test process, an agent
 * as the controller hears one (test/support/media-agent.ts). The people, the webhook contact point and
 * the studio's responsible engineer are registered through the controller's requests; a camera on air
 * fails and is failed over, which is an alert for the engineer. The engineer's receiver is DOWN (not
 * listening), so the notification stays queued, retrying, in the `notifications` table (mirrored to
 * PostgreSQL). The leader is killed with SIGKILL and the receiver comes up on the same port: the new
 * leader, which loads the table at its takeover and starts the queue (`alerting.lead()`), delivers
 * that notification, once, and records notification.sent under its own name and term. The alert
 * itself survived: the new leader lists it open, with the same id.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { request, withController } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { fakeMediaAgent } from '../support/media-agent.ts';
import { pairOnPostgres } from '../support/pair-on-postgres.ts';
import { hasPostgres, queryRows as query } from '../support/postgres.ts';
import type { ControllerProcess } from '../support/processes.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { eventually, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const fixture = pairOnPostgres();

interface StoredEvent {
  seq: string;
  ts: string;
  by: string | null;
  data: string;
}
const eventsOf = (url: string, type: string) =>
  query<StoredEvent>(url, 'SELECT seq, ts, by, data FROM events WHERE type = $1 ORDER BY seq', [type]).then((rows) =>
    rows.map((r) => ({
      seq: Number(r.seq),
      ts: Number(r.ts),
      by: r.by,
      data: JSON.parse(r.data) as { notification: number; attempt: number },
    })),
  );

describe.skipIf(!hasPostgres())('the notification queue across a takeover', () => {
  it('a notification queued while its receiver is down is delivered by the new leader after a SIGKILL, once, and the alert stays open', async () => {
    const { server, broker, dir } = fixture;
    const url = await server.database();
    const watch = await fixture.watch();
    const member = (name: string): Promise<ControllerProcess> =>
      fixture.seat(name, {
        postgres: server.login(url, dir),
        http: { enabled: false },
        onAir: true,
        detection: { restartGraceMs: 3_000, recoverAfterMs: 500 },
      });
    const logOf = (name: string): string => readFileSync(path.join(dir, name, 'controller.log'), 'utf8');

    // The receiver takes a port, then goes down: connections to it are refused until it is up again.
    const hook = new WebhookReceiver();
    await hook.up();
    await hook.down();
    fixture.defer(() => hook.down());

    const a = await member('ctl-a');
    a.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    const b = await member('ctl-b');
    b.start();
    await waitUntil(() => /standing by: listening to the fleet/.test(logOf('ctl-b')), 20_000, 'ctl-b to stand by');
    const term = watch.leader()!.term;

    const agent = await fakeMediaAgent(broker.url, 'agent-a', ['cam-1', 'cam-2'], (stop) => fixture.defer(stop));
    // People and contact points are an admin's: the requests name a login (this test broker checks none).
    const ask = { broker: broker.url, timeoutMs: 10_000, issuedBy: 'test', user: 'ada', password: 'unchecked' };
    const devices = ['cam-1', 'cam-2'].map((device) => ({ agent: 'agent-a', device, profile: 'simulated-camera', studio: 'studio-a' }));
    await registerStudio(broker.url, { devices, slots: [], by: 'test' });
    await withController(ask, async (c) => {
      await request(c, 'slot.add', { slot: SLOT, primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: {} }, ask);
      await request(c, 'contact.add', { id: 'wang-hook', kind: 'webhook', to: hook.url, secret: 'webhook-test-secret' }, ask);
      await request(c, 'person.add', { id: 'wang', name: '王工', contacts: ['wang-hook'] }, ask);
      await request(c, 'studio.set', { id: 'studio-a', responsible: 'wang' }, ask);
    });
    const live = () => watch.slotStates.filter((s) => s.slot === SLOT && s.term === term).at(-1)?.active;
    await waitUntil(() => live() === 'agent-a/cam-1', 10_000, 'cam-1 live');

    // cam-1's gear fails on air: ctl-a fails over to cam-2 and tells the engineer, whose receiver is down.
    agent.set('cam-1', { gear: 'failed' });
    await waitUntil(() => live() === 'agent-a/cam-2', 10_000, 'the failover to cam-2');
    // The failed attempt is in PostgreSQL, so the row it updated is too (the mirror keeps the leader's order).
    await eventually(async () => (await eventsOf(url, 'notification.failed')).length >= 1, 15_000, 'a failed attempt in PostgreSQL');
    const [failed] = await eventsOf(url, 'notification.failed');
    const queued = failed!.data.notification;
    const [row] = await query<{ state: string; alert: string }>(url, 'SELECT state, alert FROM notifications WHERE id = $1', [queued]);
    expect(row?.state).toBe('queued');
    const alertId = Number(row!.alert);
    const [stored] = await query<{ key: string; state: string }>(url, 'SELECT key, state FROM alerts WHERE id = $1', [alertId]);
    expect(stored?.state).toBe('firing');
    expect(hook.received).toEqual([]);

    const killedAt = Date.now();
    await a.kill();
    await hook.up(); // the same port: the contact point's address is unchanged
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 10_000, 'ctl-b to lead');
    const newTerm = watch.leader()!.term;
    expect(newTerm).toBe(term + 1);

    await hook.until(() => hook.received.some((r) => r.notification === queued), 'the queued notification from ctl-b', 30_000);
    await eventually(
      async () => (await query<{ state: string }>(url, 'SELECT state FROM notifications WHERE id = $1', [queued]))[0]?.state === 'sent',
      10_000,
      'the row marked sent in PostgreSQL',
    );
    const sent = (await eventsOf(url, 'notification.sent')).filter((e) => e.data.notification === queued);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.seq).toBeGreaterThan(failed!.seq);
    expect(sent[0]!.ts).toBeGreaterThan(killedAt);
    // Recorded by ctl-b: the event names no controller (by: alerting), the logs do; ctl-a only ever failed it.
    const told = (name: string, message: string) =>
      logOf(name)
        .split('\n')
        .filter((l) => l.includes(`"msg":"${message}"`))
        .map((l) => JSON.parse(l) as { notification: number })
        .filter((l) => l.notification === queued);
    expect(told('ctl-b', 'notification sent')).toHaveLength(1);
    expect(told('ctl-a', 'notification sent')).toEqual([]);
    expect(told('ctl-a', 'notification failed').length).toBeGreaterThanOrEqual(1);
    // Sent, so never sent again: the receiver holds exactly one copy (the old leader never reached it).
    const copies = hook.received.filter((r) => r.notification === queued);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ notification: queued, reason: 'firing' });

    // The alert survived the takeover: the new leader lists it open, with the same id, and raised no second one.
    const open = await withController(ask, (c) => request(c, 'alert.list', { state: 'open' }, ask));
    expect(open.alerts.filter((al) => al.key === stored!.key).map((al) => al.id)).toEqual([alertId]);
    expect(open.alerts.find((al) => al.id === alertId)!.state).toBe('firing');
    expect(await eventsOf(url, 'alert.raised')).toHaveLength(1);
    const failures = await eventsOf(url, 'notification.failed');
    console.log(
      `takeover: notification ${queued} (alert ${alertId}, ${stored!.key}) refused ${failures.length}× under ctl-a, ` +
        `delivered by ctl-b at attempt ${sent[0]!.data.attempt}, ${sent[0]!.ts - killedAt} ms after the kill; ` +
        `receiver copies of it: ${copies.length}, of anything: ${hook.received.length}`,
    );
  }, 120_000);
});
