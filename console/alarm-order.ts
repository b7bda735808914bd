/**
 * The alarm bar's decisions, pure (console/alarm-bar.ts draws them): which alarms come first, how
 * many of each severity are open, and when the bar should read the open alerts again.
 */
import type { Alert, AlertSeverity } from '../protocols/alerting.ts';
import type { ControllerEvent } from '../protocols/events.ts';

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, minor: 2 };
/** protocols/alerting.ts's ALERT_SEVERITIES, most severe first (a type-only import: the page does not load TypeBox). */
export const SEVERITIES = Object.keys(RANK) as AlertSeverity[];

/** The bar's order: unacknowledged first, then the most severe, then the newest (pure). */
export function barOrder(alerts: readonly Alert[]): Alert[] {
  const unacked = (a: Alert) => (a.state === 'firing' ? 0 : 1);
  return [...alerts].sort((a, b) => unacked(a) - unacked(b) || RANK[a.severity] - RANK[b.severity] || b.startsAt - a.startsAt);
}

/** Open alarms per severity, and how many of them nobody has acknowledged (pure). */
export function countBySeverity(alerts: readonly Alert[]): Record<AlertSeverity, { open: number; unacked: number }> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, { open: 0, unacked: 0 }])) as Record<
    AlertSeverity,
    { open: number; unacked: number }
  >;
  for (const a of alerts) {
    counts[a.severity].open += 1;
    if (a.state === 'firing') counts[a.severity].unacked += 1;
  }
  return counts;
}

/** The newest alert event's number: the bar reads again when it changes (the page keeps a bounded window of events). */
export function newestAlertEvent(events: readonly ControllerEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.type.startsWith('alert.')) return events[i]!.seq;
  return 0;
}
