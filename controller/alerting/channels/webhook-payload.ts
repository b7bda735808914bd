/**
 * The body OnAir's generic webhook POSTs: a stable, documented shape (its JSON Schema is
 * docs/schemas/alerting-webhook.json, generated from this schema; test/unit/alerting-channels-formats.test.ts
 * keeps the file current). Additive changes only; `version` changes if a field ever changes meaning.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Alert, Incident, Locale, NotificationReason, Runbook, AlertSeverity } from '../../../protocols/alerting.ts';
import { Timestamp } from '../../../protocols/schemas.ts';
import type { AlertMessage } from '../types.ts';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export const WebhookNotification = Type.Object(
  {
    version: Type.Literal(WEBHOOK_PAYLOAD_VERSION),
    /** The notification's id: delivery is at least once, so a receiver drops a second copy by it. */
    notification: Type.Optional(Type.Integer({ minimum: 1 })),
    reason: NotificationReason,
    locale: Locale,
    severity: Type.Optional(AlertSeverity),
    /** One line, in `locale`. */
    title: Type.String(),
    /** Plain text, in `locale`: what happened, where, what OnAir did, who is told, the links. */
    text: Type.String(),
    alert: Type.Optional(
      Type.Pick(Alert, [
        'id',
        'key',
        'kind',
        'severity',
        'state',
        'labels',
        'summary',
        'detail',
        'startsAt',
        'updatedAt',
        'endsAt',
        'count',
        'ackedAt',
        'ackedBy',
        'incident',
        'noBackupLeft',
      ]),
    ),
    incident: Type.Optional(Type.Pick(Incident, ['id', 'title'])),
    runbook: Type.Optional(Type.Pick(Runbook, ['id', 'title'])),
    consoleUrl: Type.Optional(Type.String()),
    ackUrl: Type.Optional(Type.String()),
    /** A digest: the alerts a storm bound held back, one line each. */
    digest: Type.Optional(Type.Array(Type.String())),
    /** When OnAir sent it (ms since the epoch); the signature's timestamp is the same instant in seconds. */
    sentAt: Timestamp,
  },
  {
    additionalProperties: false,
    description: 'One OnAir notification, as its generic webhook POSTs it (signed: X-OnAir-Timestamp, X-OnAir-Signature)',
  },
);
export type WebhookNotification = Static<typeof WebhookNotification>;

const ALERT_FIELDS = Object.keys(WebhookNotification.properties.alert.properties) as Array<keyof Alert>;

export function webhookPayload(message: AlertMessage, sentAt: number): WebhookNotification {
  const alert = message.alert && pick(message.alert, ALERT_FIELDS);
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    ...(message.notification !== undefined && { notification: message.notification }),
    reason: message.reason,
    locale: message.locale,
    ...(message.severity && { severity: message.severity }),
    title: message.title,
    text: message.text,
    ...(alert && { alert: alert as WebhookNotification['alert'] }),
    ...(message.incident && { incident: { id: message.incident.id, title: message.incident.title } }),
    ...(message.runbook && { runbook: { id: message.runbook.id, title: message.runbook.title } }),
    ...(message.consoleUrl && { consoleUrl: message.consoleUrl }),
    ...(message.ackUrl && { ackUrl: message.ackUrl }),
    ...(message.digest && { digest: message.digest }),
    sentAt,
  };
}

/** The published JSON Schema of the body (draft-07, as docs/schemas/ has the others). */
export function webhookJsonSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://onair.local/schemas/alerting-webhook.json',
    ...WebhookNotification,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Partial<Pick<T, K>>;
}
