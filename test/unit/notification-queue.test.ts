/**
 * The notification queue's decisions at exact times (ManualClock, the scheduler's wake-up driven by
 * hand, a recording sender): order per contact point, backoff and retryAfterMs, attempts exhausted,
 * the storm bound merged into one digest, the per-second bound, cancelFor, and only the leader sending.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { ManualClock } from '../../lib/clock.ts';
import {
  DurableNotificationQueue,
  type NotificationQueueDependencies,
  type WakeTimer,
} from '../../controller/alerting/delivery/notification-queue.ts';
import type { ContactSender, DeliveryReceipt, AlertMessage } from '../../controller/alerting/types.ts';
import type { Alert, ContactPoint, Notification } from '../../protocols/alerting.ts';
import { SignedAckLinks } from '../../controller/alerting/delivery/ack-links.ts';
import { alert, alertingCore, alertingDb, contact, plainComposer, type RecordedCore } from '../support/delivery-rig.ts';

const T0 = 1_800_000_000_000;

class RecordingSender implements ContactSender {
  readonly sent: Array<{ at: number; contact: string; message: AlertMessage }> = [];
  /** Receipts to answer, in order; then ok. */
  readonly script: DeliveryReceipt[] = [];
  constructor(private readonly clock: ManualClock) {}
  async send(c: ContactPoint, message: AlertMessage): Promise<DeliveryReceipt> {
    this.sent.push({ at: this.clock.now(), contact: c.id, message });
    return this.script.shift() ?? { ok: true, ms: 1 };
  }
}

/** The scheduler's one wake-up, kept for the test to read (when) and fire. */
class HandWake implements WakeTimer {
  dueInMs: number | undefined;
  set(ms: number): () => void {
    this.dueInMs = ms;
    return () => (this.dueInMs = undefined);
  }
}

const fail = (over: Partial<Extract<DeliveryReceipt, { ok: false }>> = {}): DeliveryReceipt => ({
  ok: false,
  ms: 1,
  error: 'HTTP 503',
  retryable: true,
  ...over,
});

let clock: ManualClock;
let core: RecordedCore;
let db: Database.Database;
let sender: RecordingSender;
let wake: HandWake;
let contacts: Map<string, ContactPoint>;
let alerts: Map<number, Alert>;
let queue: DurableNotificationQueue;

beforeEach(() => {
  clock = new ManualClock(T0);
  core = alertingCore(clock, { maxAttempts: 4 });
  db = alertingDb();
  sender = new RecordingSender(clock);
  wake = new HandWake();
  contacts = new Map(
    [
      contact('wang-mail', 'email', 'wang@studio.example'),
      contact('ops-ding', 'dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=x'),
      contact('ops-slack', 'slack', 'https://hooks.slack.com/services/x'),
    ].map((c) => [c.id, c]),
  );
  alerts = new Map(Array.from({ length: 40 }, (_, i) => [i + 1, alert(i + 1, T0 - 1_000)]));
  queue = newQueue();
  queue.start();
});

/** A queue on this test's store, contact points and alerts (another one: a controller after a restart). */
function newQueue(over: Partial<NotificationQueueDependencies> = {}): DurableNotificationQueue {
  return new DurableNotificationQueue({
    core,
    db,
    sender,
    composer: plainComposer,
    directory: { person: () => undefined, contact: (id) => contacts.get(id) },
    alert: (id) => alerts.get(id),
    wake,
    tuning: { backoff: { initialMs: 5_000, maxMs: 60_000 }, random: () => 1 },
    ...over,
  });
}

/** Moves the clock to the scheduler's wake-up and runs the pass it asked for. */
async function wakeUp(): Promise<void> {
  expect(wake.dueInMs).toBeDefined();
  clock.advance(wake.dueInMs!);
  await queue.pump();
}

const rows = (): Notification[] =>
  (db.prepare('SELECT body FROM notifications ORDER BY id').all() as Array<{ body: string }>).map(
    (r) => JSON.parse(r.body) as Notification,
  );
const eventsOf = (type: string) => core.events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);

