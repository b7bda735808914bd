/**
 * How serious an event is, for the console's filters and highlighting, and which events are alarms
 * an engineer acknowledges. One rule for the page and the controller (which refuses to acknowledge
 * anything else).
 */
import type { ControllerEvent } from './schemas.ts';

export type Severity = 'critical' | 'warning' | 'info' | 'cleared';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'cleared'];

const severityOf = (value: unknown): Severity | undefined => (SEVERITIES as readonly unknown[]).includes(value) ? (value as Severity) : undefined;

export function eventSeverity(e: Pick<ControllerEvent, 'type' | 'data'>): Severity {
  switch (e.type) {
    case 'alarm':
      return severityOf(e.data.severity) ?? 'critical';
    case 'slot.down':
    case 'failover.failed':
      return 'critical';
    case 'device.state':
      return e.data.to === 'failed' || e.data.to === 'offline' ? 'warning' : e.data.to === 'ok' ? 'cleared' : 'info';
    case 'agent.offline':
    case 'broker.lost':
      return 'warning';
    case 'preshow.checklist':
      return e.data.go === false ? 'critical' : 'info';
    default:
      return 'info';
  }
}

/** An alarm waiting for a person: raised by the controller as critical or warning. */
export const isAcknowledgeable = (e: Pick<ControllerEvent, 'type' | 'data'>): boolean => e.type === 'alarm' && eventSeverity(e) !== 'cleared';
