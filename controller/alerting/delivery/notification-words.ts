/**
 * What a queued notification says: the composer's words (controller/alerting/channels/) from the
 * alert, its incident and runbook as they are at the moment of sending (an escalation sent late says
 * the alert's latest state), an acknowledgement link while the alert is firing, and the notification's
 * id so that a receiver can drop the duplicate an at-least-once resend may bring.
 */
import type { Alert, ContactPoint, Incident, Notification } from '../../../protocols/alerting.ts';
import type { AckLinks, AlertingCore, AlertMessage, Directory, MessageComposer, MessageInput, RunbookLibrary } from '../types.ts';

export interface NotificationWordsDependencies {
  core: Pick<AlertingCore, 'publicUrl'>;
  composer: MessageComposer;
  directory: Pick<Directory, 'person'>;
  /** The alert as it is now (the alert book's). */
  alert(id: number): Alert | undefined;
  incident?(id: number): Incident | undefined;
  runbooks?: RunbookLibrary;
  ackLinks?: Pick<AckLinks, 'issue'>;
}

/** Reasons whose notification asks for an acknowledgement (a resolved notice or a digest does not). */
const ASKS_ACK = new Set<Notification['reason']>(['firing', 'escalated']);

export function notificationWords(
  d: NotificationWordsDependencies,
  row: Notification,
  contact: ContactPoint,
  heldBack: readonly Notification[],
  now: number,
): AlertMessage {
  const person = row.person === undefined ? undefined : d.directory.person(row.person);
  const alert = row.alert === undefined ? undefined : d.alert(row.alert);
  const incidentId = row.incident ?? alert?.incident;
  const incident = incidentId === undefined ? undefined : d.incident?.(incidentId);
  const runbook = alert ? d.runbooks?.forAlert(alert.kind, alert.labels.role) : undefined;
  const base = d.core.publicUrl()?.replace(/\/+$/, '');
  const ackUrl =
    base && alert && alert.state === 'firing' && ASKS_ACK.has(row.reason) && d.ackLinks
      ? `${base}/ack/${d.ackLinks.issue(alert.id, row.person, now)}`
      : undefined;
  const held = [...new Set(heldBack.map((n) => n.alert).filter((a) => a !== undefined))]
    .map((id) => d.alert(id))
    .filter((a) => a !== undefined);
  const input: MessageInput = {
    reason: row.reason,
    locale: contact.locale ?? person?.locale ?? 'zh-CN',
    ...(alert ? { alert } : {}),
    ...(incident ? { incident } : {}),
    ...(runbook ? { runbook } : {}),
    ...(row.reason === 'digest' ? { heldBack: held } : {}),
    ...(ackUrl ? { ackUrl } : {}),
    ...(base && alert ? { consoleUrl: `${base}/console/?alert=${alert.id}` } : {}),
  };
  return { ...d.composer.compose(input), notification: row.id };
}
