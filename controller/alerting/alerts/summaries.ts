/**
 * An alert's one-line summary, from what correlation knows of its cause. It is kept as a catalogue
 * message and its values (i18n/messages/alerting-alerts.ts), so a notification, a report or the CLI
 * writes it in its reader's language; `summary` itself stays English, as the API and event log speak.
 */
import { alertingAlerts } from '../../../i18n/messages/alerting-alerts.ts';
import { translator } from '../../../i18n/translator.ts';
import type { MessageKey } from '../../../i18n/define.ts';
import { deviceKey } from '../../../protocols/device-ref.ts';
import type { CatalogueText } from '../../../protocols/alerting.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';

/** What became of a failed device's slot: nothing yet, a failover running, failed over to a member, or failed. */
export type DeviceOutcome = 'none' | 'failing-over' | 'failed' | { to: string };

/** A summary: its English text (Alert.summary) and its message (Alert.summaryMessage). */
export interface Summary {
  text: string;
  message: CatalogueText;
}

type SummaryKey = Extract<MessageKey<typeof alertingAlerts>, `summary.${string}`>;

/** An alert's two summary fields from a summary. */
export const summaryFields = (s: Summary): { summary: string; summaryMessage: CatalogueText } => ({
  summary: s.text,
  summaryMessage: s.message,
});

export function summaryOf(key: SummaryKey, values: Record<string, string | number> = {}): Summary {
  return { text: translator(alertingAlerts, 'en')(key, values), message: { key, values } };
}

export { summaryIn, textIn } from '../../../i18n/messages/alerting-alerts.ts';

/** "agent-a lost: 4 devices, 2 slots affected, all failed over", from the `slot:<id>` marks (pending|over|down). */
export function agentSummary(agent: string, devices: number, marks: ReadonlyMap<string, string>): Summary {
  const outcomes = [...marks].filter(([k]) => k.startsWith('slot:')).map(([, v]) => v);
  const slots = outcomes.length;
  const down = outcomes.filter((o) => o === 'down').length;
  const over = outcomes.filter((o) => o === 'over').length;
  const outcome = slots === 0 ? 'none' : down > 0 ? 'someDown' : over < slots ? 'pending' : 'allOver';
  return summaryOf('summary.agent-lost', { agent, devices, outcome, slots, down, over });
}

export function deviceSummary(ref: DeviceRef, status: string, outcome: DeviceOutcome, noBackupLeft = false): Summary {
  const device = deviceKey(ref.agent, ref.device);
  const what =
    outcome === 'none' ? 'none' : outcome === 'failing-over' ? 'failingOver' : outcome === 'failed' ? 'failoverFailed' : 'failedOver';
  const to = typeof outcome === 'object' ? outcome.to : '';
  return summaryOf('summary.device', {
    device,
    status,
    outcome: what,
    to,
    noBackup: noBackupLeft && typeof outcome === 'object' ? 'yes' : 'no',
  });
}

/** A picture or sound fault; ICU's select keys cannot hold '-', so "no-signal" travels as "no_signal". */
export const contentSummary = (device: string, fault: string): Summary =>
  summaryOf('summary.content', { device, fault: fault.replace(/-/g, '_') });
