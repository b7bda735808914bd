/**
 * OnAir's alerts in Alertmanager's words (pure: the same alert and links give the same body).
 *
 * Labels identify an alert in Alertmanager and its routes, groups, inhibit rules and silences match
 * on them: `alertname` (a stable name per kind), `severity`, what the alert is about (studio, show,
 * slot, agent, device, role, when set) and `onair_alert` (OnAir's id, so one alert never merges with
 * another and a silence can name exactly it). Annotations say the rest and are replaced by the latest
 * post: the summary, a description, the runbook's title, the console's page and an acknowledgement link.
 */
import type { Alert, AlertKind, AlertLabels, Locale } from '../../../protocols/alerting.ts';
import { alertingAlertmanager } from '../../../i18n/messages/alerting-alertmanager.ts';
import { translator } from '../../../i18n/translator.ts';
import { summaryIn } from '../alerts/summaries.ts';
import type { LabelSet, PostableAlert, PostableSilence } from './wire.ts';

/** `alertname` per kind: stable names a site's routes and inhibit rules can rely on. */
export const ALERT_NAMES: Record<AlertKind, string> = {
  'agent-lost': 'OnAirAgentLost',
  'slot-down': 'OnAirSlotDown',
  failover: 'OnAirFailover',
  device: 'OnAirDeviceFault',
  content: 'OnAirContentFault',
  endurance: 'OnAirEndurance',
  preshow: 'OnAirPreshowNoGo',
  controller: 'OnAirControllerTrouble',
};

/** The label carrying OnAir's alert id; an acknowledgement's silence matches on it alone. */
export const ONAIR_ALERT_LABEL = 'onair_alert';

/** The labels of an alert's subject, in this order (Alertmanager label names: [a-zA-Z_][a-zA-Z0-9_]*). */
const SUBJECT_LABELS = ['studio', 'show', 'slot', 'agent', 'device', 'role'] as const satisfies ReadonlyArray<keyof AlertLabels>;

/** What the sink knows besides the alert itself; each annotation is left out when its link is. */
export interface AlertLinks {
  /** The alert's page in the console (also the generatorURL). */
  consoleUrl?: string;
  /** A signed, single-use acknowledgement link (AckLinks). */
  ackUrl?: string;
  runbookTitle?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The console's page of an alert, under the base a phone opens the console from. */
export function consoleAlertUrl(base: string, alert: number): string {
  return `${base.replace(/\/+$/, '')}/#/alert/${alert}`;
}

/** Where a signed acknowledgement link is redeemed (controller/alerting/delivery: `GET|POST /ack/{token}`). */
export function ackLinkUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/ack/${encodeURIComponent(token)}`;
}

export function alertmanagerLabels(alert: Pick<Alert, 'id' | 'kind' | 'severity' | 'labels'>): LabelSet {
  const labels: LabelSet = { alertname: ALERT_NAMES[alert.kind], severity: alert.severity };
  for (const name of SUBJECT_LABELS) {
    const value = alert.labels[name];
    if (value !== undefined && value !== '') labels[name] = value;
  }
  labels[ONAIR_ALERT_LABEL] = String(alert.id);
  return labels;
}

/** What the alert's detail, count and backup say, one line each; undefined when there is nothing besides the summary. */
function description(alert: Alert, locale: Locale): string | undefined {
  const lines: string[] = [];
  if (alert.detail) lines.push(alert.detail);
  if (alert.count > 1) lines.push(translator(alertingAlertmanager, locale)('alertmanager.count', { count: alert.count }));
  if (alert.noBackupLeft) lines.push(translator(alertingAlertmanager, locale)('alertmanager.no-backup'));
  return lines.length ? lines.join('\n') : undefined;
}

/**
 * The body posted for an alert: firing and acknowledged ones without `endsAt` (Alertmanager keeps
 * them while they are re-sent), a resolved one with its end. An acknowledged alert stays active in
 * Alertmanager: its silence, not its end, keeps it quiet.
 */
export function toPostableAlert(alert: Alert, links: AlertLinks, locale: Locale): PostableAlert {
  // The summary in the sink's language (the studio's default, zh-CN): Alertmanager has no reader of its own.
  const annotations: LabelSet = { summary: summaryIn(locale, alert) };
  const text = description(alert, locale);
  if (text) annotations.description = text;
  if (links.runbookTitle) annotations.runbook = links.runbookTitle;
  if (links.consoleUrl) annotations.console_url = links.consoleUrl;
  if (links.ackUrl && alert.state === 'firing') annotations.ack_url = links.ackUrl;
  annotations.incident = String(alert.incident);
  return {
    labels: alertmanagerLabels(alert),
    annotations,
    startsAt: iso(alert.startsAt),
    ...(alert.state === 'resolved' ? { endsAt: iso(alert.endsAt ?? alert.updatedAt) } : {}),
    ...(links.consoleUrl ? { generatorURL: links.consoleUrl } : {}),
  };
}

/**
 * The same alert under labels it no longer has (its severity changed): Alertmanager takes a new label
 * set for a new alert, so the old one is ended at `at` rather than left to time out.
 */
export function endedAt(body: PostableAlert, at: number): PostableAlert {
  return { ...body, endsAt: iso(at) };
}

/** Two bodies name the same Alertmanager alert when their labels are equal (order does not matter). */
export function labelSetKey(labels: LabelSet): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
}

/**
 * The silence that stands for an acknowledgement: it matches the alert's `onair_alert` label only
 * (so it holds through a change of severity), from `at` to `until` (renewed while the alert is open,
 * expired when it resolves). Alertmanager has no acknowledgement of its own.
 */
export function acknowledgementSilence(
  alert: Pick<Alert, 'id' | 'ackedBy' | 'ackComment'>,
  at: number,
  until: number,
  locale: Locale,
  id?: string,
): PostableSilence {
  const person = alert.ackedBy ?? 'OnAir';
  return {
    ...(id ? { id } : {}),
    matchers: [{ name: ONAIR_ALERT_LABEL, value: String(alert.id), isRegex: false, isEqual: true }],
    startsAt: iso(at),
    endsAt: iso(until),
    createdBy: person,
    comment: alert.ackComment || translator(alertingAlertmanager, locale)('alertmanager.silence-comment', { person }),
  };
}
