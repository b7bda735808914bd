/**
 * Failing a slot over by hand, from its tile, in the console's modal (dialog.ts): choose the member
 * to put on air (or the first healthy one), give a reason, read what will happen — which member goes
 * live, and the program cut if the slot maps one — and press Fail over (Enter from the form does it
 * too; the Fail over button never has focus by itself). The progress shown on the tile is
 * console/progress.ts's.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SlotDefinition } from '../protocols/registry-operations.ts';
import type { DeviceRef, DeviceSummary, SlotState } from '../protocols/schemas.ts';
import { actions } from '../i18n/messages/actions.ts';
import { common } from '../i18n/messages/common.ts';
import { failoverPlan, failoverSentences, memberName } from './acting.ts';
import { ask } from './api.ts';
import { Modal } from './dialog.ts';
import { html, ref } from './html.ts';
import { useT } from './i18n.ts';

export function FailoverDialog(p: { slot: SlotState; devices: Map<string, DeviceSummary>; onClose(): void }) {
  const t = useT(actions);
  const words = useT(common);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [definition, setDefinition] = useState<SlotDefinition | undefined>(undefined);
  // The program mappings are the slot's definition, read once the dialog opens (the wall's tiles do not carry them).
  useEffect(() => {
    void ask('slot.list', {}).then(
      (r) => setDefinition(r.slots.find((s) => s.id === p.slot.slot)),
      () => undefined,
    );
  }, [p.slot.slot]);
  const others = p.slot.members.filter((m) => p.slot.active === null || ref(m) !== ref(p.slot.active));
  const firstHealthy = failoverPlan(p.slot, p.devices, definition, '').target;
  const plan = failoverPlan(p.slot, p.devices, definition, to);
  const stateOf = (m: DeviceRef) => words(`state.${p.devices.get(ref(m))?.status ?? 'unknown'}` as 'state.unknown');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || reason.trim().length === 0) return;
    setBusy(true);
    setError('');
    try {
      await ask('failover', { slot: p.slot.slot, reason: reason.trim(), ...(to ? { to } : {}) });
      p.onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return html`<${Modal} title=${t('failover.title', { slot: p.slot.slot })} onCancel=${p.onClose} class="failover-dialog">
    <form onSubmit=${submit}>
      <label
        >${t('failover.to')}
        <select name="to" value=${to} onChange=${(e: Event) => setTo((e.target as HTMLSelectElement).value)}>
          <option value="">
            ${firstHealthy ? t('failover.firstHealthy', { member: memberName(firstHealthy, p.devices) }) : t('failover.firstHealthyNone')}
          </option>
          ${others.map((m) => html`<option value=${ref(m)}>${t('failover.option', { member: memberName(m, p.devices), state: stateOf(m) })}</option>`)}
        </select>
      </label>
      <label
        >${t('failover.reason')}
        <input
          name="reason"
          required
          maxlength="500"
          placeholder=${t('failover.reasonHint')}
          value=${reason}
          onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="consequences" aria-live="polite">
        ${failoverSentences(p.slot, plan, p.devices, t).map((line) => html`<p class="consequence">${line}</p>`)}
      </div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <div class="dialog-buttons">
        <button type="button" class="safe" onClick=${p.onClose}>${words('button.cancel')}</button>
        <button type="submit" class="danger" disabled=${busy || reason.trim().length === 0}>
          ${busy ? t('failover.busy') : t('failover.submit')}
        </button>
      </div>
    </form>
  </${Modal}>`;
}
