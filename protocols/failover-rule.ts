/**
 * Which member of a slot may go live, shared by the controller's failover engine and an agent
 * carrying on alone (agent/carry-on.ts): one rule, so the two never choose differently.
 *
 * - A member can go live when it is ok or degraded: a degraded picture (a camera whose clock is off,
 *   a mic with a weak battery) beats nothing on air, so it is taken, but only after every ok member.
 * - A slot with nothing live (down, or its live member failed and nothing could take over) looks again
 *   whenever a member's status becomes one it could go live on — degraded included: some gear is
 *   degraded as its normal state and would otherwise never be taken back.
 */
import type { DeviceStatus } from './schemas.ts';

export const isDown = (s: DeviceStatus | undefined): boolean => s === 'failed' || s === 'offline';

/** Can a member in this status go live (and should a slot with nothing live look again when a member reaches it)? */
export const canGoLive = (s: DeviceStatus | undefined): boolean => s === 'ok' || s === 'degraded';

/**
 * The members to try, in order: ok before degraded, slot order otherwise; members that cannot go live
 * are left out. `avoid` marks members to take only when no other can go live (they come last, but they
 * do come: a slot takes a member that failed before rather than stay down).
 */
export function candidatesOf<T>(members: readonly T[], status: (m: T) => DeviceStatus | undefined, avoid: (m: T) => boolean = () => false): T[] {
  const rank = (m: T): number => (avoid(m) ? 2 : 0) + (status(m) === 'ok' ? 0 : 1);
  return members
    .filter((m) => canGoLive(status(m)))
    .map((m, i) => ({ m, i, r: rank(m) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.m);
}
