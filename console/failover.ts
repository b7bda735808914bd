/**
 * One-click failover from a tile: choose a backup (or the first healthy one), give a reason,
 * confirm. The progress shown on the tile is console/progress.ts's.
 */
import { useState } from 'preact/hooks';
import type { DeviceSummary, SlotState } from '../protocols/schemas.ts';
import { ask } from './api.ts';
import { STATE_WORDS, html, ref } from './html.ts';

export function FailoverDialog(p: { slot: SlotState; devices: Map<string, DeviceSummary>; onClose(): void }) {
  const backups = p.slot.members.filter((m) => p.slot.active === null || ref(m) !== ref(p.slot.active));
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError('');
    try {
      await ask('failover', { slot: p.slot.slot, reason: reason.trim(), ...(to ? { to } : {}) });
      p.onClose();
    } catch (err) {
      setError((err as Error).message);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="dialog" role="dialog" aria-modal="true" aria-label=${`Fail over ${p.slot.slot}`}>
    <h4>Fail over ${p.slot.slot}</h4>
    <label
      >To
      <select name="to" value=${to} onChange=${(e: Event) => setTo((e.target as HTMLSelectElement).value)}>
        <option value="">first healthy backup</option>
        ${backups.map((m) => html`<option value=${ref(m)}>${ref(m)} — ${STATE_WORDS[p.devices.get(ref(m))?.status ?? 'unknown']}</option>`)}
      </select>
    </label>
    <label
      >Reason
      <input
        name="reason"
        required
        maxlength="500"
        placeholder="what you saw"
        value=${reason}
        onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)}
      />
    </label>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      confirming
        ? html`<p class="confirm-text">Put ${to || 'the first healthy backup'} on air in ${p.slot.slot}?</p>
            <button class="danger confirm" disabled=${busy} onClick=${submit}>${busy ? 'Failing over…' : 'Confirm failover'}</button>`
        : html`<button class="danger" disabled=${reason.trim().length === 0} onClick=${() => setConfirming(true)}>Fail over</button>`
    }
    <button onClick=${p.onClose}>Cancel</button>
  </div>`;
}
