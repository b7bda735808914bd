import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { RecentCount } from '../../lib/recent-count.ts';

describe('recent count', () => {
  it('counts what happened in the last minute, and forgets a burst once it is a minute old', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const recent = new RecentCount(() => clock.now());
    expect(recent.observe(12)).toBe(12); // a burst of 12 refusals
    clock.advance(30_000);
    expect(recent.observe(15)).toBe(15);
    clock.advance(30_500);
    expect(recent.observe(15)).toBe(3); // the burst is more than 60 s old now
    clock.advance(60_000);
    expect(recent.observe(15)).toBe(0);
  });

  it('takes a counter that restarted (a reconnected session) from zero', () => {
    const clock = new ManualClock();
    const recent = new RecentCount(() => clock.now());
    recent.observe(40);
    clock.advance(1_000);
    expect(recent.observe(3)).toBe(43);
  });

  it('forgets everything after a long silence between readings', () => {
    const clock = new ManualClock();
    const recent = new RecentCount(() => clock.now());
    recent.observe(0);
    recent.observe(7);
    clock.advance(10 * 60_000);
    expect(recent.observe(7)).toBe(0);
  });
});
