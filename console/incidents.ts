/**
 * Incidents: the open alerts first (each with its runbook inline and an Acknowledge button), then
 * the incidents, newest first; one opens to its alerts, notifications, timeline, notes and the
 * printable post-incident report. Read again whenever the log says an alert, incident or
 * notification changed (`alert.*`, `incident.*`, `notification.*`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Alert, Incident } from '../protocols/alerting.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask } from './api.ts';
import { IncidentDetail } from './incident-detail.ts';
import { dateTime, duration, html } from './html.ts';

/** Every word the page shows, in one place: issue 24's message catalogue takes them over. */
export const WORDS = {
  openAlerts: 'Open alerts',
  noOpenAlerts: 'No open alerts.',
  incidents: 'Incidents',
  noIncidents: 'No incidents yet.',
  severity: { critical: 'CRITICAL', warning: 'WARNING', minor: 'MINOR' },
  alertState: { firing: 'firing', acknowledged: 'acknowledged', resolved: 'resolved' },
  incidentState: { open: 'open', resolved: 'resolved' },
  times: (n: number) => (n === 1 ? '' : `×${n}`),
  since: 'since',
  ackedBy: (who: string, at: string) => `acknowledged by ${who} at ${at}`,
  acknowledge: 'Acknowledge',
  ackComment: 'Comment (optional)',
  runbook: 'Runbook',
  noRunbook: 'No runbook for this alert.',
  loading: 'Loading…',
  title: 'Title',
  state: 'State',
  opened: 'Opened',
  timeToAck: 'Time to acknowledge',
  impact: 'Impact on air',
  notAcked: 'not yet',
  alerts: 'Alerts',
  notifications: 'Notifications',
  noNotifications: 'Nobody was notified.',
  contact: 'Contact',
  person: 'Person',
  reason: 'Reason',
  error: 'Error',
  sentAt: 'Sent',
  timeline: 'Timeline',
  notes: 'Notes',
  noNotes: 'No notes.',
  addNote: 'Add note',
  notePlaceholder: 'What was checked, what was done',
  report: 'Post-incident report (opens in a new window)',
  preparingReport: 'Preparing the report…',
  close: 'Close',
} as const;

/** The log's types after which the page reads alerts and incidents again. */
export const isAlerting = (e: ControllerEvent): boolean => /^(alert|incident|notification)\./.test(e.type);

const where = (a: Alert): string =>
  [a.labels.studio, a.labels.slot, a.labels.agent && a.labels.device ? `${a.labels.agent}/${a.labels.device}` : a.labels.agent]
    .filter(Boolean)
    .join(' · ');

/** The runbook as preformatted text: its markdown is shown as written, never parsed into HTML. */
function RunbookText(p: { id: string }) {
  const [text, setText] = useState<{ title: string; markdown: string } | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    ask('runbook.show', { id: p.id }).then(setText, (err: Error) => setError(err.message));
  }, [p.id]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!text) return html`<p class="muted">${WORDS.loading}</p>`;
  return html`<div class="runbook" data-runbook=${p.id}>
    <h4>${text.title}</h4>
    <pre>${text.markdown}</pre>
  </div>`;
}

function AlertRow(p: { alert: Alert }) {
  const a = p.alert;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const acknowledge = async () => {
    setBusy(true);
    try {
      await ask('alert.ack', comment ? { alert: a.id, comment } : { alert: a.id });
      setError('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return html`<li class=${`alert sev-${a.severity} alert-${a.state}`} data-alert=${a.id}>
    <div class="alert-head">
      <span class="severity">${WORDS.severity[a.severity]}</span>
      <strong class="summary">${a.summary}</strong>
      <span class="muted">${a.kind}</span>
      <span class="count">${WORDS.times(a.count)}</span>
    </div>
    <div class="alert-meta">
      <span class="where">${where(a)}</span>
      <span class="state">${WORDS.alertState[a.state]}</span>
      <span class="muted">${WORDS.since} ${dateTime(a.startsAt)}</span>
      ${a.ackedBy && a.ackedAt ? html`<span class="acked">${WORDS.ackedBy(a.ackedBy, dateTime(a.ackedAt))}${a.ackComment ? ` — ${a.ackComment}` : ''}</span>` : null}
    </div>
    ${a.detail ? html`<p class="detail">${a.detail}</p>` : null}
    ${
      a.state === 'firing'
        ? html`<div class="ack">
            <input
              aria-label=${WORDS.ackComment}
              placeholder=${WORDS.ackComment}
              maxlength="500"
              value=${comment}
              onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
            />
            <button class="acknowledge" disabled=${busy} onClick=${() => void acknowledge()}>${WORDS.acknowledge}</button>
          </div>`
        : null
    }
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      a.runbook
        ? html`<details class="runbook-box">
            <summary>${WORDS.runbook}</summary>
            <${RunbookText} id=${a.runbook} />
          </details>`
        : html`<p class="muted">${WORDS.noRunbook}</p>`
    }
  </li>`;
}

function IncidentRow(p: { incident: Incident; open: boolean; onToggle(): void }) {
  const i = p.incident;
  return html`<tr data-incident=${i.id} class=${`incident-${i.state}${p.open ? ' current' : ''}`}>
    <td>
      <button class="incident-open" aria-expanded=${p.open} onClick=${p.onToggle}>#${i.id} ${i.title}</button>
    </td>
    <td>${WORDS.incidentState[i.state]}</td>
    <td>${dateTime(i.openedAt)}</td>
    <td>${i.ackedAt === undefined ? WORDS.notAcked : duration(i.ackedAt - i.openedAt)}</td>
    <td>${duration(i.impactMs)}</td>
  </tr>`;
}

export function Incidents(p: { events: ControllerEvent[] }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [shown, setShown] = useState<number | undefined>(undefined);
  const [error, setError] = useState('');
  const changes = p.events.filter(isAlerting).length;
  useEffect(() => {
    Promise.all([ask('alert.list', { state: 'open' }), ask('incident.list', { limit: 200 })]).then(
      ([open, list]) => {
        setAlerts(open.alerts);
        setIncidents([...list.incidents].sort((a, b) => b.openedAt - a.openedAt));
        setError('');
      },
      (err: Error) => setError(err.message),
    );
  }, [changes]);
  return html`<div class="incidents">
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <h2>${WORDS.openAlerts}</h2>
    ${
      alerts.length === 0
        ? html`<p class="empty">${WORDS.noOpenAlerts}</p>`
        : html`<ul class="alert-list">
            ${alerts.map((a) => html`<${AlertRow} key=${a.id} alert=${a} />`)}
          </ul>`
    }
    <h2>${WORDS.incidents}</h2>
    ${
      incidents.length === 0
        ? html`<p class="empty">${WORDS.noIncidents}</p>`
        : html`<table class="incident-table">
            <thead>
              <tr>
                <th>${WORDS.title}</th>
                <th>${WORDS.state}</th>
                <th>${WORDS.opened}</th>
                <th>${WORDS.timeToAck}</th>
                <th>${WORDS.impact}</th>
              </tr>
            </thead>
            <tbody>
              ${incidents.map(
                (i) =>
                  html`<${IncidentRow}
                    key=${i.id}
                    incident=${i}
                    open=${shown === i.id}
                    onToggle=${() => setShown(shown === i.id ? undefined : i.id)}
                  />`,
              )}
            </tbody>
          </table>`
    }
    ${shown === undefined ? null : html`<${IncidentDetail} id=${shown} changes=${changes} onClose=${() => setShown(undefined)} />`}
  </div>`;
}
