/**
 * Asking before an action that changes what goes on air: the modal (dialog.ts) names what is acted
 * on and says what will follow; the safe button has focus, the action is a second, deliberate press.
 * `showConfirmation` writes those words for a show's Start now, Stop and Cancel (pure, for its unit test).
 */
import { useState } from 'preact/hooks';
import type { Checklist, Show } from '../protocols/plan-schemas.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import type { actions } from '../i18n/messages/actions.ts';
import { Modal } from './dialog.ts';
import { html } from './html.ts';

export interface Confirmation {
  title: string;
  /** What will happen, one sentence a line. */
  lines: string[];
  confirm: string;
  keep: string;
  /** danger: it takes something off air or away for good; go: it puts something on air. */
  tone: 'danger' | 'go';
}

export function ConfirmDialog(p: Confirmation & { onConfirm(): Promise<void>; onCancel(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      await p.onConfirm();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return html`<${Modal} title=${p.title} onCancel=${p.onCancel} class="confirm-dialog">
    ${p.lines.map((line) => html`<p class="consequence">${line}</p>`)}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <div class="dialog-buttons">
      <button type="button" class="safe" onClick=${p.onCancel}>${p.keep}</button>
      <button type="button" class=${`confirm ${p.tone}`} disabled=${busy} onClick=${confirm}>${p.confirm}</button>
    </div>
  </${Modal}>`;
}

export type ShowAction = 'start' | 'stop' | 'cancel';

/** What the pre-show check said, in one line, for a show about to start. */
function preshowLine(checklist: Checklist | undefined, t: Translate<typeof actions>, f: Formats): string {
  if (!checklist) return t('confirm.preshow.none');
  if (checklist.finishedAt === null) return t('confirm.preshow.checking');
  const time = f.time(checklist.finishedAt);
  if (!checklist.go) return t('confirm.preshow.noGo', { time, n: checklist.slots.filter((s) => !s.go).length });
  const noBackup = checklist.slots.filter((s) => s.verdict === 'go-no-backup').length;
  return noBackup ? t('confirm.preshow.goNoBackup', { time, n: noBackup }) : t('confirm.preshow.go', { time });
}

/** The confirmation of a show's action: the show by its title, and what follows for the studio. */
export function showConfirmation(
  action: ShowAction,
  show: Show,
  checklist: Checklist | undefined,
  t: Translate<typeof actions>,
  f: Formats,
): Confirmation {
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
