/**
 * The alarm bar (issue 24: "alarms that cannot be missed"): on every page, above it, the open alarms
 * counted by severity and the most pressing few listed with their age and owner, each with
 * Acknowledge, Take/Release and its runbook one click away (a panel under the bar). Unacknowledged
 * ones blink (a steady strong outline instead for those who asked their system for less motion), and
 * an optional sound beeps while a critical one is unacknowledged, as a multiviewer's alarm does.
 *
 * It reads `alert.list` again when the live feed brings an alert event (`alert.*`), never more often
 * than MIN_READ_MS: a storm of events is one read per half second, well inside the login's limit of
 * 10 requests a second that every page of the console shares.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Alert } from '../protocols/alerting.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { alarms } from '../i18n/messages/alarms.ts';
import { common } from '../i18n/messages/common.ts';
import { ask, currentUser, may } from './api.ts';
import { OwnerButtons, ownerText, useAsk } from './alarm-actions.ts';
import { summaryIn } from '../i18n/messages/alerting-alerts.ts';
import { html } from './html.ts';
import { useFormats, useT, useLocale } from './i18n.ts';
import { RunbookText } from './incidents.ts';
import { SEVERITIES, barOrder, countBySeverity, newestAlertEvent } from './alarm-order.ts';

/** How many alarms the bar lists; the rest are counted, and the Incidents page has them all. */
export const SHOWN = 4;
const MIN_READ_MS = 500;
const AGE_TICK_MS = 5_000;
const BEEP_EVERY_MS = 1_500;
const SOUND_KEY = 'onair.alarm-sound';
function useOpenAlerts(newest: number): { alerts: Alert[]; error: string } {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState('');
  const lastRead = useRef(0);
  const asked = useRef(0);
  const shown = useRef(0);
  useEffect(() => {
    const read = () => {
      lastRead.current = Date.now();
      const n = ++asked.current;
      // Answers can cross: only one newer than the one shown replaces it.
      const keep = (apply: () => void) => n > shown.current && ((shown.current = n), apply());
      ask('alert.list', { state: 'open', limit: 200 }).then(
        (r) => keep(() => (setAlerts(r.alerts), setError(''))),
        (err: Error) => keep(() => setError(err.message)),
      );
    };
    const wait = lastRead.current + MIN_READ_MS - Date.now();
    if (wait <= 0) return void read();
    const timer = setTimeout(read, wait);
    return () => clearTimeout(timer);
  }, [newest]);
  return { alerts, error };
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function remembered(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

/**
 * The audible alarm: off unless switched on (remembered in this browser). A browser starts audio
 * only after a user gesture, so the switch's click creates and resumes the AudioContext; a page
 * opened with the sound remembered on has a suspended context until the next click, and says so.
 */
function useAlarmSound(ringing: boolean): { on: boolean; state: string; toggle(): void } {
  const [on, setOn] = useState(remembered);
  const [state, setState] = useState('off');
  const audio = useRef<AudioContext | null>(null);
  const context = (): AudioContext => {
    const made = (audio.current ??= new AudioContext());
    made.onstatechange = () => setState(made.state);
    setState(made.state);
    return made;
  };
  const toggle = () => {
    const next = !on;
    if (next) void context().resume();
    try {
      localStorage.setItem(SOUND_KEY, next ? 'on' : 'off');
    } catch {
      // not remembered: the switch still holds on this page
    }
    if (!next) setState('off');
    setOn(next);
  };
  useEffect(() => {
    if (!on || !ringing) return undefined;
    const ctx = context();
    const beep = () => {
      if (ctx.state !== 'running') return;
      const tone = ctx.createOscillator();
      const gain = ctx.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain).connect(ctx.destination);
      tone.start();
      tone.stop(ctx.currentTime + 0.25);
    };
    beep();
    const timer = setInterval(beep, BEEP_EVERY_MS);
    return () => clearInterval(timer);
  }, [on, ringing]);
  return { on, state: on ? state : 'off', toggle };
}

function AlarmRow(p: { alert: Alert; now: number; onRunbook(a: Alert): void }) {
  const locale = useLocale();
  const t = useT(alarms);
  const tc = useT(common);
  const f = useFormats();
  const a = p.alert;
  const { busy, error, run } = useAsk();
  const unacked = a.state === 'firing';
  return html`<li class=${`alarm sev-${a.severity} ${unacked ? 'unacked' : 'acked'}`} data-alert=${a.id}>
    <span class="severity">${tc(`severity.${a.severity}`)}</span>
    <strong class="summary">${summaryIn(locale, a)}</strong>
    <span class="age">${t('alarm.age', { age: f.duration(Math.max(0, p.now - a.startsAt)) })}</span>
    <span class="ack-state">${unacked ? t('alarm.unacked') : t('alarm.acked', { person: a.ackedBy ?? '?' })}</span>
    <span class="owner">${ownerText(t, a, currentUser())}</span>
    ${unacked && may('alert.ack') ? html`<button class="acknowledge" disabled=${busy} onClick=${() => void run('alert.ack', { alert: a.id })}>${t('button.ack')}</button>` : null}
    <${OwnerButtons} alert=${a} />
    <button class="runbook-open" onClick=${() => p.onRunbook(a)}>${t('button.runbook')}</button>
    ${error ? html`<span class="error" role="alert">${error}</span>` : null}
  </li>`;
}

export function AlarmBar(p: { events: readonly ControllerEvent[] }) {
  const locale = useLocale();
  const t = useT(alarms);
  const tc = useT(common);
  const { alerts, error } = useOpenAlerts(newestAlertEvent(p.events));
  const now = useNow(AGE_TICK_MS);
  const [runbookOf, setRunbookOf] = useState<number | undefined>(undefined);
  const counts = countBySeverity(alerts);
  const sound = useAlarmSound(counts.critical.unacked > 0);
  const ordered = barOrder(alerts);
  const runbookAlert = alerts.find((a) => a.id === runbookOf);
  return html`<section class=${`alarm-bar${alerts.length ? ' alarming' : ''}`} aria-label=${t('bar.label')} data-open=${alerts.length}>
    <div class="alarm-summary">
      <a class="alarm-title" href="#/incidents" title=${t('bar.all')}>${t('bar.label')}</a>
      ${SEVERITIES.map(
        (s) =>
          html`<span class=${`alarm-count sev-${s}${counts[s].unacked ? ' unacked' : ''}`} data-severity=${s} data-count=${counts[s].open}
            >${tc(`severity.${s}`)} <b>${counts[s].open}</b></span
          >`,
      )}
      ${alerts.length === 0 ? html`<span class="muted">${t('bar.none')}</span>` : null}
      <label class="alarm-sound" data-sound=${sound.state} title=${t('sound.hint')}>
        <input type="checkbox" checked=${sound.on} onChange=${sound.toggle} />
        ${t('sound.label')} ${sound.state === 'suspended' ? html`<span class="warn">${t('sound.blocked')}</span>` : null}
      </label>
    </div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      ordered.length
        ? html`<ul class="alarm-list">
            ${ordered
              .slice(0, SHOWN)
              .map((a) => html`<${AlarmRow} key=${a.id} alert=${a} now=${now} onRunbook=${(x: Alert) => setRunbookOf(x.id)} />`)}
            ${ordered.length > SHOWN ? html`<li class="alarm-more"><a href="#/incidents">${t('bar.more', { n: ordered.length - SHOWN })}</a></li>` : null}
          </ul>`
        : null
    }
    ${
      runbookAlert
        ? html`<section class="alarm-runbook" aria-label=${t('runbook.for', { summary: summaryIn(locale, runbookAlert) })}>
            <h3>${t('runbook.for', { summary: summaryIn(locale, runbookAlert) })}</h3>
            ${runbookAlert.runbook ? html`<${RunbookText} id=${runbookAlert.runbook} />` : html`<p class="muted">${t('runbook.none')}</p>`}
            <button class="close" onClick=${() => setRunbookOf(undefined)}>${tc('button.close')}</button>
          </section>`
        : null
    }
  </section>`;
}
