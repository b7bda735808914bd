/**
 * What a tile says about a failover in progress or just ended, from the controller's own events
 * (started → succeeded / failed), so every open page sees a failover, whoever asked for it.
 *
 * A message ages and clears: "Failover confirmed … (422 ms)" once stayed for hours beside a red DOWN
 * tile whose new live member had failed again. `progressView` decides, from the message, the slot as
 * it is now and the time, whether the message is fresh news, aged (said with its age), contradicted by
 * what happened since (said as such: "confirmed at 21:03:12; cam-1 FAILED since 21:03:13"), or cleared.
 * Pure, with the clock given: the tile passes the page's time, the tests a table of times.
 */
import type { ControllerEvent } from '../protocols/events.ts';
import type { DeviceStatus, SlotState } from '../protocols/schemas.ts';

export interface FailoverProgress {
  phase: 'started' | 'confirmed' | 'failed';
  /** The event's time (the controller's clock). */
  ts: number;
  by?: string;
  reason?: string;
  /** Confirmed: the member that went live (agent/device), and how long the failover took. */
  to?: string;
  durationMs?: number;
}

/** The tile's progress after a failover event; undefined for any other event. */
export function progressOf(e: ControllerEvent): FailoverProgress | undefined {
  const common = { ts: e.ts, ...(e.by ? { by: e.by } : {}), ...(e.reason ? { reason: e.reason } : {}) };
  if (e.type === 'failover.started') return { phase: 'started', ...common };
  if (e.type === 'failover.succeeded') return { phase: 'confirmed', ...common, to: e.data.to, durationMs: e.data.durationMs };
  if (e.type === 'failover.failed') return { phase: 'failed', ...common };
  return undefined;
}

/** News for this long: after it the message says its age ("12 s ago"). */
export const FRESH_MS = 10_000;
/** Gone after this long: the tile's state word says what holds now; the events page keeps the history. */
export const CLEAR_AFTER_MS = 60_000;

export type ProgressView =
  | { show: 'cleared' }
  | { show: 'fresh' | 'aged'; ageMs: number }
  | {
      show: 'contradicted';
      ageMs: number;
      /** The member the contradiction is about (agent/device): the confirmed one, or the one live now. */
      member: string;
      /** Its status now, or `replaced`: another member went live since. */
      now: DeviceStatus | 'replaced';
      /** Since when (its status's start when known, else the slot state's time). */
      since: number;
    };

type SlotNow = Pick<SlotState, 'state' | 'active' | 'members' | 'ts'>;

const refOf = (r: { agent: string; device: string }): string => `${r.agent}/${r.device}`;
const canBeLive = (s: DeviceStatus): boolean => s === 'ok' || s === 'degraded';

/**
 * What to show of `p` at `now`, given the slot as it is now. `since(member)` is when that member's
 * status began (DeviceSummary.since), when known.
 */
export function progressView(
  p: FailoverProgress,
  slot: SlotNow,
  now: number,
  since: (member: string) => number | undefined = () => undefined,
): ProgressView {
  const ageMs = Math.max(0, now - p.ts);
  // A failover still running is news however long it takes.
  if (p.phase === 'started' && slot.state === 'failing_over') return { show: 'fresh', ageMs };
  if (ageMs >= CLEAR_AFTER_MS) return { show: 'cleared' };
  if (p.phase === 'confirmed' && p.to) {
    const live = slot.active ? refOf(slot.active) : null;
    if (live !== null && live !== p.to)
      return { show: 'contradicted', ageMs, member: live, now: 'replaced', since: since(live) ?? slot.ts };
    const member = slot.members.find((m) => refOf(m) === p.to);
    if (live === null || (member && !canBeLive(member.status)))
      return { show: 'contradicted', ageMs, member: p.to, now: member?.status ?? 'unknown', since: since(p.to) ?? slot.ts };
  }
  return { show: ageMs < FRESH_MS ? 'fresh' : 'aged', ageMs };
}
