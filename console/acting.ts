/**
 * The choices and words of acting safely (issue 24), pure so they are tested without a page and
 * without htm: where Tab goes in the modal (dialog.ts), what a failover will do (failover.ts), what a
 * show's confirmation says (confirm.ts), and a pre-show checklist's verdicts and advice (checklist.ts).
 */
import type { Checklist, Show } from '../protocols/plan-schemas.ts';
import type { ProgramMapping, SlotDefinition } from '../protocols/registry-operations.ts';
import type { DeviceRef, DeviceSummary, SlotState } from '../protocols/schemas.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import type { actions } from '../i18n/messages/actions.ts';

type Words = Translate<typeof actions>;
export type ChecklistSlot = Checklist['slots'][number];
type Verdict = NonNullable<ChecklistSlot['verdict']>;
/** agent/device (html.ts's `ref`, here without the page's htm). */
const name = (m: DeviceRef): string => `${m.agent}/${m.device}`;

/**
 * Where Tab goes from the focusable element at `index` of `count` (-1: focus is on none of them):
 * the next one, the first after the last (and the last before the first with Shift), so focus never
 * leaves the dialog. Pure, for its unit test.
 */
export function nextFocus(count: number, index: number, backwards: boolean): number {
  if (count === 0) return -1;
  if (index < 0) return backwards ? count - 1 : 0;
  return (index + (backwards ? count - 1 : 1)) % count;
}

/** A member as an engineer knows it: its registered label (when the status carries one) beside its id. */
export function memberName(r: DeviceRef, devices: Map<string, DeviceSummary>): string {
  const d: object | undefined = devices.get(name(r));
  const label = d && 'label' in d && typeof d.label === 'string' && d.label ? d.label : undefined;
  return label ? `${label} (${name(r)})` : name(r);
}

export interface FailoverPlan {
  /** The member that goes live: the one chosen, else the first healthy one now (none: the controller refuses). */
  target: DeviceRef | undefined;
  /** The program cuts a failover on air makes to it (the slot's mappings of the target). */
  cuts: ProgramMapping[];
  /** The slot maps program sources at all (so "no cut" is worth saying). */
  mapsProgram: boolean;
}

/**
 * What a failover to `to` ('' for the first healthy member) will do. The first healthy member is the
 * controller's rule (protocols/failover-rule.ts: ok before degraded, slot order, never the live one),
 * previewed from the wall's statuses: the controller decides on its own, fresher view.
 */
export function failoverPlan(
  slot: SlotState,
  devices: Map<string, DeviceSummary>,
  definition: Pick<SlotDefinition, 'program'> | undefined,
  to: string,
): FailoverPlan {
  const others = slot.members.filter((m) => slot.active === null || name(m) !== name(slot.active));
  const statusOf = (m: DeviceRef) => devices.get(name(m))?.status;
  const target = to
    ? others.find((m) => name(m) === to)
    : (others.find((m) => statusOf(m) === 'ok') ?? others.find((m) => statusOf(m) === 'degraded'));
  const program = definition?.program ?? [];
  return {
    target: target && { agent: target.agent, device: target.device },
    cuts: target ? program.filter((m) => name(m.member) === name(target)) : [],
    mapsProgram: program.length > 0,
  };
}

/** What the dialog says will happen, one sentence a line (pure, for its unit test). */
export function failoverSentences(slot: SlotState, plan: FailoverPlan, devices: Map<string, DeviceSummary>, t: Words): string[] {
  if (!plan.target) return [t('failover.none', { slot: slot.slot })];
  const member = memberName(plan.target, devices);
  const active = slot.active ? memberName(slot.active, devices) : undefined;
  const lines = [
    active ? t('failover.goesLive', { member, slot: slot.slot, active }) : t('failover.goesLiveNothing', { member, slot: slot.slot }),
  ];
  if (active)
    for (const cut of plan.cuts) lines.push(t('failover.cut', { active, switcher: memberName(cut.switcher, devices), source: cut.source }));
  if (plan.mapsProgram && plan.cuts.length === 0) lines.push(t('failover.noCut'));
  return lines;
}

export interface Confirmation {
  title: string;
  /** What will happen, one sentence a line. */
  lines: string[];
  confirm: string;
  keep: string;
  /** danger: it takes something off air or away for good; go: it puts something on air. */
  tone: 'danger' | 'go';
}

export type ShowAction = 'start' | 'stop' | 'cancel';

/** What the pre-show check said, in one line, for a show about to start. */
function preshowLine(checklist: Checklist | undefined, t: Words, f: Formats): string {
  if (!checklist) return t('confirm.preshow.none');
  if (checklist.finishedAt === null) return t('confirm.preshow.checking');
  const time = f.time(checklist.finishedAt);
  if (!checklist.go) return t('confirm.preshow.noGo', { time, n: checklist.slots.filter((s) => !s.go).length });
  const noBackup = checklist.slots.filter((s) => s.verdict === 'go-no-backup').length;
  return noBackup ? t('confirm.preshow.goNoBackup', { time, n: noBackup }) : t('confirm.preshow.go', { time });
}

