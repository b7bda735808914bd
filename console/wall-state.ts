/**
 * What a wall tile says about its slot: the controller's condition of the live member (OK, DEGRADED,
 * FAILING OVER, DOWN, UNKNOWN) and, while the show is fine, how much redundancy is left — DataMiner's
 * redundancy groups (available / operational on backup / unavailable) in OnAir's words. A slot live
 * on its backup with its primary FAILED used to read a green OK: it now reads NO BACKUP LEFT.
 *
 * From the status answer alone: a slot state carries each member with its status, taken in the same
 * answer as the device list, so nothing more is asked of the controller.
 */
import type { DeviceRef, DeviceStatus, SlotState } from '../protocols/schemas.ts';
import type { Translate } from '../i18n/translator.ts';
import type { common } from '../i18n/messages/common.ts';
import type { wall } from '../i18n/messages/wall.ts';

export type WallState = 'down' | 'no_backup_left' | 'on_backup' | 'degraded' | 'failing_over' | 'unknown' | 'ok';

/**
 * The word for a tile's state in the page's language: the controller's states from common.ts, the
 * redundancy states (ON BACKUP, NO BACKUP LEFT) and why they matter from the wall's table.
 */
export function wallStateWord(state: WallState, t: Translate<typeof wall>, tc: Translate<typeof common>): string {
  if (state === 'no_backup_left' || state === 'on_backup') return t(`state.${state}`);
  return tc(`state.${state}`);
}

/** Why a redundancy state matters, said under the state word (none for the others). */
export function whyWords(state: WallState, t: Translate<typeof wall>): string | undefined {
  return state === 'no_backup_left' || state === 'on_backup' ? t(`why.${state}`) : undefined;
}

/** How long ago, in whole units: "3 s ago", "12 min ago", "2 h ago" (a clock behind the controller's reads 0 s). */
export function ageWords(ms: number, t: Translate<typeof wall>): string {
  const s = Math.max(0, Math.floor(ms / 1_000));
  if (s < 120) return t('age.s', { n: s });
  if (s < 7_200) return t('age.min', { n: Math.floor(s / 60) });
  return t('age.h', { n: Math.floor(s / 3_600) });
}

/** Most urgent first: the order of the studio header's counts. */
export const WALL_STATES: readonly WallState[] = ['down', 'no_backup_left', 'on_backup', 'degraded', 'failing_over', 'unknown', 'ok'];

/** Counted in a studio's header even at zero: a studio with no redundancy left must not look perfect. */
export const ALWAYS_COUNTED: ReadonlySet<WallState> = new Set<WallState>(['down', 'no_backup_left', 'on_backup']);

/**
 * Whether a member could take over: ok or degraded, as the failover rule says (canGoLive in
 * protocols/failover-rule.ts; not imported, as that module brings TypeBox, which the page does not load).
 */
const canGoLive = (s: DeviceStatus): boolean => s === 'ok' || s === 'degraded';

/** sameRef of protocols/device-ref.ts, here because the controller serves the page no protocol module but event-severity. */
const sameMember = (a: DeviceRef, b: DeviceRef): boolean => a.agent === b.agent && a.device === b.device;

/**
 * The tile's state. DOWN, FAILING OVER and UNKNOWN are the controller's and stand as they are. With a
 * member live and working: NO BACKUP LEFT when no other member could go live (whatever else holds:
 * it is the one a glance must catch), DEGRADED when the live member is, ON BACKUP when the live member
 * is not the primary (the primary failed, or is back but not yet switched to by hand), else OK.
 */
export function wallState(slot: Pick<SlotState, 'state' | 'active' | 'primary' | 'members'>): WallState {
  if (slot.state === 'down' || slot.state === 'failing_over' || slot.state === 'unknown') return slot.state;
  const live = slot.active;
  if (live === null) return 'down';
  const takeovers = slot.members.filter((m) => !sameMember(m, live) && canGoLive(m.status));
  if (takeovers.length === 0) return 'no_backup_left';
  if (slot.state === 'degraded') return 'degraded';
  return sameMember(live, slot.primary) ? 'ok' : 'on_backup';
}

/** How many slots are in each state, for a studio's header. */
export function countStates(states: readonly WallState[]): Map<WallState, number> {
  const counts = new Map<WallState, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}
