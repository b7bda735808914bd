/** An open alert as the engine keeps it in memory, and the small rules of its record (bounded lists, marks, labels). */
import type { Alert } from '../../../protocols/alerting.ts';
import type { OpenAlertView } from './correlate.ts';

export interface OpenAlert {
  alert: Alert;
  /** Correlation's memory of the cause's parts (correlate.ts OpenAlertView.marks). */
  marks: Map<string, string>;
}

const MAX_EVENTS = 200;

export const view = (open: OpenAlert): OpenAlertView => ({
  key: open.alert.key,
  kind: open.alert.kind,
  severity: open.alert.severity,
  labels: open.alert.labels,
  summary: open.alert.summary,
  inhibits: open.alert.inhibits,
  marks: open.marks,
});

/** After a restart: what the inhibited keys say of an agent's slots (failed over, or down). */
export function marksFrom(alert: Alert): Map<string, string> {
  const marks = new Map<string, string>();
  for (const key of alert.inhibits) {
    if (key.startsWith('failover:')) marks.set(`slot:${key.slice(9)}`, 'over');
    if (key.startsWith('slot-down:')) marks.set(`slot:${key.slice(10)}`, 'down');
  }
  return marks;
}

export function applyMarks(marks: Map<string, string>, change: Record<string, string | null> | undefined): void {
  for (const [k, v] of Object.entries(change ?? {})) {
    if (v === null) marks.delete(k);
    else marks.set(k, v);
  }
}

/** The first events and the newest, bounded. */
export function withEvent(events: readonly number[], seq: number): number[] {
  if (events.includes(seq)) return [...events];
  const kept =
    events.length >= MAX_EVENTS ? [...events.slice(0, MAX_EVENTS / 2), ...events.slice(events.length - MAX_EVENTS / 2 + 1)] : [...events];
  kept.push(seq);
  return kept;
}

/** The event envelope's own labels, so `onair events --device …` finds an alert's events too. */
export function eventLabels(alert: Alert): { agent?: string; device?: string; slot?: string } {
  const { agent, device, slot } = alert.labels;
  return { ...(agent ? { agent } : {}), ...(agent && device ? { device } : {}), ...(slot ? { slot } : {}) };
}
