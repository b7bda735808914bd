/**
 * The flapping rule (protocols/flapping.ts): the device page's banner and alerting's held "resolved"
 * notice judge by the same numbers.
 */
import { describe, expect, it } from 'vitest';
import { FLAP_MIN_FAILURES, FLAP_WINDOW_MS, flapping, isFlappingCount } from '../../protocols/flapping.ts';
import { AlertingSettings } from '../../protocols/alerting.ts';
import { Value } from '@sinclair/typebox/value';

const NOW = 1_700_000_000_000;
/** A device failing every `everyMs` for `n` times, recovering in between, the last failure at `lastAt`. */
function flaps(n: number, everyMs: number, lastAt = NOW - 1_000): Array<{ ts: number; to: string }> {
  const changes: Array<{ ts: number; to: string }> = [];
  for (let i = n - 1; i >= 0; i -= 1) {
    const at = lastAt - i * everyMs;
    changes.push({ ts: at, to: 'failed' }, { ts: at + everyMs / 2, to: 'ok' });
  }
  return changes.filter((c) => c.ts <= NOW);
}

describe('flapping', () => {
  it('11 failures in 3 minutes: flapping, with the count and the first and last failure', () => {
    const changes = flaps(11, 18_000);
    expect(flapping(changes, NOW)).toEqual({ failures: 11, firstAt: NOW - 1_000 - 10 * 18_000, lastAt: NOW - 1_000 });
  });

  it('one failure is a fault, not flapping; the second within the window is (alerting raises its count then)', () => {
    expect(flapping(flaps(1, 60_000), NOW)).toBeUndefined();
    expect(flapping(flaps(2, 60_000), NOW)?.failures).toBe(2);
    expect(isFlappingCount(1)).toBe(false);
    expect(isFlappingCount(FLAP_MIN_FAILURES)).toBe(true);
  });

  it('counts only failures inside (now − window, now]: older ones, later ones and recoveries do not count', () => {
    const changes = [
      { ts: NOW - FLAP_WINDOW_MS, to: 'failed' }, // exactly a window ago: out
      { ts: NOW - FLAP_WINDOW_MS + 1, to: 'failed' },
      { ts: NOW - 10, to: 'degraded' },
      { ts: NOW - 5, to: 'offline' },
      { ts: NOW + 1, to: 'failed' }, // after now (a clock ahead): out
    ];
    expect(flapping(changes, NOW)).toBeUndefined();
    expect(flapping([...changes, { ts: NOW, to: 'failed' }], NOW)).toEqual({ failures: 2, firstAt: NOW - FLAP_WINDOW_MS + 1, lastAt: NOW });
  });

  it('takes its window and threshold from the caller, in any order of changes', () => {
    const changes = flaps(5, 60_000).reverse();
    expect(flapping(changes, NOW, { windowMs: 150_000 })?.failures).toBe(3);
    expect(flapping(changes, NOW, { minFailures: 6 })).toBeUndefined();
  });

  it("is alerting's flap window by default", () => {
    expect(Value.Default(AlertingSettings, {}) as { flapWindowMs: number }).toMatchObject({ flapWindowMs: FLAP_WINDOW_MS });
  });
});
