/**
 * Emergency response (issue 23), the contract: the people a studio names, who is on call when, how
 * each person is reached, the alerts OnAir raises (one per cause, not one per event), the
 * notifications sent for them, the incidents that gather them, and the prepared plans (runbooks).
 * One source for runtime validation, the TypeScript types and the published JSON Schema.
 *
 * Words, as the studio's plan uses them: the **responsible** engineer of a studio or a show is told
 * first; the **emergency lead** starts the prepared plan when the responsible engineer does not
 * acknowledge; the **studio manager** is the last level. Out of hours the duty rota names who is on
 * call in place of the responsible engineer.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_LOCALE, LOCALES } from '../i18n/locales.ts';
import { Id, SlotId, Timestamp } from './schemas.ts';
import { FLAP_WINDOW_MS } from './flapping.ts';

const Strict = <P extends Parameters<typeof Type.Object>[0]>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Count = Type.Integer({ minimum: 0 });

/** A person's or a contact point's id: lower-case words, as device ids are. */
export const PersonId = Id;
export const ContactId = Id;
export const StudioId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

/** The languages notifications, reports and the console speak: the message catalogue's (i18n/locales.ts). */
export const Locale = Type.Union(
  LOCALES.map((l) => Type.Literal(l)),
  { default: DEFAULT_LOCALE },
);
export type Locale = Static<typeof Locale>;

/**
 * A text kept as its catalogue message and values (i18n/messages/alerting-alerts.ts), so each reader
 * gets it in their own language: an alert's summary, the incident's title taken from it.
 */
export const CatalogueText = Strict({
  key: Type.String({ minLength: 1, maxLength: 100 }),
  values: Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 500 }), Type.Number()])),
});
export type CatalogueText = Static<typeof CatalogueText>;

// ---------------------------------------------------------------------------------------------
// People, studios and the duty rota

export const Person = Strict({
  id: PersonId,
  /** As colleagues call them, e.g. "王工 (Wang Lei)". */
  name: Type.String({ minLength: 1, maxLength: 120 }),
  /** Their console/CLI login (identities), so an acknowledgement names the person, not just the login. */
  login: Type.Optional(Type.String({ minLength: 1 })),
  locale: Type.Optional(Locale),
  /** How to reach them, in order: every one is tried for each notification. */
  contacts: Type.Array(ContactId, { maxItems: 10 }),
});
export type Person = Static<typeof Person>;

export const Studio = Strict({
  id: StudioId,
  name: Type.Optional(Type.String({ maxLength: 120 })),
  /** Told first about anything in this studio that no show's owner covers. */
  responsible: PersonId,
  emergencyLead: Type.Optional(PersonId),
  manager: Type.Optional(PersonId),
});
export type Studio = Static<typeof Studio>;

/**
 * One turn of the duty rota: `person` is on call for `studio` ('*': every studio) from `from` to `to`.
 * A hand-over is the next shift beginning where one ends; while someone is on call they are told in
 * place of the studio's responsible engineer (a show's own owner still comes first while it runs).
 */
