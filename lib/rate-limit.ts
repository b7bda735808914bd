/**
 * Token buckets per key (a logged-in user): `burst` requests at once, refilled at `perSecond`. A stuck
 * Stream Deck button is answered "slow down" instead of flooding the controller. O(1) per call; the
 * number of keys is bounded (the least recently used bucket is dropped past `maxKeys`).
 */
import type { Clock } from './clock.ts';

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; refusedSince?: number }>();

  constructor(private readonly o: { clock: Clock; perSecond: number; burst: number; maxKeys?: number }) {}

  /** Takes a token for `key`: true if allowed; `firstRefusal` is true once per run of refusals (log it then). */
  take(key: string): { allowed: boolean; firstRefusal: boolean } {
    const now = this.o.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.o.burst, at: now };
    b.tokens = Math.min(this.o.burst, b.tokens + ((now - b.at) / 1000) * this.o.perSecond);
    b.at = now;
    this.buckets.delete(key); // re-insert: the Map stays least recently used first
    this.buckets.set(key, b);
    if (this.buckets.size > (this.o.maxKeys ?? 10_000)) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.refusedSince = undefined;
      return { allowed: true, firstRefusal: false };
    }
    const firstRefusal = b.refusedSince === undefined;
    b.refusedSince ??= now;
    return { allowed: false, firstRefusal };
  }
}
