/**
 * Notification delivery with real parts: a real HTTP receiver on loopback, the store's SQLite file,
 * the real clock. A receiver down for longer than every retry interval gets each notification once,
 * in order, when it is back, and every attempt is an event; rows queued when the controller stops
 * (and a send in flight when it dies) are delivered by the controller that starts next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { Store } from '../../controller/store/store.ts';
import { DurableNotificationQueue } from '../../controller/alerting/delivery/notification-queue.ts';
import type { Alert, ContactPoint } from '../../protocols/alerting.ts';
import { alert, alertingCore, contact, plainComposer, type RecordedCore } from '../support/delivery-rig.ts';
import { jsonSender, untilTrue, WebhookReceiver } from '../support/webhook-receiver.ts';
import { cleanupAfterEach } from './helpers.ts';

const cleanup = cleanupAfterEach();
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  receivers.push(r);
  await r.up();
  return r;
}

/** The alerting core on the real clock; `changed` wakes waits at every recorded event. */
function core(): RecordedCore & { waiters: Set<() => void> } {
  const waiters = new Set<() => void>();
  const c = alertingCore(systemClock, { maxAttempts: 20 });
  const record = c.record;
  return Object.assign(c, {
    waiters,
    record: (event: Parameters<typeof record>[0]) => {
      const stored = record(event);
      for (const w of waiters) w();
      return stored;
    },
  });
}

function queueOn(store: Store, c: RecordedCore, ops: ContactPoint, alerts: Map<number, Alert>): DurableNotificationQueue {
  return new DurableNotificationQueue({
    core: c,
    db: store.alertingDatabase(),
    sender: jsonSender,
    composer: plainComposer,
    directory: { person: () => undefined, contact: (id) => (id === ops.id ? ops : undefined) },
    alert: (id) => alerts.get(id),
    // Short waits so that the test is quick: at most 100 ms between attempts, 20 attempts (at least 0.9 s in all).
    tuning: { backoff: { initialMs: 20, maxMs: 100 }, sendTimeoutMs: 60_000 },
  });
}

const alertsAt = (startsAt: number) => new Map([1, 2, 3].map((id) => [id, alert(id, startsAt)]));

describe('notification delivery', () => {
  it('a receiver down for longer than every retry interval gets each notification once, in order, when it is back', async () => {
    const hook = await receiver();
    const ops = contact('ops-hook', 'webhook', hook.url);
    await hook.down();
    const c = core();
    const store = new Store(cleanup.tempDir());
    cleanup.defer(() => store.close());
    const queue = queueOn(store, c, ops, alertsAt(Date.now()));
    cleanup.defer(() => queue.stop());
    queue.start();
    for (const id of [1, 2, 3]) queue.enqueue({ alert: id, contact: ops.id, person: 'wang', reason: 'firing' });
    const failures = () => c.events.filter((e) => e.type === 'notification.failed');
    // Five refused attempts: 10-20, 20-40, 40-80 and 50-100 ms waits, longer than the longest interval (100 ms).
    await untilTrue(c.waiters, () => failures().length >= 5, 'five failed attempts');
    const downForMs = Date.now() - failures()[0]!.ts;
    expect(downForMs).toBeGreaterThan(100);
    await hook.up();
    await hook.until(() => hook.received.length >= 3, 'three notifications');
    await untilTrue(c.waiters, () => c.events.filter((e) => e.type === 'notification.sent').length >= 3, 'three sent events');
    await queue.stop();

    expect(hook.received.map((r) => r.notification)).toEqual([1, 2, 3]);
    expect(failures().every((e) => (e.data as { notification: number; willRetry: boolean }).notification === 1)).toBe(true);
    expect(failures().every((e) => (e.data as { willRetry: boolean }).willRetry)).toBe(true);
    const sent = c.events.filter((e) => e.type === 'notification.sent').map((e) => e.data as { notification: number; attempt: number });
    expect(sent.map((s) => s.notification)).toEqual([1, 2, 3]);
    expect(sent[0]!.attempt).toBe(failures().length + 1);
    expect(sent.slice(1).map((s) => s.attempt)).toEqual([1, 1]);
    const states = store.alertingDatabase().prepare('SELECT state FROM notifications ORDER BY id').all();
    expect(states).toEqual([{ state: 'sent' }, { state: 'sent' }, { state: 'sent' }]);
  });

  it('after a restart the next controller sends what was queued, and again what was in flight (at-least-once)', async () => {
    const hook = await receiver();
    const ops = contact('ops-hook', 'webhook', hook.url);
    const dir = cleanup.tempDir();
    const alerts = alertsAt(Date.now());

    // The first controller: notification 1 reaches the receiver, which never answers; 2 and 3 wait behind it.
    const first = new Store(dir);
    const firstCore = core();
    hook.hold = 1;
    const before = queueOn(first, firstCore, ops, alerts);
    before.start();
    for (const id of [1, 2, 3]) before.enqueue({ alert: id, contact: ops.id, reason: 'firing' });
    await hook.until(() => hook.received.length === 1, 'the first notification');
    await first.close(); // the controller dies: its send in flight never got its answer

    const second = new Store(dir);
    cleanup.defer(() => second.close());
    const c = core();
    const after = queueOn(second, c, ops, alerts);
    cleanup.defer(() => after.stop());
    after.start();
    await hook.until(() => hook.received.length >= 4, 'the queue resumed');
    await untilTrue(c.waiters, () => c.events.filter((e) => e.type === 'notification.sent').length >= 3, 'three sent events');

    expect(hook.received.map((r) => r.notification)).toEqual([1, 1, 2, 3]); // 1 again: the receiver drops the duplicate by its id
    expect(firstCore.events.filter((e) => e.type === 'notification.sent')).toEqual([]);
    const states = second.alertingDatabase().prepare('SELECT state FROM notifications ORDER BY id').all();
    expect(states).toEqual([{ state: 'sent' }, { state: 'sent' }, { state: 'sent' }]);
  });
});
