/**
 * Flapping (pure): a device that keeps failing and coming back. Alerting and the console judge it by
 * the same numbers: the same cause back within FLAP_WINDOW_MS is flapping (alerting keeps one alert
 * and raises its count: controller/alerting/alerts/correlate.ts; AlertingSettings.flapWindowMs
 * defaults to this), and FLAP_MIN_FAILURES failures within the window make it one (alerting's second
 * failure is the alert's count 2). The console's device page says it in words ("11 failures in the
 * last 3 min"), the wall may flag the tile: both from this function, given the device's changes.
 */

/** How long the same failure coming back still counts as one flapping cause (alerting's flap window). */
export const FLAP_WINDOW_MS = 600_000;
/** Failures within the window that make a device flapping (alerting: an alert fired a second time). */
export const FLAP_MIN_FAILURES = 2;

/** One change of a device's status (a device.state event: its time and the status it went to). */
export interface StatusChange {
  ts: number;
  to: string;
}

export interface Flapping {
  /** Transitions to failed within the window. */
  failures: number;
  /** The first of them: "in the last <now − firstAt>". */
  firstAt: number;
  /** The last of them. */
  lastAt: number;
}

/** Is an alert that came back `count` times flapping? (count 1: it fired once.) */
export const isFlappingCount = (count: number): boolean => count >= FLAP_MIN_FAILURES;

/**
 * Flapping when at least `minFailures` transitions to failed happened in (now − windowMs, now];
 * undefined otherwise. `changes` in any order; `now` from the caller's clock.
 */
export function flapping(
  changes: Iterable<StatusChange>,
  now: number,
  o: { windowMs?: number; minFailures?: number } = {},
): Flapping | undefined {
  const since = now - (o.windowMs ?? FLAP_WINDOW_MS);
  let failures = 0;
  let firstAt = Infinity;
  let lastAt = -Infinity;
  for (const c of changes) {
    if (c.to !== 'failed' || c.ts <= since || c.ts > now) continue;
    failures += 1;
    firstAt = Math.min(firstAt, c.ts);
    lastAt = Math.max(lastAt, c.ts);
  }
  return failures >= (o.minFailures ?? FLAP_MIN_FAILURES) ? { failures, firstAt, lastAt } : undefined;
}
