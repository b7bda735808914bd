/**
 * Who is reached, as a pure function of the stored people, studios, duty shifts and shows and a
 * time: the escalation levels of protocols/alerting.ts (responsible → emergency lead → studio
 * manager) and the duty board (`duty.now`). No clock, no store: the Directory and the hand-over watch
 * feed it what they read, and the unit tests feed it literal rotas.
 */
import type { AlertLabels, DutyShift, EscalationLevel, Person, Studio } from '../../../protocols/alerting.ts';
import type { OperationData } from '../../../protocols/contract.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';

/** What the rules read: the stored rows, as they are at the moment asked about. */
export interface RotaWorld {
  people: readonly Person[];
  studios: readonly Studio[];
  shifts: readonly DutyShift[];
  /** Shows that are scheduled or on air (the plan store's activeShows). */
  shows: readonly Show[];
}

export type StudioDuty = OperationData<'duty.now'>['studios'][number];

/** A shift covers [from, to): at a hand-over at 08:00:00 the one beginning then is on call, not the one ending. */
export const covers = (shift: Pick<DutyShift, 'from' | 'to'>, at: number): boolean => shift.from <= at && at < shift.to;

/** A show's owner answers for it from its pre-show until it ends (or while it is on air, however late). */
export function showRunsAt(show: Show, at: number): boolean {
  if (show.state === 'on_air') return true;
  if (show.state !== 'scheduled') return false;
  const preShowFrom = show.startsAt - Math.round(show.preShowMinutes * 60_000);
  return preShowFrom <= at && at < show.endsAt;
}

/** The studio a slot id names (`studio-a/cam-wide`), if it names one. */
const studioOfSlot = (slot: string | undefined): string | undefined => (slot?.includes('/') ? slot.split('/')[0] : undefined);

/**
 * The on-call shift of a studio at `at`: one for the studio itself wins over one for every studio
 * ('*'); among several, the one that began last (a hand-over that overlaps by a minute goes to the newcomer).
 */
export function onCallShift(shifts: readonly DutyShift[], studio: string | undefined, at: number): DutyShift | undefined {
  const covering = shifts.filter((s) => covers(s, at) && (s.studio === '*' || s.studio === studio));
  const latest = (list: DutyShift[]) => list.sort((a, b) => b.from - a.from || b.id - a.id)[0];
  return latest(covering.filter((s) => s.studio !== '*')) ?? latest(covering.filter((s) => s.studio === '*'));
}

/** The show an alert is about: named by its label, else one of its studio (or holding its slot) running at `at`. */
export function runningShow(world: RotaWorld, labels: AlertLabels, at: number): Show | undefined {
  const running = world.shows.filter((s) => showRunsAt(s, at)).sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  if (labels.show) return running.find((s) => s.id === labels.show);
  if (labels.slot) {
    const holding = running.find((s) => s.slots.includes(labels.slot!));
    if (holding) return holding;
  }
  const studio = labels.studio ?? studioOfSlot(labels.slot);
  return studio ? running.find((s) => s.studio === studio) : undefined;
}

/** The person ids told at `level` (before they are looked up), in order, without repeats. */
export function recipientIds(world: RotaWorld, level: EscalationLevel, labels: AlertLabels, at: number): string[] {
  const show = runningShow(world, labels, at);
  const studioId = labels.studio ?? show?.studio ?? studioOfSlot(labels.slot);
  const studio = world.studios.find((s) => s.id === studioId);
  let ids: Array<string | undefined>;
  if (level === 'responsible') ids = [show?.owner ?? onCallShift(world.shifts, studioId, at)?.person ?? studio?.responsible];
  else if (level === 'emergency-lead') ids = [show?.emergencyLead ?? studio?.emergencyLead];
  else ids = [studio?.manager];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The same, as the people stored (a name nobody stored any more is left out). */
export function recipients(world: RotaWorld, level: EscalationLevel, labels: AlertLabels, at: number): Person[] {
  return recipientIds(world, level, labels, at).flatMap((id) => world.people.filter((p) => p.id === id));
}

/** Per studio: who is told first at `at` (on call, else the responsible engineer), and the next hand-over. */
export function dutyAt(world: Pick<RotaWorld, 'studios' | 'shifts'>, at: number, only?: string): StudioDuty[] {
  return world.studios
    .filter((studio) => only === undefined || studio.id === only)
    .map((studio) => {
      const onCall = onCallShift(world.shifts, studio.id, at);
      const next = world.shifts
        .filter((s) => (s.studio === studio.id || s.studio === '*') && s.from > at)
        .sort((a, b) => a.from - b.from || (a.studio === '*' ? 1 : 0) - (b.studio === '*' ? 1 : 0) || a.id - b.id)[0];
      return {
        studio: studio.id,
        first: onCall?.person ?? studio.responsible,
        ...(onCall ? { onCall: { person: onCall.person, shift: onCall.id, until: onCall.to } } : {}),
        ...(next ? { next: { person: next.person, shift: next.id, from: next.from } } : {}),
        ...(studio.emergencyLead ? { emergencyLead: studio.emergencyLead } : {}),
        ...(studio.manager ? { manager: studio.manager } : {}),
      };
    });
}