/** The confirmation of a show's action: the show by its title, and what follows for the studio. */
export function showConfirmation(action: ShowAction, show: Show, checklist: Checklist | undefined, t: Words, f: Formats): Confirmation {
  const title = show.title || show.id;
  const times = { title, startsAt: f.time(show.startsAt), endsAt: f.time(show.endsAt) };
  const stream = show.stream && show.startStream ? show.stream : undefined;
  if (action === 'start')
    return {
      title: t('confirm.start.title', { title }),
      lines: [
        t('confirm.start.body', times),
        t('confirm.start.armed', { n: show.slots.length, slots: show.slots.join(', ') }),
        ...(stream ? [t('confirm.start.stream', { slot: stream })] : []),
        preshowLine(checklist, t, f),
      ],
      confirm: t('confirm.start.button'),
      keep: t('confirm.start.keep'),
      tone: 'go',
    };
  if (action === 'stop')
    return {
      title: t('confirm.stop.title', { title }),
      lines: [t('confirm.stop.body', times), ...(stream ? [t('confirm.stop.stream', { slot: stream })] : [])],
      confirm: t('confirm.stop.button'),
      keep: t('confirm.stop.keep'),
      tone: 'danger',
    };
  return {
    title: t('confirm.cancel.title', { title }),
    lines: [t('confirm.cancel.body', times)],
    confirm: t('confirm.cancel.button'),
    keep: t('confirm.cancel.keep'),
    tone: 'danger',
  };
}
/**
 * A slot's verdict. A checklist stored before verdicts existed has none: a GO slot whose primary is
 * ready and whose every backup failed is GO with no backup there too, so the page says so for every
 * such slot, whichever controller wrote the checklist.
 */
export function slotVerdict(s: ChecklistSlot): Verdict {
  if (s.verdict) return s.verdict;
  if (!s.go) return 'no-go';
  const primary = s.members.find((m) => m.role === 'primary');
  const backups = s.members.filter((m) => m.role === 'backup');
  return primary?.ready && backups.length > 0 && backups.every((m) => !m.ready) ? 'go-no-backup' : 'go';
}

/** The backups that did not pass their self-test, named. */
export const failedBackups = (s: ChecklistSlot): string[] => s.members.filter((m) => m.role === 'backup' && !m.ready).map(name);

/** The slot's line: its verdict, and for GO with no backup the backups that failed (one text: htm drops whitespace at line breaks). */
export function slotHeadline(s: ChecklistSlot, t: Words): string {
  const verdict = slotVerdict(s);
  const failed = failedBackups(s);
  const head =
    verdict === 'go-no-backup'
      ? t('slot.goNoBackup', { slot: s.slot, failed: failed.join(', '), n: failed.length })
      : t(verdict === 'go' ? 'slot.go' : 'slot.noGo', { slot: s.slot });
  const swapped = s.swapped ? ` ${t('slot.swapped')}` : '';
  const lasting = s.enduranceShortfall ? ` ${t(s.enduranceShortfall === 'no-go' ? 'slot.wontLast.nogo' : 'slot.wontLast.warning')}` : '';
  return `${head}${swapped}${lasting}`;
}

/** What to do before air, from the members' results (the page's words for what slot-verdicts.ts proposes). */
export function slotAdvice(s: ChecklistSlot, t: Words): string | undefined {
  const primary = s.members.find((m) => m.role === 'primary');
  const readyBackup = s.members.find((m) => m.role === 'backup' && m.ready);
  const verdict = slotVerdict(s);
  if (verdict === 'go-no-backup') return t('proposal.fixBackup');
  if (primary && !primary.ready && readyBackup) {
    const swap = { backup: name(readyBackup), primary: name(primary) };
    if (s.swapped) return t('proposal.swapped', swap);
    const command = `onair failover ${s.slot} --to ${swap.backup} --reason "pre-show check"`;
    return t('proposal.swap', { ...swap, command });
  }
  if (verdict === 'no-go' && primary?.ready) return t('proposal.noGoNoBackup', { failed: failedBackups(s).join(', ') });
  if (verdict === 'no-go') return t('proposal.nothing');
  return undefined;
}

/** How far a running check is: tests finished of all. */
export function checkProgress(c: Checklist): { done: number; total: number } {
  const members = [...c.slots.flatMap((s) => s.members), ...(c.switchers ?? [])];
  // Not queued nor running is finished (plan-schemas.ts's FINISHED_JOB_STATES: that module is TypeBox's, not the page's).
  return { done: members.filter((m) => m.result !== 'queued' && m.result !== 'running').length, total: members.length };
}
