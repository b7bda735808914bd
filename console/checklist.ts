/**
 * A show's pre-show checklist on the page: GO / NO-GO per slot, "GO — no backup" naming the backup
 * that failed its self-test, what is not ready and why, and what to do before air. The words are
 * the page's (the actions table), built from the checklist's fields, so they come in the page's language.
 */
import type { Checklist } from '../protocols/plan-schemas.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import { actions } from '../i18n/messages/actions.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';

type ChecklistSlot = Checklist['slots'][number];
type Verdict = NonNullable<ChecklistSlot['verdict']>;
const name = (m: { agent: string; device: string }): string => `${m.agent}/${m.device}`;

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
export function slotHeadline(s: ChecklistSlot, t: Translate<typeof actions>): string {
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
export function slotAdvice(s: ChecklistSlot, t: Translate<typeof actions>): string | undefined {
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

function summary(c: Checklist, t: Translate<typeof actions>): string {
  if (c.finishedAt === null) return t('checklist.checking', checkProgress(c));
  if (!c.go) return t('checklist.noGo');
  return c.slots.some((s) => slotVerdict(s) === 'go-no-backup') ? t('checklist.goNoBackup') : t('checklist.go');
}

function memberLine(m: ChecklistSlot['members'][number], t: Translate<typeof actions>): string {
  const line = t(m.role === 'primary' ? 'member.primary' : 'member.backup', { member: name(m), result: t(`result.${m.result}`) });
  return `${line}${m.step ? t('member.step', { step: m.step }) : ''}${m.detail ? ` — ${m.detail}` : ''}`;
}

export function ChecklistView(p: { checklist: Checklist }) {
  const t = useT(actions);
  const f: Formats = useFormats();
  const c = p.checklist;
  return html`<div
    class=${`checklist ${c.finishedAt === null ? 'checking' : c.go ? 'go' : 'no-go'}`}
    data-go=${String(c.go)}
    data-finished=${String(c.finishedAt !== null)}
    data-started=${String(c.startedAt)}
  >
    <strong>${summary(c, t)}</strong>
    <span class="muted">${t('checklist.checked', { time: f.time(c.startedAt) })}</span>
    <ul>
      ${c.slots.map((s) => {
        // While the check runs, a slot has no verdict yet (its go is false until the end): it is being checked, not NO-GO.
        const checking = c.finishedAt === null;
        const verdict = slotVerdict(s);
        const advice = checking ? undefined : slotAdvice(s, t);
        return html`<li
          class=${checking ? 'checking' : verdict === 'go-no-backup' ? 'go no-backup' : verdict === 'go' ? 'go' : 'no-go'}
          data-verdict=${checking ? 'checking' : verdict}
        >
          ${checking ? t('slot.checking', { slot: s.slot }) : slotHeadline(s, t)}
          <ul>
            ${s.members.filter((m) => !m.ready).map((m) => html`<li>${memberLine(m, t)}</li>`)}
          </ul>
          ${
            s.endurance?.length
              ? html`<ul class="endurance">
                  ${s.endurance.map((v) => html`<li class=${v.outcome} data-outcome=${v.outcome}>${t(`endurance.${v.outcome}`)}: ${v.message}</li>`)}
                </ul>`
              : null
          }
          ${advice ? html`<div class="proposal">${advice}</div>` : null}
        </li>`;
      })}
    </ul>
  </div>`;
}
