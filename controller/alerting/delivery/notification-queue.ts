/**
 * The durable notification queue (controller/alerting/types.ts NotificationQueue). A request is a
 * row in the store before anything is sent, so nothing is lost across a restart or a takeover: the
 * controller that leads next resumes every queued row (`start`). A row is marked sent only after the
 * channel's receipt: a send in flight when the controller died is sent again (at-least-once; the
 * message carries the notification id so a receiver can drop the duplicate).
 *
 * One scheduler for all rows, not a timer per row: it reads the head of each contact point's queue
 * (its oldest queued row: rows to one contact point go in order, one at a time), sends the due ones
 * within a bound on sends in flight, and sleeps until the soonest next head is due, or until a send
 * ends. Retries follow lib/backoff.ts (or the receipt's retryAfterMs when longer) up to
 * settings.maxAttempts. The storm bound (storm-bound.ts) merges what a contact point cannot take this
 * minute into one digest. Only the leader sends.
 */
import type { ContactKind, ContactPoint, Notification, NotificationReason } from '../../../protocols/alerting.ts';
import { backoffDelay, type BackoffSettings } from '../../../lib/backoff.ts';
import type { AlertingCore, ContactSender, DeliveryReceipt, Directory, NotificationQueue, NotificationRequest } from '../types.ts';
import { NotificationRows } from './notification-rows.ts';
import { notificationWords, type NotificationWordsDependencies } from './notification-words.ts';
import { StormWindow, stormLimits } from './storm-bound.ts';
import type Database from 'better-sqlite3';

/** How the queue paces itself; tests shorten the backoff. */
export interface DeliveryTuning {
  backoff: BackoffSettings;
  /** Sends in flight at once, over all contact points (one per contact point). */
  maxInFlight: number;
  /** A channel that has not answered by then is a failed attempt (retried). */
  sendTimeoutMs: number;
  /** The backoff's jitter (tests pass a constant). */
  random: () => number;
}

export const DELIVERY_TUNING: DeliveryTuning = {
  // 5 s, 10 s, 20 s … 5 min: the default 8 attempts span about ten minutes of a receiver being down.
  backoff: { initialMs: 5_000, maxMs: 300_000 },
  maxInFlight: 16,
  sendTimeoutMs: 30_000,
  random: Math.random,
};

