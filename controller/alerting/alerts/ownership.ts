/**
 * Who holds an alert (issue 24: "take/release with a comment, as in DataMiner"). An engineer takes
 * an open alert so the others see it is being worked on; another engineer may take it over (recorded
 * as a take from the previous owner); the owner gives it back with a comment.
 *
 * Taking needs no comment: in the middle of a fault the one click must be quick, and the taker is
 * about to act. Releasing needs one, as DataMiner asks on release: whoever picks the alert up next
 * must learn what was done and what is left, and an alert dropped without a word is how a fault gets
 * forgotten. Taking is not acknowledging: escalation goes on until someone acknowledges (the bar
 * offers both), so holding an alert never silences it by accident.
 */
import type { AlertOwner, Alert } from '../../../protocols/alerting.ts';
import type { AlertingCore, Directory, IncidentBook, OpHandler } from '../types.ts';
import { eventLabels } from './open-alerts.ts';

/** What ownership needs of the alert engine: the open alert, and keeping its new owner. */
export interface OwnedAlerts {
  openAlert(id: number): Alert;
  keepOwner(id: number, owner: AlertOwner | undefined, at: number): Alert;
}

export interface AlertOwnershipDependencies {
  core: AlertingCore;
  directory: Directory;
  incidents: IncidentBook;
  alerts: OwnedAlerts;
}

/**
 * The login a request came from: the router writes `eve (via console)` when a client names itself
 * (controller/requests.ts), but the console and the CLI of one person are the same owner.
 */
export const loginOf = (by: string): string => by.replace(/ \(via [^)]*\)$/, '');

export interface Taker {
  login: string;
  person?: string;
}

/** The owner after `who` takes the alert, or why not (pure). A take from another owner is a takeover, not a refusal. */
export function take(alert: Alert, who: Taker, at: number, comment?: string): AlertOwner {
  if (alert.owner?.login === who.login) throw new Error(`you hold alert #${alert.id} already`);
  return {
    login: who.login,
    ...(who.person ? { person: who.person } : {}),
    since: at,
    ...(comment?.trim() ? { comment: comment.trim().slice(0, 500) } : {}),
  };
}

/** How long the owner held it, or why `login` may not give it back (pure): only its owner releases it. */
export function release(alert: Alert, login: string, at: number, comment: string): { heldMs: number } {
  if (!comment.trim()) throw new Error('say why you release the alert, or what is left to do (a comment is required)');
  if (!alert.owner) throw new Error(`nobody holds alert #${alert.id}`);
  if (alert.owner.login !== login) throw new Error(`alert #${alert.id} is held by ${alert.owner.person ?? alert.owner.login}, not by you`);
  return { heldMs: Math.max(0, at - alert.owner.since) };
}

export class AlertOwnership {
  constructor(private readonly d: AlertOwnershipDependencies) {}

  readonly take: OpHandler<'alert.take'> = (p, issuedBy) => {
    const { core, directory, alerts } = this.d;
    const by = loginOf(issuedBy);
    const now = core.clock.now();
    const before = alerts.openAlert(p.alert);
    const person = directory.personByLogin(by)?.id;
    const owner = take(before, { login: by, ...(person ? { person } : {}) }, now, p.comment);
    const alert = alerts.keepOwner(before.id, owner, now);
    const from = before.owner && { login: before.owner.login, ...(before.owner.person ? { person: before.owner.person } : {}) };
    core.record({
      type: 'alert.taken',
      ts: now,
      by: issuedBy,
      ...(owner.comment ? { reason: owner.comment } : {}),
      ...eventLabels(alert),
      data: {
        alert: alert.id,
        ...(person ? { person } : {}),
        ...(owner.comment ? { comment: owner.comment } : {}),
        ...(from ? { from } : {}),
      },
    });
    this.d.incidents.involve(alert.incident, person ?? by, now);
    core.log.info({ alert: alert.id, by, from: from?.login }, from ? 'alert taken over' : 'alert taken');
    return alert;
  };

  readonly release: OpHandler<'alert.release'> = (p, issuedBy) => {
    const { core, directory, alerts } = this.d;
    const by = loginOf(issuedBy);
    const now = core.clock.now();
    const before = alerts.openAlert(p.alert);
    const comment = p.comment.trim().slice(0, 500);
    const { heldMs } = release(before, by, now, comment);
    const alert = alerts.keepOwner(before.id, undefined, now);
    const person = before.owner?.person ?? directory.personByLogin(by)?.id;
    core.record({
      type: 'alert.released',
      ts: now,
      by: issuedBy,
      reason: comment,
      ...eventLabels(alert),
      data: { alert: alert.id, ...(person ? { person } : {}), comment, heldMs },
    });
    core.log.info({ alert: alert.id, by, heldMs }, 'alert released');
    return alert;
  };
}
