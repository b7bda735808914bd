import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { RateLimiter } from '../../lib/rate-limit.ts';

describe('rate limits per identity', () => {
  it('lets a burst through, then refill-rate requests; reports the first refusal of a run once; keys apart', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock, perSecond: 10, burst: 3 });
    expect([1, 2, 3].map(() => limiter.take('eve').allowed)).toEqual([true, true, true]);
    expect(limiter.take('eve')).toEqual({ allowed: false, firstRefusal: true });
    expect(limiter.take('eve')).toEqual({ allowed: false, firstRefusal: false });
    expect(limiter.take('vic').allowed, 'another user has their own bucket').toBe(true);
    clock.advance(100); // one token back
    expect(limiter.take('eve').allowed).toBe(true);
    expect(limiter.take('eve')).toEqual({ allowed: false, firstRefusal: true });
    clock.advance(60_000);
    expect(
      [1, 2, 3, 4].map(() => limiter.take('eve').allowed),
      'refilled to the burst, no more',
    ).toEqual([true, true, true, false]);
  });

  it('keeps a bounded number of buckets', () => {
    const limiter = new RateLimiter({ clock: new ManualClock(0), perSecond: 1, burst: 1, maxKeys: 2 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // 'a' dropped: it starts again with a full bucket
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});