/** The scheduler's one wake-up (tests drive it by hand with the injected clock). */
export interface WakeTimer {
  set(ms: number, wake: () => void): () => void;
}
export const realWakeTimer: WakeTimer = {
  set(ms, wake) {
    const t = setTimeout(wake, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface NotificationQueueDependencies extends NotificationWordsDependencies {
  core: Pick<AlertingCore, 'settings' | 'clock' | 'log' | 'record' | 'leading' | 'publicUrl'>;
  db: Database.Database;
  sender: ContactSender;
  directory: Pick<Directory, 'person' | 'contact'>;
  wake?: WakeTimer;
  tuning?: Partial<DeliveryTuning>;
}

/** A digest carries these; a digest itself and a contact point test are never merged. */
const MERGEABLE = new Set<NotificationReason>(['firing', 'escalated', 'resolved']);

export class DurableNotificationQueue implements NotificationQueue {
  private readonly rows: NotificationRows;
  private readonly storm = new StormWindow();
  private readonly tuning: DeliveryTuning;
  private readonly wake: WakeTimer;
  /** Rows being sent, by id, and the contact points they go to. */
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly busyContacts = new Set<string>();
  /**
   * Each contact point's digest waiting for its window (not tried yet), by contact point: read from
   * the store at start (a takeover inherits the old leader's), kept here after (only the leader writes).
   */
  private readonly pendingDigests = new Map<string, number>();
  private running = false;
  private cancelWake: (() => void) | undefined;

  constructor(private readonly d: NotificationQueueDependencies) {
    this.tuning = { ...DELIVERY_TUNING, ...d.tuning };
    this.wake = d.wake ?? realWakeTimer;
    this.rows = new NotificationRows(d.db, (table, key, reason) =>
      d.core.log.error({ table, key, reason }, 'a stored notification no longer matches its schema: left as it is'),
    );
  }

  enqueue(request: NotificationRequest): void {
    const now = this.d.core.clock.now();
    const fields: Omit<Notification, 'id'> = { ...request, state: 'queued', attempts: 0, createdAt: now, nextAttemptAt: now };
    // A digest waiting for this contact point's window means the window is full: the storm joins it.
    const digest = MERGEABLE.has(request.reason) ? this.pendingDigests.get(request.contact) : undefined;
    const row = this.rows.insert(digest ? { ...fields, state: 'dropped', digest } : fields);
    this.d.core.log.info(
      { notification: row.id, alert: row.alert, contact: row.contact, person: row.person, reason: row.reason, digest },
      digest ? 'notification held back for the digest (storm bound)' : 'notification queued',
    );
    if (!digest) this.kick();
  }

  cancelFor(alert: number, reasons: readonly NotificationReason[]): void {
    const state = this.d.alert(alert)?.state ?? 'ended';
    const dropped = this.rows
      .queuedOfAlert(alert, reasons)
      .filter((row) => !this.inFlight.has(row.id)) // a send under way finishes and is reported
      .map((row) => ({ ...row, state: 'dropped' as const, droppedBecause: `alert ${alert} ${state}` }));
    this.rows.together(() => dropped.forEach((row) => this.rows.save(row)));
    if (dropped.length > 0)
      this.d.core.log.info({ alert, notifications: dropped.map((r) => r.id), because: state }, 'queued notifications dropped');
    this.kick();
  }

  start(): void {
    this.pendingDigests.clear();
    for (const digest of this.rows.pendingDigests()) this.pendingDigests.set(digest.contact, digest.id);
    this.running = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelWake?.();
    this.cancelWake = undefined;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** How many rows are being sent now. */
  get sending(): number {
    return this.inFlight.size;
  }

  /** A pass of the scheduler now, then every send it started (and the sends those led to) ended: tests await it. */
  async pump(): Promise<void> {
    this.kick();
    await this.settled();
  }

  /** Resolves when nothing is being sent. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  private kick(): void {
    if (!this.running) return;
    try {
      this.pass();
    } catch (err) {
      this.d.core.log.error({ err }, 'the notification scheduler failed a pass');
    }
  }

  /** One pass: sends every due head it may, then sleeps until the soonest next one (a send's end passes again). */
  private pass(): void {
    this.cancelWake?.();
    this.cancelWake = undefined;
    if (!this.d.core.leading()) return;
    const now = this.d.core.clock.now();
    let soonest: number | undefined;
    for (const head of this.rows.heads()) {
      if (this.busyContacts.has(head.contact)) continue; // its send's end passes again
      if (head.nextAttemptAt > now) {
        soonest = Math.min(soonest ?? Infinity, head.nextAttemptAt);
        continue;
      }
      if (this.inFlight.size >= this.tuning.maxInFlight) continue; // a send's end passes again
      const contact = this.d.directory.contact(head.contact);
      if (!contact) {
        this.drop(head, 'contact point removed');
        soonest = now; // the contact point's next row is its head now
        continue;
      }
      const verdict = this.storm.verdict(contact.id, stormLimits(contact), now);
      if (verdict.ok) this.send(head, contact, now);
      else if (verdict.bound === 'minute' && MERGEABLE.has(head.reason)) this.mergeIntoDigest(contact, verdict.at);
      else this.rows.save({ ...head, nextAttemptAt: verdict.at });
      if (!verdict.ok) soonest = Math.min(soonest ?? Infinity, verdict.at);
    }
    if (soonest !== undefined) this.cancelWake = this.wake.set(Math.max(0, soonest - now), () => this.kick());
  }

  private send(row: Notification, contact: ContactPoint, now: number): void {
    this.storm.note(contact.id, now);
    this.busyContacts.add(contact.id);
    this.digestLeft(row);
    const attempt = row.attempts + 1;
    const sending = (async () => {
      let receipt: DeliveryReceipt;
      try {
        const message = notificationWords(this.d, row, contact, row.reason === 'digest' ? this.rows.heldBy(row.id) : [], now);
        receipt = await this.d.sender
          .send(contact, message, AbortSignal.timeout(this.tuning.sendTimeoutMs))
          .catch((err: unknown) => ({ ok: false, ms: 0, error: `the channel threw: ${String(err)}`, retryable: true }));
      } catch (err) {
        receipt = { ok: false, ms: 0, error: `could not compose the message: ${String(err)}`, retryable: false };
      }
      try {
        this.settle(row, contact.kind, attempt, receipt);
      } catch (err) {
        // The store closed under a send (the controller stopping): the row stays queued and goes again after a restart.
        this.d.core.log.warn({ notification: row.id, contact: row.contact, err }, 'could not store a notification outcome');
      }
    })().finally(() => {
      this.inFlight.delete(row.id);
      this.busyContacts.delete(contact.id);
      this.kick(); // the contact point's next row (or a row waiting for room in flight) goes as soon as this one ends
    });
    this.inFlight.set(row.id, sending);
  }

  private settle(row: Notification, channel: ContactKind, attempt: number, receipt: DeliveryReceipt): void {
    const now = this.d.core.clock.now();
    const about = { notification: row.id, ...(row.alert ? { alert: row.alert } : {}), contact: row.contact, channel };
    const who = row.person ? { person: row.person } : {};
    const labels = row.alert === undefined ? {} : (this.d.alert(row.alert)?.labels ?? {});
    if (receipt.ok) {
      this.rows.save({ ...row, state: 'sent', attempts: attempt, sentAt: now, nextAttemptAt: now });
      const startedAt = row.alert === undefined ? row.createdAt : (this.d.alert(row.alert)?.startsAt ?? row.createdAt);
      const afterMs = Math.max(0, now - startedAt);
      this.d.core.log.info({ ...about, ...labels, attempt, afterMs, ms: receipt.ms }, 'notification sent');
      this.d.core.record({
        type: 'notification.sent',
        ts: now,
        by: 'alerting',
        reason: `${row.reason} notification sent to ${row.contact} (${channel})`,
        data: { ...about, ...who, reason: row.reason, attempt, afterMs },
      });
      return;
    }
    const willRetry = receipt.retryable && attempt < this.d.core.settings.maxAttempts;
    const waitMs = Math.max(backoffDelay(this.tuning.backoff, attempt - 1, this.tuning.random), receipt.retryAfterMs ?? 0);
    const error = receipt.error.slice(0, 1000);
    this.rows.save(
      willRetry
        ? { ...row, attempts: attempt, nextAttemptAt: now + waitMs, lastError: error }
        : { ...row, state: 'failed', attempts: attempt, nextAttemptAt: now, lastError: error },
    );
    this.d.core.log.warn(
      { ...about, ...labels, attempt, error, willRetry, retryInMs: willRetry ? waitMs : undefined },
      'notification failed',
    );
    this.d.core.record({
      type: 'notification.failed',
      ts: now,
      by: 'alerting',
      reason: willRetry
        ? `notification to ${row.contact} failed (attempt ${attempt}), retried in ${Math.round(waitMs / 1000)} s`
        : `notification to ${row.contact} failed after ${attempt} attempts`,
      data: { ...about, ...who, attempt, error, willRetry },
    });
  }

  /** Every queued row of the contact point a digest may carry, dropped into one digest sent when the window allows. */
  private mergeIntoDigest(contact: ContactPoint, at: number): void {
    const held = this.rows.queuedOfContact(contact.id).filter((row) => MERGEABLE.has(row.reason) && !this.inFlight.has(row.id));
    const now = this.d.core.clock.now();
    const digest = this.rows.together(() => {
      const carrier =
        this.pendingDigests.get(contact.id) ??
        this.rows.insert({ contact: contact.id, reason: 'digest', state: 'queued', attempts: 0, createdAt: now, nextAttemptAt: at }).id;
      for (const row of held) this.rows.save({ ...row, state: 'dropped', digest: carrier });
      return carrier;
    });
    this.pendingDigests.set(contact.id, digest);
    this.d.core.log.warn(
      { contact: contact.id, channel: contact.kind, digest, heldBack: held.length, at },
      'storm bound reached: held back into a digest',
    );
  }

  /** A digest being sent or dropped takes no more: the storm's next overflow starts a new one. */
  private digestLeft(row: Notification): void {
    if (this.pendingDigests.get(row.contact) === row.id) this.pendingDigests.delete(row.contact);
  }

  private drop(row: Notification, because: string): void {
    this.digestLeft(row);
    this.rows.save({ ...row, state: 'dropped', droppedBecause: because });
    this.d.core.log.warn({ notification: row.id, contact: row.contact, alert: row.alert }, `notification dropped: ${because}`);
  }
}
