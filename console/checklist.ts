/**
 * A show's pre-show checklist on the page: GO / NO-GO per slot, "GO — no backup" naming the backup
 * that failed its self-test, what is not ready and why, and what to do before air. The words are
 * the page's (the actions table), built from the checklist's fields, so they come in the page's language.
 */
import type { Checklist } from '../protocols/plan-schemas.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import { checkProgress, slotAdvice, slotHeadline, slotVerdict, type ChecklistSlot } from './acting.ts';
import { actions } from '../i18n/messages/actions.ts';
import { html, ref } from './html.ts';
import { useFormats, useT } from './i18n.ts';

function summary(c: Checklist, t: Translate<typeof actions>): string {
  if (c.finishedAt === null) return t('checklist.checking', checkProgress(c));
  if (!c.go) return t('checklist.noGo');
  return c.slots.some((s) => slotVerdict(s) === 'go-no-backup') ? t('checklist.goNoBackup') : t('checklist.go');
}

function memberLine(m: ChecklistSlot['members'][number], t: Translate<typeof actions>): string {
  const line = t(m.role === 'primary' ? 'member.primary' : 'member.backup', { member: ref(m), result: t(`result.${m.result}`) });
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