describe('the notification queue', () => {
  it('sends at once, records notification.sent with the time since the alert started and the id in the message', async () => {
    clock.advance(500);
    queue.enqueue({ alert: 1, contact: 'wang-mail', person: 'wang', reason: 'firing' });
    await queue.pump();
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]!.message.notification).toBe(1);
    expect(rows()[0]).toMatchObject({ state: 'sent', attempts: 1, sentAt: T0 + 500 });
    expect(eventsOf('notification.sent')).toEqual([
      { notification: 1, alert: 1, contact: 'wang-mail', channel: 'email', person: 'wang', reason: 'firing', attempt: 1, afterMs: 1_500 },
    ]);
  });

  it('retries with backoff at exact times, honours a longer retryAfterMs, and reports failed after maxAttempts', async () => {
    sender.script.push(fail(), fail({ retryAfterMs: 30_000 }), fail(), fail());
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'firing' });
    await queue.pump();
    expect(wake.dueInMs).toBe(5_000); // attempt 1 failed: 5 s
    await wakeUp();
    expect(wake.dueInMs).toBe(30_000); // the receipt asked for 30 s, longer than the 10 s backoff
    await wakeUp();
    expect(wake.dueInMs).toBe(20_000);
    await wakeUp();
    expect(sender.sent.map((s) => s.at - T0)).toEqual([0, 5_000, 35_000, 55_000]);
    expect(eventsOf('notification.failed').map((e) => [e.attempt, e.willRetry])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
    expect(rows()[0]).toMatchObject({ state: 'failed', attempts: 4, lastError: 'HTTP 503' });
    expect(wake.dueInMs).toBeUndefined(); // nothing left to wake for
  });

  it('does not retry what cannot succeed', async () => {
    sender.script.push(fail({ retryable: false, error: 'HTTP 404' }));
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'firing' });
    await queue.pump();
    expect(rows()[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(eventsOf('notification.failed')[0]).toMatchObject({ willRetry: false, error: 'HTTP 404' });
  });

  it('keeps order per contact point: a later row waits for the earlier one being retried; other contact points go on', async () => {
    sender.script.push(fail());
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'firing' });
    await queue.pump();
    queue.enqueue({ alert: 2, contact: 'wang-mail', reason: 'firing' });
    queue.enqueue({ alert: 3, contact: 'ops-slack', reason: 'firing' });
    await queue.pump();
    expect(sender.sent.map((s) => [s.contact, s.message.notification])).toEqual([
      ['wang-mail', 1],
      ['ops-slack', 3],
    ]);
    await wakeUp();
    await queue.pump();
    expect(sender.sent.map((s) => [s.contact, s.message.notification, s.at - T0])).toEqual([
      ['wang-mail', 1, 0],
      ['ops-slack', 3, 0],
      ['wang-mail', 1, 5_000],
      ['wang-mail', 2, 5_000],
    ]);
  });

  it('bounds a storm: DingTalk takes 20 a minute, the rest is one digest sent when the window allows', async () => {
    for (let id = 1; id <= 30; id++) queue.enqueue({ alert: id, contact: 'ops-ding', reason: 'firing' });
    await queue.pump();
    expect(sender.sent).toHaveLength(20);
    const digest = rows().find((r) => r.reason === 'digest')!;
    expect(digest).toMatchObject({ state: 'queued', contact: 'ops-ding', nextAttemptAt: T0 + 60_000 });
    expect(
      rows()
        .filter((r) => r.state === 'dropped')
        .map((r) => [r.alert, r.digest]),
    ).toEqual(Array.from({ length: 10 }, (_, i) => [21 + i, digest.id]));
    clock.advance(10_000);
    queue.enqueue({ alert: 31, contact: 'ops-ding', reason: 'escalated' }); // the storm goes on: it joins the digest
    await queue.pump();
    expect(sender.sent).toHaveLength(20);
    expect(wake.dueInMs).toBe(50_000);
    await wakeUp();
    expect(sender.sent).toHaveLength(21);
    const sent = sender.sent[20]!;
    expect(sent.at).toBe(T0 + 60_000);
    expect(sent.message).toMatchObject({ reason: 'digest', notification: digest.id });
    expect(sent.message.digest).toEqual(Array.from({ length: 11 }, (_, i) => `cam-${21 + i} failed on air`));
    expect(rows().filter((r) => r.reason === 'digest')).toHaveLength(1);
  });

  it('a controller that starts after a restart or a takeover adds the storm to the digest the old one left waiting', async () => {
    for (let id = 1; id <= 21; id++) queue.enqueue({ alert: id, contact: 'ops-ding', reason: 'firing' });
    await queue.pump();
    await queue.stop();
    const digest = rows().find((r) => r.reason === 'digest')!;
    const next = newQueue();
    next.start();
    next.enqueue({ alert: 22, contact: 'ops-ding', reason: 'firing' });
    expect(rows().at(-1)).toMatchObject({ alert: 22, state: 'dropped', digest: digest.id });
    await next.stop();
  });

  it("a contact point's own maxPerMinute replaces its kind's", async () => {
    contacts.set('wang-mail', contact('wang-mail', 'email', 'wang@studio.example', { maxPerMinute: 2 }));
    for (let id = 1; id <= 5; id++) queue.enqueue({ alert: id, contact: 'wang-mail', reason: 'firing' });
    await queue.pump();
    expect(sender.sent).toHaveLength(2);
    expect(rows().filter((r) => r.state === 'dropped')).toHaveLength(3);
  });

  it('a burst past a per-second bound waits instead of merging (Slack: one a second)', async () => {
    for (let id = 1; id <= 3; id++) queue.enqueue({ alert: id, contact: 'ops-slack', reason: 'firing' });
    await queue.pump();
    await wakeUp();
    await wakeUp();
    expect(sender.sent.map((s) => [s.message.notification, s.at - T0])).toEqual([
      [1, 0],
      [2, 1_000],
      [3, 2_000],
    ]);
    expect(rows().every((r) => r.state === 'sent')).toBe(true);
  });

  it('cancelFor drops the queued rows of an acknowledged alert, with the reason, and keeps its resolved notice', async () => {
    await queue.stop();
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'escalated' });
    queue.enqueue({ alert: 1, contact: 'ops-slack', reason: 'resolved' });
    queue.enqueue({ alert: 2, contact: 'ops-slack', reason: 'firing' });
    alerts.set(1, { ...alerts.get(1)!, state: 'acknowledged' });
    queue.cancelFor(1, ['firing', 'escalated']);
    expect(rows().map((r) => [r.alert, r.state, r.droppedBecause])).toEqual([
      [1, 'dropped', 'alert 1 acknowledged'],
      [1, 'queued', undefined],
      [2, 'queued', undefined],
    ]);
  });

  it('only the leader sends; start after a takeover resumes every queued row', async () => {
    await queue.stop();
    core.lead = false;
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'firing' });
    queue.enqueue({ alert: 2, contact: 'ops-slack', reason: 'firing' });
    queue.start();
    await queue.pump();
    expect(sender.sent).toHaveLength(0);
    core.lead = true;
    queue.start();
    await queue.pump();
    expect(sender.sent.map((s) => s.contact).sort()).toEqual(['ops-slack', 'wang-mail']);
  });

  it('drops a row whose contact point was removed, then sends the next one to it', async () => {
    contacts.delete('wang-mail');
    queue.enqueue({ alert: 1, contact: 'wang-mail', reason: 'firing' });
    await queue.pump();
    expect(rows()[0]).toMatchObject({ state: 'dropped', droppedBecause: 'contact point removed' });
    expect(sender.sent).toHaveLength(0);
  });

  it('a firing or escalated notice carries a signed link to acknowledge the alert; a resolved notice does not', async () => {
    const links = new SignedAckLinks(db, 3_600_000);
    const withLinks = newQueue({ core: { ...alertingCore(clock, {}, 'https://onair.example/'), record: core.record }, ackLinks: links });
    await queue.stop();
    withLinks.start();
    withLinks.enqueue({ alert: 1, contact: 'wang-mail', person: 'wang', reason: 'escalated' });
    withLinks.enqueue({ alert: 2, contact: 'ops-slack', reason: 'resolved' });
    await withLinks.pump();
    const [escalated, resolved] = sender.sent;
    const token = /^https:\/\/onair\.example\/ack\/([\w-]+\.[\w-]+)$/.exec(escalated!.message.ackUrl ?? '')?.[1];
    expect(token).toBeDefined();
    expect(links.redeem(token!, clock.now())).toEqual({ ok: true, alert: 1, person: 'wang' });
    expect(resolved!.message.ackUrl).toBeUndefined();
  });
});
