/**
 * The failover rule: it decides when a live member is down and which member goes live instead. Both
 * deciders use it, and nothing else: the controller's failover engine (controller/failover/failover-engine.ts,
 * fed by controller/fleet/failure-detector.ts) and an agent carrying on alone (agent/carry-on.ts), so the two
 * never choose differently (test/unit/failover-rule-table.test.ts feeds both the same cases).
 *
 * - A member is down when it failed or is offline (`isDown`), and it becomes so only after
 *   failAfterProbes failed probes in a row (`failedEnough`, on the runner's count) or a mute health
 *   deadline; it counts as up again only after recoverAfterMs healthy: the tracking step of
 *   protocols/failure-detection.ts, which both deciders run on every health report.
 * - A member can go live when it is ok or degraded: a degraded picture (a camera whose clock is off,
 *   a mic with a weak battery) beats nothing on air, so it is taken, but only after every ok member.
 * - A member that failed before and has recovered (healthy for recoverAfterMs) is a member like the
 *   others, in slot order: the recovery time is the guard against a flapping device, for both deciders.
 * - A slot with nothing live (down, or its live member failed and nothing could take over) looks again
 *   whenever a member's status becomes one it could go live on — degraded included: some gear is
 *   degraded as its normal state and would otherwise never be taken back.
 * - A content fault (picture, sound, playback: protocols/media.ts) fails a member like any other
 *   failure, unless its failure is ONLY content and its slot tolerates it (`judgeContent`, applied in
 *   the tracking step): `onContentFault: alarm` keeps it live as degraded and the controller alarms;
 *   a fault the slot allows (mayBeDark: black, mayBeStill: frozen, maySilence: silent) or a show's
 *   quiet window covers leaves it as healthy as its gear. A gear failure beside a content fault is a
 *   gear failure.
 */
import type { DeviceStatus } from './schemas.ts';

export { contentOnlyFailure, failedEnough, isDown, judgeContent, type ContentVerdict } from './failure-detection.ts';

/** Can a member in this status go live (and should a slot with nothing live look again when a member reaches it)? */
export const canGoLive = (s: DeviceStatus | undefined): boolean => s === 'ok' || s === 'degraded';

export interface RankOptions<T> {
  /** Members not to consider at all (the live one, one no command can reach). */
  exclude?: (m: T) => boolean;
  /** Members to take only when no other can go live: they come last, but they do come (better than staying down). */
  avoid?: (m: T) => boolean;
}

/** The members to try, in order: ok before degraded, slot order otherwise; members that cannot go live are left out. */
export function rankCandidates<T>(members: readonly T[], statusOf: (m: T) => DeviceStatus | undefined, o: RankOptions<T> = {}): T[] {
  const rank = (m: T): number => (o.avoid?.(m) ? 2 : 0) + (statusOf(m) === 'ok' ? 0 : 1);
  return members
    .filter((m) => !o.exclude?.(m) && canGoLive(statusOf(m)))
    .map((m, i) => ({ m, i, r: rank(m) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.m);
}
