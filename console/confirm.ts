/**
 * Asking before an action that changes what goes on air: the modal (dialog.ts) names what is acted
 * on and says what will follow; the safe button has focus, the action is a second, deliberate press.
 * acting.ts's `showConfirmation` writes those words for a show's Start now, Stop and Cancel.
 */
import { useState } from 'preact/hooks';
import type { Confirmation } from './acting.ts';
import { Modal } from './dialog.ts';
import { html } from './html.ts';

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
