/**
 * Escalation (pure, the clock is the caller's): an alert not acknowledged within its severity's time
 * (settings.escalateAfterMs) goes to the next level of ESCALATION_LEVELS, and then again, every
 * period, to the last level that names someone, until it is acknowledged or resolved. A level that
 * names nobody is skipped at once. Times are kept exact: the next one is due a whole period after
 * the one before was due, not after the tick that noticed it (a late tick does not shift them), and
 * periods missed while no controller ran are not replayed one by one.
 */
import { ESCALATION_LEVELS, type Alert, type AlertingSettings, type AlertSeverity, type Person } from '../../../protocols/alerting.ts';

const LAST = ESCALATION_LEVELS.length - 1;

export type RecipientsAt = (level: number) => readonly Person[];

export interface EscalationStep {
  level: number;
  /** Empty when no level names anyone (the engine logs it and tries again next period). */
  people: readonly Person[];
  nextEscalationAt: number;
}

export const escalationPeriod = (severity: AlertSeverity, settings: Pick<AlertingSettings, 'escalateAfterMs'>): number =>
  settings.escalateAfterMs[severity];

/** Who is told first: the first level, from responsible on, that names someone. */
export function firstLevel(recipients: RecipientsAt): { level: number; people: readonly Person[] } {
  for (let level = 0; level <= LAST; level += 1) {
    const people = recipients(level);
    if (people.length > 0) return { level, people };
  }
  return { level: 0, people: [] };
}

/** The step due at `now`, if one is: the next level that names someone, else the highest that does, again. */
export function escalationStep(
  alert: Pick<Alert, 'state' | 'level' | 'nextEscalationAt' | 'severity'>,
  now: number,
  settings: Pick<AlertingSettings, 'escalateAfterMs'>,
  recipients: RecipientsAt,
): EscalationStep | undefined {
  const due = alert.nextEscalationAt;
  if (alert.state !== 'firing' || due === undefined || now < due) return undefined;
  let level: number | undefined;
  let people: readonly Person[] = [];
  for (let l = alert.level + 1; l <= LAST && level === undefined; l += 1) {
    const named = recipients(l);
    if (named.length > 0) [level, people] = [l, named];
  }
  for (let l = LAST; l >= 0 && level === undefined; l -= 1) {
    const named = recipients(l);
    if (named.length > 0) [level, people] = [l, named];
  }
  const period = escalationPeriod(alert.severity, settings);
  let nextEscalationAt = due + period;
  if (nextEscalationAt <= now) nextEscalationAt += Math.ceil((now - nextEscalationAt + 1) / period) * period;
  return { level: level ?? alert.level, people, nextEscalationAt };
}

/**
 * A severity changed while unacknowledged: the next step comes no later than the new severity's
 * period from now (a minor alert that goes on air escalates on the critical clock).
 */
export function rescheduled(
  nextEscalationAt: number | undefined,
  severity: AlertSeverity,
  now: number,
  settings: Pick<AlertingSettings, 'escalateAfterMs'>,
): number {
  const sooner = now + escalationPeriod(severity, settings);
  return nextEscalationAt === undefined ? sooner : Math.min(nextEscalationAt, sooner);
}
