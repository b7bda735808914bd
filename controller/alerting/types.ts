/**
 * The parts of emergency response (issue 23) and what each gives the others. Built by
 * controller/alerting/create-alerting.ts; the schemas are protocols/alerting.ts.
 *
 *   eventStored ─▶ AlertEngine ──(alertChanged bus)──▶ AlertmanagerSink (notifier: alertmanager|both)
 *                   │  ▲ Directory (who, at which level)       IncidentBook (gathers alerts)
 *                   ▼  │
 *               NotificationQueue ──▶ ContactSender (one channel per contact kind) ──▶ SMTP / webhooks
 *                   ▲
 *               AckLinks (signed, single-use, expiring) ── HTTP /ack/{token}
 *
 * One place decides who is told and when: the AlertEngine (correlation, severity, inhibition,
 * escalation, pure cores with an injected clock). Delivery never decides: it sends what is queued,
 * retries, bounds storms and reports.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { TypedEmitter } from '../../lib/typed-emitter.ts';
import type {
  Alert,
  AlertLabels,
  AlertingSettings,
  AlertSeverity,
  ContactPoint,
  EscalationLevel,
  Incident,
  Locale,
  NotificationReason,
  Person,
  Runbook,
  AlertKind,
} from '../../protocols/alerting.ts';
import type { OperationName } from '../../protocols/contract.ts';
import type { Handlers } from '../requests.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';

/** A request handler of one operation, as the router calls it (`by`: the logged-in user or the client). */
export type OpHandler<O extends OperationName> = Handlers[O];

/** Which part answers which operation (each part exports a `…Handlers` factory returning Pick<Handlers, its ops>). */
export type PeopleOps =
  | 'person.add'
  | 'person.list'
  | 'person.remove'
  | 'studio.set'
  | 'studio.list'
  | 'contact.add'
  | 'contact.list'
  | 'contact.remove'
  | 'duty.add'
  | 'duty.list'
  | 'duty.remove'
  | 'duty.now';
export type ChannelOps = 'contact.test';
export type AlertOps = 'alert.list' | 'alert.ack' | 'alert.take' | 'alert.release';
export type IncidentOps =
  'incident.list' | 'incident.show' | 'incident.note' | 'incident.resolve' | 'incident.review' | 'incident.report' | 'report.month';
export type RunbookOps = 'runbook.add' | 'runbook.list' | 'runbook.show';

/** One-to-many signals inside alerting. */
export interface AlertingEvents {
  /** An alert was raised, changed (severity, count, summary), acknowledged, escalated or resolved: its new state. */
  alertChanged: (alert: Alert) => void;
}

/** What every alerting part is built with. */
export interface AlertingCore {
  settings: AlertingSettings;
  clock: Clock;
  log: Logger;
  /** Stored in the event log (and published on controller/events). */
  record: (event: NewEvent) => ControllerEvent;
  bus: TypedEmitter<AlertingEvents>;
  /** Where a person opens the console from a phone: links in notifications (settings.publicUrl, else the HTTP side's own URL). */
  publicUrl: () => string | undefined;
  /** Only the leader of a pair notifies; a standby keeps quiet until it takes over (and then resumes the queue). */
  leading: () => boolean;
}

// ---------------------------------------------------------------------------------------------
// People (controller/alerting/people/)

export interface Directory {
  person(id: string): Person | undefined;
  /** The person whose console/CLI login this is (an acknowledgement names the person). */
  personByLogin(login: string): Person | undefined;
  /** With its secret: for senders only, never for answers. */
  contact(id: string): ContactPoint | undefined;
  /**
   * Who is told at `level` about an alert with these labels at `at` (pure given the stored people,
   * studios, shows and rota): responsible = the show's owner while it runs or is in pre-show, else
   * the on-call person, else the studio's responsible engineer; emergency-lead = the show's, else the
   * studio's; studio-manager = the studio's. Empty when nobody is named (the engine then goes on to
   * the next level at once, and logs that the studio names nobody).
   */
  recipients(level: EscalationLevel, labels: AlertLabels, at: number): Person[];
}

// ---------------------------------------------------------------------------------------------
// Alerts (controller/alerting/alerts/)

export interface AlertBook {
  /** Open first (firing, then acknowledged), newest first; `alert.list`. */
  list: OpHandler<'alert.list'>;
  /** `alert.ack`: `by` is the login; via the CLI/MQTT. */
  ack: OpHandler<'alert.ack'>;
  /** The same acknowledgement from the console, a signed link or the API (recorded with its `via`). */
  acknowledge(alert: number, by: string, via: 'console' | 'cli' | 'link' | 'api', comment?: string): Alert;
  get(id: number): Alert | undefined;
  /** Escalation and flap windows are judged on this tick (the controller's plan tick). */
  tick(): void;
}

