/**
 * One incident opened from the Incidents page: its alerts, who was notified (and what failed), the
 * timeline from the log, the notes with a box to add one, and the post-incident report as a
 * printable page in a new window (a Blob URL of the controller's self-contained HTML, so the window
 * needs no login of its own).
 */
import { useEffect, useState } from 'preact/hooks';
import type { OperationData } from '../protocols/contract.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { alarms } from '../i18n/messages/alarms.ts';
import { common } from '../i18n/messages/common.ts';
import { incidents as words } from '../i18n/messages/incidents.ts';
import { ask, currentUser } from './api.ts';
import { OwnerButtons, ownerText } from './alarm-actions.ts';
import { summaryIn } from '../i18n/messages/alerting-alerts.ts';
import { html } from './html.ts';
import { useFormats, useT, useLocale } from './i18n.ts';

type Shown = OperationData<'incident.show'>;

/** One line for a timeline entry: where it happened and what the log says about it. */
function line(e: ControllerEvent): string {
  const where = e.slot ?? (e.agent ? (e.device ? `${e.agent}/${e.device}` : e.agent) : '');
  const data = e.data as Record<string, unknown>;
  const what = e.reason ?? (typeof data.text === 'string' ? data.text : typeof data.summary === 'string' ? data.summary : '');
  return [where, what].filter(Boolean).join(' — ');
}

/** The report, fetched again when the incident changes, handed to the browser as a Blob URL (revoked when replaced). */
function useReportUrl(id: number, changes: number): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    let made: string | undefined;
    let gone = false;
    ask('incident.report', { id, format: 'html' }).then(
      (r) => {
        if (gone) return;
        made = URL.createObjectURL(new Blob([r.content], { type: 'text/html;charset=utf-8' }));
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [id, changes]);
  return url;
}

/**
 * Opens the report in a new window. The console's Content-Security-Policy (`style-src 'self'`)
 * passes to a Blob URL's document, which then refuses the report's own `<style>`; the same rules
 * given through the CSSOM (which the policy does not govern) print it as the controller wrote it.
 */
function openReport(e: Event, url: string): void {
  const opened = window.open(url, '_blank') as (Window & typeof globalThis) | null;
  if (!opened) return; // a popup blocker: the link's own href and target do it, unstyled
  e.preventDefault();
  opened.addEventListener(
    'load',
    () => {
      const doc = opened.document;
      const sheet = new opened.CSSStyleSheet();
      sheet.replaceSync([...doc.querySelectorAll('style')].map((s) => s.textContent ?? '').join('\n'));
      doc.adoptedStyleSheets = [sheet];
    },
    { once: true },
  );
}

function NoteBox(p: { id: number }) {
  const t = useT(words);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      await ask('incident.note', { id: p.id, text: text.trim() });
      setText('');
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return html`<form class="note-box" onSubmit=${(e: Event) => void submit(e)}>
    <textarea
      aria-label=${t('addNote')}
      placeholder=${t('notePlaceholder')}
      maxlength="4000"
      value=${text}
      onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <button type="submit">${t('addNote')}</button>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </form>`;
}

export function IncidentDetail(p: { id: number; changes: number; onClose(): void }) {
  const locale = useLocale();
  const t = useT(words);
  const ta = useT(alarms);
  const tc = useT(common);
  const f = useFormats();
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [error, setError] = useState('');
  const reportUrl = useReportUrl(p.id, p.changes);
  useEffect(() => {
    ask('incident.show', { id: p.id }).then(
      (s) => (setShown(s), setError('')),
      (err: Error) => setError(err.message),
    );
  }, [p.id, p.changes]);
  if (error) return html`<section class="incident-detail"><p class="error" role="alert">${error}</p></section>`;
  if (!shown) return html`<section class="incident-detail"><p class="muted">${t('loading')}</p></section>`;
  const i = shown.incident;
  return html`<section class="incident-detail" data-incident=${i.id} aria-label=${`#${i.id} ${i.title}`}>
    <h3>#${i.id} ${i.title} <button class="close" onClick=${p.onClose}>${tc('button.close')}</button></h3>
    <p>
      ${
        reportUrl
          ? html`<a class="report-link" href=${reportUrl} target="_blank" onClick=${(e: Event) => openReport(e, reportUrl)}
              >${t('report')}</a
            >`
          : html`<span class="muted">${t('preparingReport')}</span>`
      }
    </p>
    <h4>${t('alerts')}</h4>
    <ul class="incident-alerts">
      ${shown.alerts.map(
        (a) =>
          html`<li class=${`sev-${a.severity}`} data-alert=${a.id}>
            <span class="severity">${tc(`severity.${a.severity}`)}</span> ${summaryIn(locale, a)}${' '}
            <span class="muted">${t(`alertState.${a.state}`)}, ${f.dateTime(a.startsAt)}</span>
            <span class="owner">${ownerText(ta, a, currentUser())}</span>
            ${a.state === 'resolved' ? null : html`<${OwnerButtons} alert=${a} />`}
          </li>`,
      )}
    </ul>
    <h4>${t('notifications')}</h4>
    ${
      shown.notifications.length === 0
        ? html`<p class="empty">${t('noNotifications')}</p>`
        : html`<table class="notification-table">
            <thead>
              <tr>
                <th>${t('contact')}</th>
                <th>${t('person')}</th>
                <th>${t('reason')}</th>
                <th>${t('state')}</th>
                <th>${t('sentAt')}</th>
                <th>${t('error')}</th>
              </tr>
            </thead>
            <tbody>
              ${shown.notifications.map(
                (n) =>
                  html`<tr data-notification=${n.id} class=${`notification-${n.state}`}>
                    <td>${n.contact}</td>
                    <td>${n.person ?? '—'}</td>
                    <td>${t(`reason.${n.reason}`)}</td>
                    <td>${t(`notificationState.${n.state}`)}</td>
                    <td>${n.sentAt === undefined ? '—' : f.dateTime(n.sentAt)}</td>
                    <td class=${n.lastError ? 'error' : ''}>${n.lastError ?? n.droppedBecause ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h4>${t('timeline')}</h4>
    <ol class="incident-timeline">
      ${shown.timeline.map(
        (e) => html`<li data-seq=${e.seq}><span class="muted">${f.dateTime(e.ts)}</span> <code>${e.type}</code> ${line(e)}</li>`,
      )}
    </ol>
    <h4>${t('notes')}</h4>
    ${
      i.notes.length === 0
        ? html`<p class="empty">${t('noNotes')}</p>`
        : html`<ul class="incident-notes">
            ${i.notes.map((n) => html`<li><span class="muted">${f.dateTime(n.at)} ${n.by}</span> ${n.text}</li>`)}
          </ul>`
    }
    <${NoteBox} id=${i.id} />
  </section>`;
}