export const DutyShift = Strict({
  id: Type.Integer({ minimum: 1 }),
  studio: Type.Union([StudioId, Type.Literal('*')]),
  person: PersonId,
  from: Timestamp,
  to: Timestamp,
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
export type DutyShift = Static<typeof DutyShift>;

/** Who is told, in order, when an alert is not acknowledged in time. */
export const ESCALATION_LEVELS = ['responsible', 'emergency-lead', 'studio-manager'] as const;
export const EscalationLevel = Type.Union(ESCALATION_LEVELS.map((l) => Type.Literal(l)));
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

// ---------------------------------------------------------------------------------------------
// Contact points

export const CONTACT_KINDS = ['email', 'webhook', 'slack', 'teams', 'wecom', 'dingtalk', 'feishu', 'sms'] as const;
export const ContactKind = Type.Union(CONTACT_KINDS.map((k) => Type.Literal(k)));
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const ContactPoint = Strict(
  {
    id: ContactId,
    kind: ContactKind,
    /** email: the address; sms: the gateway's webhook URL; every other kind: the webhook URL. */
    to: Type.String({ minLength: 3, maxLength: 2048 }),
    /** sms: the phone number the gateway texts (E.164). wecom/dingtalk: mobiles to @-mention. */
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{5,20}$' })),
    /**
     * webhook: the HMAC-SHA256 key of its signature header; dingtalk and feishu: the robot's signing
     * secret. Stored, never answered: lists show `hasSecret`.
     */
    secret: Type.Optional(Type.String({ minLength: 8, maxLength: 512 })),
    /** At most this many notifications a minute to this point (a storm is bounded; the rest are merged into a digest). */
    maxPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    locale: Type.Optional(Locale),
  },
  'one way to reach a person or a team',
);
export type ContactPoint = Static<typeof ContactPoint>;
/** A contact point as lists and answers show it: the secret replaced by whether there is one. */
export const ContactPointView = Type.Composite([Type.Omit(ContactPoint, ['secret']), Strict({ hasSecret: Type.Boolean() })], {
  additionalProperties: false,
});
export type ContactPointView = Static<typeof ContactPointView>;

// ---------------------------------------------------------------------------------------------
// Alerts: one per cause

/**
 * What an alert is about; with the gear's role it picks the runbook.
 * agent-lost: an agent stopped answering (its devices' own failures are inhibited into it);
 * slot-down: a slot on air with no live member; failover: a failover that worked (warning, "no backup
 * left" when none remains) or failed; device: one device failed or flapping; content: a picture,
 * sound or playback fault; endurance: gear that will not last the show; preshow: a NO-GO checklist;
 * controller: the controller's own trouble (storage, broker).
 */
export const ALERT_KINDS = ['agent-lost', 'slot-down', 'failover', 'device', 'content', 'endurance', 'preshow', 'controller'] as const;
export const AlertKind = Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)));
export type AlertKind = (typeof ALERT_KINDS)[number];

/** critical: on air now; warning: on air but covered (a failover worked); minor: off air, no show soon. */
export const ALERT_SEVERITIES = ['critical', 'warning', 'minor'] as const;
export const AlertSeverity = Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s)));
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const AlertState = Type.Union([Type.Literal('firing'), Type.Literal('acknowledged'), Type.Literal('resolved')], {
  description: 'firing → acknowledged (a person took it) → resolved (the cause ended); firing → resolved',
});
export type AlertState = Static<typeof AlertState>;

/** Labels that identify what an alert is about (also Alertmanager's labels). */
export const AlertLabels = Strict({
  studio: Type.Optional(StudioId),
  show: Type.Optional(Id),
  slot: Type.Optional(SlotId),
  agent: Type.Optional(Id),
  device: Type.Optional(Id),
  /** The gear's role (camera, mic, light, encoder, switcher, program, playback): picks the runbook. */
  role: Type.Optional(Type.String({ maxLength: 64 })),
});
export type AlertLabels = Static<typeof AlertLabels>;

/**
 * Who holds an alert now (issue 24: ownership, as DataMiner's take/release): the person working on
 * it, so two engineers do not both walk to the same rack. Taking is not acknowledging: escalation
 * stops only when someone acknowledges (the owner usually does both).
 */
export const AlertOwner = Strict({
  login: Type.String({ minLength: 1 }),
  /** The person the login belongs to (the Directory), when one does. */
  person: Type.Optional(PersonId),
  since: Timestamp,
  /** What they said when taking it ("on my way to rack 3"). */
  comment: Type.Optional(Type.String({ maxLength: 500 })),
});
export type AlertOwner = Static<typeof AlertOwner>;

