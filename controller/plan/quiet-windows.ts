/**
 * A show's quiet windows (a planned dark scene or silence): checked when a show is added or a window
 * planned, and stored with the show. The rule that reads them is the failover rule's
 * (protocols/failure-detection.ts judgeContent), through controller/failover/content-policy.ts.
 */
import type { QuietWindow } from '../../protocols/content-policy.ts';
import type { NewEvent } from '../../protocols/events.ts';
import type { Show } from '../../protocols/plan-schemas.ts';

/** The windows as stored: each ends after it starts and names only the show's slots. */
export function checkedQuiet(windows: readonly QuietWindow[], show: Pick<Show, 'id' | 'slots'>): QuietWindow[] {
  return windows.map((w) => {
    if (w.to <= w.from) throw new Error(`a quiet window of show ${show.id} must end after it starts`);
    const strangers = (w.slots ?? []).filter((s) => !show.slots.includes(s));
    if (strangers.length)
      throw new Error(`quiet window: ${strangers.join(', ')} is no slot of show ${show.id} (its slots: ${show.slots.join(', ')})`);
    return w;
  });
}

/** The show with one more window, refused once the show is over or the window is. */
export function withQuietWindow(show: Show, window: QuietWindow, now: number): Show {
  if (show.state === 'ended' || show.state === 'cancelled') throw new Error(`show ${show.id} is ${show.state}`);
  if (window.to <= now) throw new Error(`the quiet window would end in the past (${new Date(window.to).toISOString()})`);
  return { ...show, quiet: [...(show.quiet ?? []), ...checkedQuiet([window], show)] };
}

/** The show changed: a window planned, recorded with who planned it and what it allows (the audit log). */
export function quietWindowAdded(show: Show, w: QuietWindow, by: string, now: number): NewEvent {
  const span = `${new Date(w.from).toISOString()} to ${new Date(w.to).toISOString()}`;
  return {
    type: 'show.added',
    ts: now,
    by,
    reason: `quiet window ${span} for ${w.faults?.join(', ') ?? 'every content fault'} of ${w.slots?.join(', ') ?? 'every slot'}${w.note ? ` (${w.note})` : ''}`,
    data: { show: show.id, studio: show.studio, startsAt: show.startsAt, endsAt: show.endsAt, slots: show.slots, changed: true },
  };
}
