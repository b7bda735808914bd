/**
 * What the Alertmanager sink still has to post (pure: no I/O, no clock of its own). Keyed by the
 * label set, so a body posted again replaces one not yet sent: an alert that changed three times
 * while Alertmanager was down is posted once, as it is now. The last body of each open alert is
 * remembered, so a change of its labels ends the old label set; a resolved one is posted until
 * Alertmanager has taken it, then forgotten.
 */
import { endedAt, labelSetKey } from './to-alertmanager.ts';
import type { PostableAlert } from './wire.ts';

export interface OutboxEntry {
  /** OnAir's alert id. */
  alert: number;
  body: PostableAlert;
}

export class AlertmanagerOutbox {
  /** The latest body of each open (firing or acknowledged) alert. */
  private readonly open = new Map<number, PostableAlert>();
  /** To post, oldest first, by label set. */
  private due = new Map<string, OutboxEntry>();
  /** Bodies given up on because more than `maxDue` waited (Alertmanager down a long time). */
  dropped = 0;

  constructor(
    /** At most this many bodies wait; beyond it the oldest go (an open alert comes back with the next re-send). */
    private readonly maxDue: number,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  get dueCount(): number {
    return this.due.size;
  }

  /**
   * An alert's new body (`resolved`: its last). When its labels changed (a new severity), the body
   * under the old labels is ended at `at`: to Alertmanager that was another alert.
   */
  changed(alert: number, body: PostableAlert, resolved: boolean, at: number): void {
    const before = this.open.get(alert);
    if (before && labelSetKey(before.labels) !== labelSetKey(body.labels)) this.queue({ alert, body: endedAt(before, at) });
    if (resolved) this.open.delete(alert);
    else this.open.set(alert, body);
    this.queue({ alert, body });
  }

  /** The next `max` bodies to post, taken out (give them back with `failed` if the post did not go through). */
  take(max: number): OutboxEntry[] {
    const batch: OutboxEntry[] = [];
    for (const [key, entry] of this.due) {
      if (batch.length >= max) break;
      batch.push(entry);
      this.due.delete(key);
    }
    return batch;
  }

  /** A batch Alertmanager did not take: first in line again, unless a newer body of the same alert came meanwhile. */
  failed(batch: readonly OutboxEntry[]): void {
    const again = new Map<string, OutboxEntry>();
    for (const entry of batch) {
      const key = labelSetKey(entry.body.labels);
      if (!this.due.has(key)) again.set(key, entry);
    }
    for (const [key, entry] of this.due) again.set(key, entry);
    this.due = again;
    this.bound();
  }

  private queue(entry: OutboxEntry): void {
    const key = labelSetKey(entry.body.labels);
    // Deleted first so the newest body takes its place at the end of the line.
    this.due.delete(key);
    this.due.set(key, entry);
    this.bound();
  }

  private bound(): void {
    for (const key of this.due.keys()) {
      if (this.due.size <= this.maxDue) return;
      this.due.delete(key);
      this.dropped += 1;
    }
  }
}