export const Alert = Strict({
  id: Type.Integer({ minimum: 1 }),
  /** One cause, one key: "agent-lost:agent-a", "slot-down:cam-main", "device:agent-a/cam-1". */
  key: Type.String({ minLength: 1, maxLength: 300 }),
  kind: AlertKind,
  severity: AlertSeverity,
  state: AlertState,
  labels: AlertLabels,
  /** One line: "agent-a lost: 4 devices, 2 slots affected, all failed over". */
  summary: Type.String({ maxLength: 500 }),
  /** The summary as a catalogue message: notifications and reports write it in their reader's language. */
  summaryMessage: Type.Optional(CatalogueText),
  /** What is known besides (the failover's outcome, "no backup left", the fault's duration). */
  detail: Type.Optional(Type.String({ maxLength: 4000 })),
  startsAt: Timestamp,
  updatedAt: Timestamp,
  endsAt: Type.Optional(Timestamp),
  /** How many times the cause came back while the alert was open (a flapping device: 11 in 3 minutes). */
  count: Type.Integer({ minimum: 1 }),
  /** Alerts whose cause is this one's (a device failed because its agent is lost): shown inside it, never sent. */
  inhibits: Type.Array(Type.String(), { maxItems: 1000 }),
  /** The event that raised it and the events that changed it since (bounded: the first ones and the newest). */
  events: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 200 }),
  ackedAt: Type.Optional(Timestamp),
  ackedBy: Type.Optional(Type.String()),
  ackComment: Type.Optional(Type.String({ maxLength: 500 })),
  /** The escalation level told last (0: the first, responsible) and when the next one is due while unacknowledged. */
  level: Count,
  nextEscalationAt: Type.Optional(Timestamp),
  incident: Type.Integer({ minimum: 1 }),
  runbook: Type.Optional(Id),
  /** A failover that worked left the slot with no healthy backup: the next fault takes it off air. */
  noBackupLeft: Type.Optional(Type.Boolean()),
  /** Who holds it now (alert.take / alert.release); kept on a resolved alert: who held it at the end. */
  owner: Type.Optional(AlertOwner),
});
export type Alert = Static<typeof Alert>;

// ---------------------------------------------------------------------------------------------
// Notifications: queued in the store, so none is lost across a restart or a takeover

export const NotificationReason = Type.Union(
  [Type.Literal('firing'), Type.Literal('escalated'), Type.Literal('resolved'), Type.Literal('digest'), Type.Literal('test')],
  { description: 'firing: first notice; escalated: the next level; resolved: the cause ended; digest: what a storm bound held back' },
);
export type NotificationReason = Static<typeof NotificationReason>;

export const NotificationState = Type.Union(
  [Type.Literal('queued'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('dropped')],
  {
    description:
      'queued (and retried with backoff) → sent | failed (retries exhausted) | dropped (merged into a digest, or the alert ended first)',
  },
);
export type NotificationState = Static<typeof NotificationState>;

export const Notification = Strict({
  id: Type.Integer({ minimum: 1 }),
  alert: Type.Optional(Type.Integer({ minimum: 1 })),
  incident: Type.Optional(Type.Integer({ minimum: 1 })),
  person: Type.Optional(PersonId),
  contact: ContactId,
  level: Type.Optional(EscalationLevel),
  reason: NotificationReason,
  state: NotificationState,
  attempts: Count,
  createdAt: Timestamp,
  nextAttemptAt: Timestamp,
  sentAt: Type.Optional(Timestamp),
  lastError: Type.Optional(Type.String({ maxLength: 1000 })),
  /** dropped because a storm bound held it back: the digest notification that carries it instead. */
  digest: Type.Optional(Type.Integer({ minimum: 1 })),
  /** dropped: why ("alert 12 acknowledged", "contact point removed"). */
  droppedBecause: Type.Optional(Type.String({ maxLength: 300 })),
});
export type Notification = Static<typeof Notification>;

// ---------------------------------------------------------------------------------------------
// Incidents and the post-incident report

export const IncidentNote = Strict({ at: Timestamp, by: Type.String(), text: Type.String({ minLength: 1, maxLength: 4000 }) });
export type IncidentNote = Static<typeof IncidentNote>;

export const FollowUp = Strict({
  what: Type.String({ minLength: 1, maxLength: 1000 }),
  owner: PersonId,
  due: Timestamp,
  done: Type.Optional(Type.Boolean()),
});
export type FollowUp = Static<typeof FollowUp>;

/** The plan's progress report: what the engineer adds to what the record already says. */
export const IncidentReview = Strict({
  cause: Type.Optional(Type.String({ maxLength: 4000 })),
  fix: Type.Optional(Type.String({ maxLength: 4000 })),
  followUps: Type.Array(FollowUp, { maxItems: 50 }),
});
export type IncidentReview = Static<typeof IncidentReview>;

export const Incident = Strict({
  id: Type.Integer({ minimum: 1 }),
  title: Type.String({ maxLength: 500 }),
  /** The title as a catalogue message (its first alert's summary), for readers in other languages. */
  titleMessage: Type.Optional(CatalogueText),
  state: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  studio: Type.Optional(StudioId),
  show: Type.Optional(Id),
  openedAt: Timestamp,
  resolvedAt: Type.Optional(Timestamp),
  resolvedBy: Type.Optional(Type.String()),
  /** Its alerts (the first opened it). */
  alerts: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 }),
  /** Everyone told, who acknowledged or wrote a note. */
  people: Type.Array(Type.String(), { maxItems: 200 }),
  notes: Type.Array(IncidentNote, { maxItems: 500 }),
  /** First acknowledgement of any of its alerts. */
  ackedAt: Type.Optional(Timestamp),
  /** Seconds a viewer lost, from the same figures as the 1% rate (slot down on air, content the program lost). */
  impactMs: Count,
  review: Type.Optional(IncidentReview),
});
export type Incident = Static<typeof Incident>;

