/**
 * The events emergency response records (issue 23): part of protocols/events.ts EVENT_DATA, so each
 * is validated, published and read back like any event. Kept apart from protocols/alerting.ts (the
 * records and settings) so neither grows past a screenful of schemas.
 */
import { Type } from '@sinclair/typebox';
import { AlertKind, AlertSeverity, ContactId, ContactKind, EscalationLevel, NotificationReason, PersonId } from './alerting.ts';

const Strict = <P extends Parameters<typeof Type.Object>[0]>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Ms = Type.Integer({ minimum: 0, description: 'milliseconds' });

export const ALERTING_EVENT_DATA = {
  'alert.raised': Strict({
    alert: Type.Integer(),
    key: Type.String(),
    kind: AlertKind,
    severity: AlertSeverity,
    incident: Type.Integer(),
    summary: Type.String(),
  }),
  'alert.changed': Strict(
    { alert: Type.Integer(), severity: AlertSeverity, count: Type.Integer(), summary: Type.String() },
    'its severity or its summary changed (the slot went on air, it flapped again, another device joined the cause)',
  ),
  'alert.acked': Strict({
    alert: Type.Integer(),
    via: Type.Union([Type.Literal('console'), Type.Literal('cli'), Type.Literal('link'), Type.Literal('api')]),
    person: Type.Optional(PersonId),
    comment: Type.Optional(Type.String()),
    afterMs: Ms,
  }),
  'alert.taken': Strict(
    {
      alert: Type.Integer(),
      person: Type.Optional(PersonId),
      comment: Type.Optional(Type.String()),
      /** Taken over from another engineer: who held it until now. */
      from: Type.Optional(Strict({ login: Type.String(), person: Type.Optional(PersonId) })),
    },
    'a person took the alert (it is theirs to work on; taking does not acknowledge it)',
  ),
  'alert.released': Strict(
    { alert: Type.Integer(), person: Type.Optional(PersonId), comment: Type.String(), heldMs: Ms },
    'its owner gave the alert back, saying why or what is left to do',
  ),
  'alert.escalated': Strict({ alert: Type.Integer(), level: EscalationLevel, people: Type.Array(PersonId) }),
  'alert.resolved': Strict({ alert: Type.Integer(), durationMs: Ms }),
  'notification.sent': Strict({
    notification: Type.Integer(),
    alert: Type.Optional(Type.Integer()),
    contact: ContactId,
    channel: ContactKind,
    person: Type.Optional(PersonId),
    reason: NotificationReason,
    attempt: Type.Integer({ minimum: 1 }),
    /** From the alert's start to this delivery. */
    afterMs: Ms,
  }),
  'notification.failed': Strict({
    notification: Type.Integer(),
    alert: Type.Optional(Type.Integer()),
    contact: ContactId,
    channel: ContactKind,
    person: Type.Optional(PersonId),
    attempt: Type.Integer({ minimum: 1 }),
    error: Type.String(),
    /** false: retries exhausted, the notification is failed. */
    willRetry: Type.Boolean(),
  }),
  'incident.opened': Strict({ incident: Type.Integer(), title: Type.String(), alert: Type.Integer() }),
  'incident.noted': Strict({ incident: Type.Integer(), text: Type.String() }),
  'incident.resolved': Strict({ incident: Type.Integer(), impactMs: Ms }),
  'duty.changed': Strict({
    change: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('handover')]),
    studio: Type.String(),
    person: PersonId,
    shift: Type.Optional(Type.Integer()),
  }),
  'people.changed': Strict({
    what: Type.Union([Type.Literal('person'), Type.Literal('studio'), Type.Literal('contact'), Type.Literal('runbook')]),
    id: Type.String(),
    change: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('removed')]),
  }),
} as const;
