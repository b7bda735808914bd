/**
 * How serious an event is, for the console's filters and highlighting, and which events are alarms
 * an engineer acknowledges. One rule for the page and the controller (which refuses to acknowledge
 * anything else).
 */
import type { ControllerEvent } from './events.ts';

export type Severity = 'critical' | 'warning' | 'info' | 'cleared';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'cleared'];

export function eventSeverity(e: ControllerEvent): Severity {
  switch (e.type) {
    case 'alarm':
      return e.data.severity;
    case 'slot.down':
    case 'failover.failed':
      return 'critical';
    case 'device.state':
      return e.data.to === 'failed' || e.data.to === 'offline' ? 'warning' : e.data.to === 'ok' ? 'cleared' : 'info';
    case 'agent.offline':
    case 'broker.lost':
      return 'warning';
    case 'preshow.checklist':
      return e.data.go ? 'info' : 'critical';
    default:
      return 'info';
  }
}

/** An alarm waiting for a person: raised by the controller as critical or warning. */
export const isAcknowledgeable = (e: ControllerEvent): boolean => e.type === 'alarm' && e.data.severity !== 'cleared';