// ---------------------------------------------------------------------------------------------
// Incidents (controller/alerting/incidents/)

export interface IncidentBook {
  /**
   * The incident a newly raised alert joins: the open incident of the same studio (or, without a
   * studio, the same agent) opened within the last hour, else a new one titled after the alert
   * (recorded as incident.opened). Called once per alert, before alert.raised is recorded.
   */
  attach(alert: Pick<Alert, 'id' | 'kind' | 'severity' | 'labels' | 'summary' | 'startsAt'>): Incident;
  /** A person was told, acknowledged, or wrote a note: the incident names them. */
  involve(incident: number, person: string, at: number): void;
  /** The first acknowledgement of any of its alerts. */
  acknowledged(incident: number, at: number): void;
  get(id: number): Incident | undefined;
}

// ---------------------------------------------------------------------------------------------
// Runbooks (controller/alerting/runbooks/)

export interface RunbookLibrary {
  /** The most specific runbook for an alert: kind and role, then kind alone. */
  forAlert(kind: AlertKind, role: string | undefined): Runbook | undefined;
}

// ---------------------------------------------------------------------------------------------
// Notifications (controller/alerting/delivery/, controller/alerting/channels/)

/** What a notification says, before a channel formats it (each channel in its own documented format). */
export interface AlertMessage {
  reason: NotificationReason;
  locale: Locale;
  severity?: AlertSeverity;
  /** One line: the subject of an e-mail, the title of a card. */
  title: string;
  /** Plain text: what happened, what is affected, what OnAir did, who is told. */
  text: string;
  alert?: Alert;
  incident?: Pick<Incident, 'id' | 'title'>;
  runbook?: Pick<Runbook, 'id' | 'title' | 'markdown'>;
  /** The alert's page in the console. */
  consoleUrl?: string;
  /** Opens a page that acknowledges the alert on one click (signed, single-use, expiring). */
  ackUrl?: string;
  /** A digest: what a storm bound held back, one line each. */
  digest?: string[];
  /**
   * The notification's id (set by the queue): delivery is at-least-once (a send in flight when the
   * controller stopped is sent again), so a channel puts it where a receiver can drop a duplicate.
   */
  notification?: number;
}

/** What the words of one notification are made from (controller/alerting/channels/ composes them). */
export interface MessageInput {
  reason: NotificationReason;
  locale: Locale;
  alert?: Alert;
  incident?: Incident;
  runbook?: Runbook;
  /** Who else is told (names), and who acknowledged. */
  people?: string[];
  /** For a digest: the alerts a storm bound held back. */
  heldBack?: Alert[];
  ackUrl?: string;
  consoleUrl?: string;
}

/** The words of a notification, in the person's or the contact point's language (user-facing text lives with it). */
export interface MessageComposer {
  compose(input: MessageInput): AlertMessage;
}

/** A channel's answer: delivered, or why not and whether trying again can help. */
export type DeliveryReceipt =
  { ok: true; ms: number; detail?: string } | { ok: false; ms: number; error: string; retryable: boolean; retryAfterMs?: number };

/** Sends one message to one contact point in its kind's format. Never throws: failures are receipts. */
export interface ContactSender {
  send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt>;
}

/** A notification asked for: the queue stores it first (nothing is lost across a restart), then sends. */
export interface NotificationRequest {
  alert?: number;
  incident?: number;
  person?: string;
  contact: string;
  level?: EscalationLevel;
  reason: NotificationReason;
}

export interface NotificationQueue {
  /** Stored at once; sent as soon as the contact point's storm bound allows, retried with backoff. */
  enqueue(request: NotificationRequest): void;
  /** Drops queued notifications of an alert that ended or was acknowledged (not its `resolved` notice). */
  cancelFor(alert: number, reasons: readonly NotificationReason[]): void;
  /** Starts sending (the leader, after a takeover too); stop waits for sends in flight. */
  start(): void;
  stop(): Promise<void>;
}

/** Signed, single-use, expiring acknowledgement links (HMAC with a key kept in the shared store). */
export interface AckLinks {
  /** The token for a link in a notification to `person` about `alert`. */
  issue(alert: number, person: string | undefined, at: number): string;
  /** Checks and uses it up: the alert and the person it was for, or why it is refused. */
  redeem(token: string, at: number): { ok: true; alert: number; person?: string } | { ok: false; reason: string };
}
