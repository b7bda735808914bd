/**
 * What a member's slots allow of a content fault now (protocols/content-policy.ts ContentTolerance),
 * from the slot definitions it serves and the quiet windows of the shows not yet over. Pure: the
 * registry's tracking step (controller/fleet/registry.ts) asks it only for a failure that is content
 * alone, so the shows are read rarely. A member of several slots is tolerated only where every one
 * of them tolerates it: one slot that wants a failover gets it.
 */
import { allowedBy, type ContentTolerance, type QuietWindow } from '../../protocols/content-policy.ts';
import type { Show } from '../../protocols/plan-schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';

/** None: the slots take content faults like any failure (the default, and no slot at all). */
export function toleranceOf(slots: readonly SlotDefinition[], shows: readonly Show[]): ContentTolerance | undefined {
  if (slots.length === 0) return undefined;
  const onContentFault = slots.every((s) => s.onContentFault === 'alarm') ? 'alarm' : 'failover';
  const allowed = allowedBy(slots[0]!).filter((f) => slots.every((s) => allowedBy(s).includes(f)));
  const windows = shows
    .filter((show) => show.state === 'scheduled' || show.state === 'on_air')
    .flatMap((show) => (show.quiet ?? []).filter((w) => slots.every((s) => coversSlot(w, show, s.id))));
  if (onContentFault === 'failover' && allowed.length === 0 && windows.length === 0) return undefined;
  return { onContentFault, allowed, windows: windows.map(({ from, to, faults }) => ({ from, to, ...(faults ? { faults } : {}) })) };
}

const coversSlot = (w: QuietWindow, show: Show, slot: string): boolean => (w.slots ?? show.slots).includes(slot);
