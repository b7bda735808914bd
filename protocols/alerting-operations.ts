/**
 * Requests about people, duty, contact points, alerts, incidents, runbooks and the monthly report
 * (issue 23): part of the one OPERATIONS table in contract.ts, so the CLI, MQTT clients, the HTTP API
 * and the console have them alike. Who may ask what: protocols/access.ts.
 */
import { Type } from '@sinclair/typebox';
import {
  Alert,
  AlertState,
  ContactId,
  ContactPoint,
  ContactPointView,
  DutyShift,
  FollowUp,
  Incident,
  Locale,
  Notification,
  Person,
  PersonId,
  Runbook,
  Studio,
  StudioId,
  AlertKind,
} from './alerting.ts';
import { ControllerEvent } from './events.ts';
import { Id, Timestamp } from './schemas.ts';

const Strict = <P extends Parameters<typeof Type.Object>[0]>(properties: P) => Type.Object(properties, { additionalProperties: false });
const Removed = Strict({ id: Type.String(), removed: Type.Boolean() });
const Document = Strict({
  format: Type.String(),
  /** The report itself: markdown, a self-contained HTML page (inline CSS and SVG), CSV or JSON text. */
  content: Type.String(),
});

export const ALERTING_OPERATIONS = {
  'person.add': {
    params: Person,
    data: Person,
    description: 'Add or update a person (their name, login, language and contact points, in order).',
  },
  'person.list': { params: Strict({}), data: Strict({ people: Type.Array(Person) }), description: 'Everyone the studios name.' },
  'person.remove': {
    params: Strict({ id: PersonId }),
    data: Removed,
    description: 'Remove a person (refused while a studio, a show, a duty shift or an open follow-up names them).',
  },
  'studio.set': {
    params: Studio,
    data: Studio,
    description: "Set a studio's responsible engineer, emergency lead and manager: who is told, in that order.",
  },
  'studio.list': { params: Strict({}), data: Strict({ studios: Type.Array(Studio) }), description: 'Studios and their people.' },
  'contact.add': {
    params: ContactPoint,
    data: ContactPointView,
    description: 'Add or update a contact point: e-mail, a signed webhook, Slack, Teams, WeCom, DingTalk, Feishu or an SMS gateway.',
  },
  'contact.list': {
    params: Strict({}),
    data: Strict({ contacts: Type.Array(ContactPointView) }),
    description: 'Contact points (secrets never shown).',
  },
  'contact.remove': {
    params: Strict({ id: ContactId }),
    data: Removed,
    description: 'Remove a contact point (refused while a person uses it).',
  },
  'contact.test': {
    params: Strict({ id: ContactId }),
    data: Strict({ sent: Type.Boolean(), ms: Type.Integer({ minimum: 0 }), error: Type.Optional(Type.String()) }),
    description: 'Send a test notification to a contact point now and say whether it was delivered.',
  },
  'duty.add': {
    params: Strict({
      studio: Type.Union([StudioId, Type.Literal('*')]),
      person: PersonId,
      from: Timestamp,
      to: Timestamp,
      note: Type.Optional(Type.String({ maxLength: 500 })),
    }),
    data: DutyShift,
    description: 'Put a person on call for a studio (or every studio: *) from one time to another.',
  },
  'duty.list': {
    params: Strict({ studio: Type.Optional(Type.String()), since: Type.Optional(Timestamp), until: Type.Optional(Timestamp) }),
    data: Strict({ shifts: Type.Array(DutyShift) }),
    description: 'The duty rota, earliest first (shifts that end after `since`, default now).',
  },
  'duty.remove': { params: Strict({ id: Type.Integer({ minimum: 1 }) }), data: Removed, description: 'Remove a duty shift.' },
  'duty.now': {
    params: Strict({ studio: Type.Optional(StudioId), at: Type.Optional(Timestamp) }),
    data: Strict({
      studios: Type.Array(
        Strict({
          studio: StudioId,
          /** Who is told first now: the on-call person, else the studio's responsible engineer. */
          first: PersonId,
          onCall: Type.Optional(Strict({ person: PersonId, shift: Type.Integer(), until: Timestamp })),
          next: Type.Optional(Strict({ person: PersonId, shift: Type.Integer(), from: Timestamp })),
          emergencyLead: Type.Optional(PersonId),
          manager: Type.Optional(PersonId),
        }),
      ),
    }),
    description: 'Who is reached now (or at `at`) in each studio, and the next hand-over.',
  },
  'alert.list': {
    params: Strict({
      state: Type.Optional(Type.Union([AlertState, Type.Literal('open')])),
      since: Type.Optional(Timestamp),
      /** Only the alerts this login holds. */
      owner: Type.Optional(Type.String({ minLength: 1 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    }),
    data: Strict({ alerts: Type.Array(Alert) }),
    description: 'Alerts, newest first (open: firing or acknowledged).',
  },
  'alert.ack': {
    params: Strict({ alert: Type.Integer({ minimum: 1 }), comment: Type.Optional(Type.String({ maxLength: 500 })) }),
    data: Alert,
    description: 'Acknowledge an alert: escalation stops, the incident records who took it.',
  },
  'alert.take': {
    params: Strict({ alert: Type.Integer({ minimum: 1 }), comment: Type.Optional(Type.String({ maxLength: 500 })) }),
    data: Alert,
    description:
      'Take an open alert: it is yours to work on (taken over from its owner if someone holds it). Taking does not acknowledge it.',
  },
  'alert.release': {
    params: Strict({ alert: Type.Integer({ minimum: 1 }), comment: Type.String({ minLength: 1, maxLength: 500 }) }),
    data: Alert,
    description: 'Give back an alert you hold, saying why or what is left to do (the comment is required).',
  },
  'incident.list': {
    params: Strict({
      state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
      since: Type.Optional(Timestamp),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    }),
    data: Strict({ incidents: Type.Array(Incident) }),
    description: 'Incidents, newest first.',
  },
  'incident.show': {
    params: Strict({ id: Type.Integer({ minimum: 1 }) }),
    data: Strict({
      incident: Incident,
      alerts: Type.Array(Alert),
      notifications: Type.Array(Notification),
      /** Everything that happened, oldest first: faults, alerts, notifications, acknowledgements, failovers, cuts, notes. */
      timeline: Type.Array(ControllerEvent),
    }),
    description: 'One incident with its alerts, notifications and timeline.',
  },
  'incident.note': {
    params: Strict({ id: Type.Integer({ minimum: 1 }), text: Type.String({ minLength: 1, maxLength: 4000 }) }),
    data: Incident,
    description: 'Add a note to an incident (what was checked, what was done).',
  },
  'incident.resolve': {
    params: Strict({ id: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ maxLength: 4000 })) }),
    data: Incident,
    description: 'Close an incident (its alerts have ended or were acknowledged).',
  },
  'incident.review': {
    params: Strict({
      id: Type.Integer({ minimum: 1 }),
      cause: Type.Optional(Type.String({ maxLength: 4000 })),
      fix: Type.Optional(Type.String({ maxLength: 4000 })),
      followUps: Type.Optional(Type.Array(FollowUp, { maxItems: 50 })),
    }),
    data: Incident,
    description: 'Complete the post-incident report: the cause, what fixed it, follow-up actions with owner and due date.',
  },
  'incident.report': {
    params: Strict({
      id: Type.Integer({ minimum: 1 }),
      format: Type.Union([Type.Literal('markdown'), Type.Literal('html')]),
      /** The report's language (default: the studio's plan language, Simplified Chinese). */
      locale: Type.Optional(Locale),
    }),
    data: Document,
    description: 'The post-incident report: what happened, impact on air, cause, fix, follow-ups; markdown or a printable HTML page.',
  },
  'runbook.add': {
    params: Strict({
      id: Id,
      kind: AlertKind,
      role: Type.Optional(Type.String({ maxLength: 64 })),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      markdown: Type.String({ minLength: 1, maxLength: 20_000 }),
    }),
    data: Runbook,
    description: 'Add or replace a runbook (a prepared plan) for an alert kind and, optionally, a gear role.',
  },
  'runbook.list': {
    params: Strict({}),
    data: Strict({ runbooks: Type.Array(Runbook) }),
    description: 'Runbooks, from the repository and the store.',
  },
  'runbook.show': {
    params: Strict({ id: Type.Optional(Id), kind: Type.Optional(AlertKind), role: Type.Optional(Type.String()) }),
    data: Runbook,
    description: 'One runbook by id, or the one an alert of this kind (and role) gets.',
  },
  'report.month': {
    params: Strict({
      month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in the controller machine’s time zone' }),
      format: Type.Union([Type.Literal('html'), Type.Literal('csv'), Type.Literal('json'), Type.Literal('markdown')]),
      studio: Type.Optional(StudioId),
      locale: Type.Optional(Locale),
    }),
    data: Document,
    description:
      "The month's review: failure rate per week against 1%, incidents with causes and times to acknowledge and resolve, maintenance done and overdue (by whom), gear ranked by failures.",
  },
} as const;
