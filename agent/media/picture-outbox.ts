/**
 * The agent's outgoing live pictures (protocols/pictures.ts): per device, at most one picture on
 * its way and one waiting. A picture that arrives while the last is still being sent replaces the
 * waiting one (the newest wins, the older is dropped): a slow broker link costs old thumbnails,
 * never memory, and never holds up the media analysis that produced them. A picture over the
 * contract's bound is dropped with a log line (the broker would refuse it and close the agent's session).
 */
import type { Logger } from '../../lib/logger.ts';
import { PICTURE_MAX_BYTES } from '../../protocols/pictures.ts';

export interface PictureOutboxDeps {
  /** Sends one picture; `done` once it is written (or could not be). Returns false when it cannot be sent now (not connected). */
  send(deviceId: string, jpeg: Buffer, done: () => void): boolean;
  log: Logger;
  maxBytes?: number;
}

export interface PictureOutboxCounters {
  sent: number;
  /** Replaced by a newer picture before they could be sent, or offered while not connected. */
  dropped: number;
  oversize: number;
}

export class PictureOutbox {
  readonly counters: PictureOutboxCounters = { sent: 0, dropped: 0, oversize: 0 };
  private readonly sending = new Set<string>();
  private readonly waiting = new Map<string, Buffer>();

  constructor(private readonly d: PictureOutboxDeps) {}

  offer(deviceId: string, jpeg: Buffer): void {
    const max = this.d.maxBytes ?? PICTURE_MAX_BYTES;
    if (jpeg.length > max) {
      this.counters.oversize += 1;
      this.d.log.warn({ device: deviceId, bytes: jpeg.length, maxBytes: max }, 'live picture over its size bound: dropped');
      return;
    }
    if (this.sending.has(deviceId)) {
      if (this.waiting.has(deviceId)) this.counters.dropped += 1;
      this.waiting.set(deviceId, jpeg);
      return;
    }
    this.sendNow(deviceId, jpeg);
  }

  /** A new broker session: whatever was on its way went with the old one (its callback may never come). */
  reset(): void {
    this.sending.clear();
    this.waiting.clear();
  }

  /** A device that stops: its waiting picture is dropped. */
  forget(deviceId: string): void {
    this.waiting.delete(deviceId);
  }

  private sendNow(deviceId: string, jpeg: Buffer): void {
    this.sending.add(deviceId);
    const sent = this.d.send(deviceId, jpeg, () => {
      this.sending.delete(deviceId);
      const next = this.waiting.get(deviceId);
      if (next) {
        this.waiting.delete(deviceId);
        this.sendNow(deviceId, next);
      }
    });
    if (sent) this.counters.sent += 1;
    else {
      this.sending.delete(deviceId);
      this.counters.dropped += 1;
    }
  }
}
