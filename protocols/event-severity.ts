/**
 * How serious an event is, for the console's filters and highlighting, and which events are alarms
 * an engineer acknowledges. One rule for the page and the controller (which refuses to acknowledge
 * anything else), and one rule of severity from on-air impact, `severityFromImpact`, which the
 * controller's alerting (controller/alerting/alerts/severity.ts) and the page's event log both use.
 *
 * Served to the page as it is (controller/http/console-routes.ts): pure, and no runtime import.
 */
import type { ControllerEvent } from './events.ts';

export type Severity = 'critical' | 'warning' | 'minor' | 'info' | 'cleared';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'minor', 'info', 'cleared'];

/** What a cause does to what viewers see now. */
export interface OnAirImpact {
  /** On-air slots the cause touches. */
  onAirSlots: number;
  /** Of them, down (nothing healthy live). */
  downOnAir: number;
  /** A show of the studio starts within the pre-show window. */
  showSoon?: boolean;
}

/**
 * Severity from impact: a slot down on air → critical; on air but covered (a failover worked or has
 * its chance, or only a backup failed: redundancy reduced) → warning; off air → minor, unless a show
 * starts soon → warning.
 */
export function severityFromImpact(impact: OnAirImpact): 'critical' | 'warning' | 'minor' {
  if (impact.downOnAir > 0) return 'critical';
  if (impact.onAirSlots > 0) return 'warning';
  return impact.showSoon ? 'warning' : 'minor';
}

/** A device's part in the slots on air when its state changed (the `onAir` of device.state). */
export type OnAirPart = 'live' | 'backup' | 'off';

function deviceDown(part: OnAirPart | undefined): Severity {
  // Logged before the controller knew the device's part (older events): as the log always showed them.
  if (part === undefined) return 'warning';
  // Live on air: covered until its failover has had its chance (slot.down follows if it has none).
  return severityFromImpact({ onAirSlots: part === 'off' ? 0 : 1, downOnAir: 0 });
}

export function eventSeverity(e: ControllerEvent): Severity {
  switch (e.type) {
    case 'alarm':
      return e.data.severity;
    case 'slot.down':
      // Older events carry no onAir: a slot down was always shown critical.
      return e.data.onAir === false ? severityFromImpact({ onAirSlots: 0, downOnAir: 0 }) : 'critical';
    case 'failover.failed':
      return 'critical';
    case 'device.state':
      if (e.data.to === 'failed' || e.data.to === 'offline') return deviceDown(e.data.onAir);
      return e.data.to === 'ok' ? 'cleared' : 'info';
    case 'agent.offline':
    case 'broker.lost':
      return 'warning';
    case 'agent.online':
    case 'broker.restored':
    case 'failover.succeeded':
      return 'cleared';
    case 'preshow.checklist':
      return e.data.go ? 'info' : 'critical';
    default:
      return 'info';
  }
}

/** An alarm waiting for a person: raised by the controller as critical or warning. */
export const isAcknowledgeable = (e: ControllerEvent): boolean => e.type === 'alarm' && e.data.severity !== 'cleared';
