/**
 * The newest live picture of each watched device (issue 24's wall; protocols/pictures.ts), kept in
 * memory only: one entry per registered device, replaced in O(1) by the next picture, never stored
 * (a picture is news for a second, and a restarted controller has the next one within a second).
 * A picture from a device nobody registered, over the bound, or not a whole JPEG is dropped with a
 * log line, so a misbehaving agent costs neither memory nor a broken image on the wall.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { parsePictureTopic } from '../../protocols/picture-topic.ts';
import { PICTURE_MAX_BYTES, isWholeJpeg } from '../../protocols/pictures.ts';

export interface Picture {
  jpeg: Buffer;
  /** A strong validator, unique per picture for the life of this process (and across restarts: the start time is in it). */
  etag: string;
  /** On the controller's clock. */
  receivedAt: number;
}

export interface LatestPicturesDeps {
  clock: Clock;
  log: Logger;
  /** A registered device (or one its agent's config runs): only those are kept, so the map is bounded by the fleet. */
  known(agent: string, device: string): boolean;
  maxBytes?: number;
}

export interface PictureCounters {
  pictures: number;
  droppedPictures: number;
}

const key = (agent: string, device: string): string => `${agent}/${device}`;

export class LatestPictures {
  readonly counters: PictureCounters = { pictures: 0, droppedPictures: 0 };
  private readonly newest = new Map<string, Picture>();
  private readonly epoch: string;
  private sequence = 0;

  constructor(private readonly d: LatestPicturesDeps) {
    this.epoch = d.clock.now().toString(36);
  }

  /** A message from the bus: true when it was a picture topic (taken or dropped), false for any other topic. */
  take(mqttTopic: string, payload: Buffer): boolean {
    const from = parsePictureTopic(mqttTopic);
    if (!from) return false;
    const { agentId: agent, deviceId: device } = from;
    const max = this.d.maxBytes ?? PICTURE_MAX_BYTES;
    const refuse = (reason: string): true => {
      this.counters.droppedPictures += 1;
      this.d.log.warn({ agent, device, bytes: payload.length, reason }, 'dropped a live picture');
      return true;
    };
    if (payload.length > max) return refuse(`over the bound of ${max} bytes`);
    if (!isWholeJpeg(payload)) return refuse('not a whole JPEG (FF D8 … FF D9)');
    if (!this.d.known(agent, device)) return refuse('no such device is registered');
    this.sequence += 1;
    this.counters.pictures += 1;
    // A copy: the payload may share a buffer with the broker's packet.
    this.newest.set(key(agent, device), {
      jpeg: Buffer.from(payload),
      etag: `"${this.epoch}-${this.sequence}"`,
      receivedAt: this.d.clock.now(),
    });
    return true;
  }

  latest(agent: string, device: string): Picture | undefined {
    return this.newest.get(key(agent, device));
  }

  get size(): number {
    return this.newest.size;
  }
}
