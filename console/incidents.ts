/**
 * Incidents: the open alerts first (each with its runbook inline, an Acknowledge button, its owner
 * and Take/Release), then
 * the incidents, newest first; one opens to its alerts, notifications, timeline, notes and the
 * printable post-incident report. Read again whenever the log says an alert, incident or
 * notification changed (`alert.*`, `incident.*`, `notification.*`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Alert, Incident } from '../protocols/alerting.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { alarms } from '../i18n/messages/alarms.ts';
import { common } from '../i18n/messages/common.ts';
import { incidents as words } from '../i18n/messages/incidents.ts';
import { ask, currentUser } from './api.ts';
import { OwnerButtons, ownerText, useAsk } from './alarm-actions.ts';
import { IncidentDetail } from './incident-detail.ts';
import { summaryIn } from '../i18n/messages/alerting-alerts.ts';
import { html } from './html.ts';
import { useFormats, useT, useLocale } from './i18n.ts';

/** The log's types after which the page reads alerts and incidents again. */
export const isAlerting = (e: ControllerEvent): boolean => /^(alert|incident|notification)\./.test(e.type);

const where = (a: Alert): string =>
  [a.labels.studio, a.labels.slot, a.labels.agent && a.labels.device ? `${a.labels.agent}/${a.labels.device}` : a.labels.agent]
    .filter(Boolean)
    .join(' · ');

/** The runbook as preformatted text: its markdown is shown as written, never parsed into HTML. */
export function RunbookText(p: { id: string }) {
  const t = useT(words);
  const [text, setText] = useState<{ title: string; markdown: string } | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    ask('runbook.show', { id: p.id }).then(setText, (err: Error) => setError(err.message));
  }, [p.id]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!text) return html`<p class="muted">${t('loading')}</p>`;
  return html`<div class="runbook" data-runbook=${p.id}>
    <h4>${text.title}</h4>
    <pre>${text.markdown}</pre>
  </div>`;
}

function AlertRow(p: { alert: Alert }) {
  const locale = useLocale();
  const t = useT(words);
  const ta = useT(alarms);
  const tc = useT(common);
  const f = useFormats();
  const a = p.alert;
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAsk();
  return html`<li class=${`alert sev-${a.severity} alert-${a.state}`} data-alert=${a.id}>
    <div class="alert-head">
      <span class="severity">${tc(`severity.${a.severity}`)}</span>
      <strong class="summary">${summaryIn(locale, a)}</strong>
      <span class="muted">${t(`kind.${a.kind}`)}</span>
      <span class="count">${a.count > 1 ? t('times', { n: a.count }) : ''}</span>
    </div>
    <div class="alert-meta">
      <span class="where">${where(a)}</span>
      <span class="state">${t(`alertState.${a.state}`)}</span>
      <span class="muted">${t('since', { time: f.dateTime(a.startsAt) })}</span>
      ${
        a.ackedBy && a.ackedAt
          ? html`<span class="acked"
              >${t('ackedBy', { who: a.ackedBy, at: f.dateTime(a.ackedAt) })}${a.ackComment ? ` — ${a.ackComment}` : ''}</span
            >`
          : null
      }
      <span class="owner">${ownerText(ta, a, currentUser())}${a.owner?.comment ? ` — ${a.owner.comment}` : ''}</span>
      <${OwnerButtons} alert=${a} />
    </div>
    ${a.detail ? html`<p class="detail">${a.detail}</p>` : null}
    ${
      a.state === 'firing'
        ? html`<div class="ack">
            <input
              aria-label=${t('ackComment')}
              placeholder=${t('ackComment')}
              maxlength="500"
              value=${comment}
              onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
            />
            <button
              class="acknowledge"
              disabled=${busy}
              onClick=${() => void run('alert.ack', comment ? { alert: a.id, comment } : { alert: a.id })}
            >
              ${ta('button.ack')}
            </button>
          </div>`
        : null
    }
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      a.runbook
        ? html`<details class="runbook-box">
            <summary>${ta('button.runbook')}</summary>
            <${RunbookText} id=${a.runbook} />
          </details>`
        : html`<p class="muted">${ta('runbook.none')}</p>`
    }
  </li>`;
}

function IncidentRow(p: { incident: Incident; open: boolean; onToggle(): void }) {
  const t = useT(words);
  const f = useFormats();
  const i = p.incident;
  return html`<tr data-incident=${i.id} class=${`incident-${i.state}${p.open ? ' current' : ''}`}>
    <td>
      <button class="incident-open" aria-expanded=${p.open} onClick=${p.onToggle}>#${i.id} ${i.title}</button>
    </td>
    <td>${t(`incidentState.${i.state}`)}</td>
    <td>${f.dateTime(i.openedAt)}</td>
    <td>${i.ackedAt === undefined ? t('notAcked') : f.duration(i.ackedAt - i.openedAt)}</td>
    <td>${f.duration(i.impactMs)}</td>
  </tr>`;
}

export function Incidents(p: { events: ControllerEvent[] }) {
  const t = useT(words);
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
    <h2>${t('openAlerts')}</h2>
    ${
      alerts.length === 0
        ? html`<p class="empty">${t('noOpenAlerts')}</p>`
        : html`<ul class="alert-list">
            ${alerts.map((a) => html`<${AlertRow} key=${a.id} alert=${a} />`)}
          </ul>`
    }
    <h2>${t('incidents')}</h2>
    ${
      incidents.length === 0
        ? html`<p class="empty">${t('noIncidents')}</p>`
        : html`<table class="incident-table">
            <thead>
              <tr>
                <th>${t('title')}</th>
                <th>${t('state')}</th>
                <th>${t('opened')}</th>
                <th>${t('timeToAck')}</th>
                <th>${t('impact')}</th>
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