// ---------------------------------------------------------------------------------------------
// Runbooks: the prepared plans

export const Runbook = Strict({
  id: Id,
  /** The alerts it is for; with `role`, the most specific runbook wins (kind+role, then kind). */
  kind: AlertKind,
  role: Type.Optional(Type.String({ maxLength: 64 })),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  /** What to check, where the spare is, whom to call: short markdown. */
  markdown: Type.String({ minLength: 1, maxLength: 20_000 }),
  /** repository: a file under runbooks/ (read at start); store: added by a technician. */
  source: Type.Union([Type.Literal('repository'), Type.Literal('store')]),
  updatedAt: Timestamp,
  updatedBy: Type.Optional(Type.String()),
});
export type Runbook = Static<typeof Runbook>;

// ---------------------------------------------------------------------------------------------
// The controller's settings for all of it (controller config `alerting:`)

export const AlertingSettings = Type.Object(
  {
    /**
     * onair: OnAir's own notifier sends (contact points, escalation, digests). alertmanager: alerts go to
     * Alertmanager's v2 API and its routes, grouping, silences and receivers do the rest. both: both.
     */
    notifier: Type.Union([Type.Literal('onair'), Type.Literal('alertmanager'), Type.Literal('both')], { default: 'onair' }),
    /** How the console is reached from a phone: the base of links in notifications (ack links, the alert's page). */
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    alertmanager: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          /** Firing alerts are posted again this often (Alertmanager forgets one not re-sent within its resolve_timeout). */
          resendMs: Type.Integer({ minimum: 1_000, default: 60_000 }),
        },
        { additionalProperties: false },
      ),
    ),
    smtp: Type.Optional(
      Type.Object(
        {
          host: Type.String(),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
          /** true: TLS from the start (465); false: plain, then STARTTLS (required unless `requireTls: false`). */
          secure: Type.Boolean({ default: false }),
          requireTls: Type.Boolean({ default: true }),
          user: Type.Optional(Type.String()),
          /** The password, by reference (a 0600 file), never in the config. */
          passwordFile: Type.Optional(Type.String()),
          /** PEM file of the CA that signed the relay's certificate, when it is the site's own (default: the system's CAs). */
          caFile: Type.Optional(Type.String()),
          from: Type.String({ description: 'e.g. "OnAir <onair@studio.example>"' }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Unacknowledged for this long → the next escalation level (and again at the last level, until acknowledged). */
    escalateAfterMs: Type.Object(
      {
        critical: Type.Integer({ minimum: 10_000, default: 120_000 }),
        warning: Type.Integer({ minimum: 10_000, default: 900_000 }),
        minor: Type.Integer({ minimum: 10_000, default: 3_600_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** An off-air fault is a warning instead of minor when a show in its studio starts within this window. */
    preShowWindowMs: Type.Integer({ minimum: 0, default: 3_600_000 }),
    /** The same cause back within this time is the same alert, its count raised (flapping), not a new one. */
    flapWindowMs: Type.Integer({ minimum: 0, default: FLAP_WINDOW_MS }),
    /** A failed send is retried with backoff up to this many attempts, then reported failed. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 50, default: 8 }),
    /** An acknowledgement link in a notification stops working after this long (and after one use). */
    ackLinkTtlMs: Type.Integer({ minimum: 60_000, default: 24 * 3_600_000 }),
  },
  { additionalProperties: false, default: {} },
);
export type AlertingSettings = Static<typeof AlertingSettings>;
