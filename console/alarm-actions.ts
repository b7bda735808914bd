/**
 * What a person does with an alert, wherever it is shown (the alarm bar, the Incidents page):
 * acknowledge it, take it (or take it over from its owner), release it with a comment. Every answer
 * comes back through the live feed (`alert.acked`, `alert.taken`, `alert.released`), so every page
 * that shows the alert reads it again; a refusal is shown beside the buttons.
 */
import { useState } from 'preact/hooks';
import type { Alert } from '../protocols/alerting.ts';
import type { OperationName, OperationParams } from '../protocols/contract.ts';
import { alarms } from '../i18n/messages/alarms.ts';
import type { Translate } from '../i18n/translator.ts';
import { ask, currentUser, may } from './api.ts';
import { html } from './html.ts';
import { useT } from './i18n.ts';

type AlarmWords = Translate<typeof alarms>;

/** "held by Wang", "held by you" or "nobody holds it" (pure: the table and this page's login given). */
export function ownerText(t: AlarmWords, alert: Alert, me: string | undefined): string {
  if (!alert.owner) return t('owner.none');
  if (alert.owner.login === me) return t('owner.you');
  return t('owner.someone', { owner: alert.owner.person ?? alert.owner.login });
}

/** One request at a time from a row, its refusal kept to show. */
export function useAsk(): {
  busy: boolean;
  error: string;
  run<O extends OperationName>(op: O, params: OperationParams<O>): Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = async <O extends OperationName>(op: O, params: OperationParams<O>): Promise<boolean> => {
    setBusy(true);
    try {
      await ask(op, params);
      setError('');
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/**
 * Take (or take over) and release. Releasing first asks for the comment: the button opens a line
 * for it, and the release is sent only with one (the controller refuses an empty one too).
 */
export function OwnerButtons(p: { alert: Alert }) {
  const t = useT(alarms);
  const a = p.alert;
  const me = currentUser();
  const mine = a.owner?.login === me;
  const { busy, error, run } = useAsk();
  const [releasing, setReleasing] = useState(false);
  const [comment, setComment] = useState('');
  const release = async (e: Event) => {
    e.preventDefault();
    if (!comment.trim()) return;
    if (await run('alert.release', { alert: a.id, comment: comment.trim() })) (setReleasing(false), setComment(''));
  };
  // Only the buttons this login may press (a viewer sees who holds it, not a Take that would be refused).
  if (!may(mine ? 'alert.release' : 'alert.take')) return null;
  return html`<span class="owner-actions">
    ${
      mine
        ? html`<button class="release" disabled=${busy} aria-expanded=${releasing} onClick=${() => setReleasing(!releasing)}>
            ${t('button.release')}
          </button>`
        : html`<button class="take" disabled=${busy} title=${t('take.note')} onClick=${() => void run('alert.take', { alert: a.id })}>
            ${a.owner ? t('button.takeOver') : t('button.take')}
          </button>`
    }
    ${
      mine && releasing
        ? html`<form class="release-form" onSubmit=${(e: Event) => void release(e)}>
            <input
              name="comment"
              required
              maxlength="500"
              aria-label=${t('release.comment')}
              placeholder=${t('release.comment')}
              value=${comment}
              onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
            />
            <button type="submit" disabled=${busy || !comment.trim()}>${t('button.release')}</button>
          </form>`
        : null
    }
    ${error ? html`<span class="error" role="alert">${error}</span>` : null}
  </span>`;
}
