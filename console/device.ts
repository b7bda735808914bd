/**
 * One device: its health checks with their detail, its metrics and their trend over 1 h to 7 d
 * (from the store: console/device-trend.ts), a banner when it is flapping, the slots it serves, its
 * recent events, its self-test history and maintenance due; a technician runs a self-test from here.
 * Every word through the catalogue (i18n/messages/device.ts), every time through useFormats().
 */
import { useEffect, useState } from 'preact/hooks';
import type { DeviceHealthView, DeviceHistoryView } from '../protocols/console-operations.ts';
import type { Job } from '../protocols/plan-schemas.ts';
import type { RegisteredDevice } from '../protocols/registry-operations.ts';
import type { StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, may } from './api.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { common } from '../i18n/messages/common.ts';
import { device } from '../i18n/messages/device.ts';
import { Trend } from './device-trend.ts';

/** What changes with the device's state: read again at each change the live feed brings. */
interface LiveData {
  health: DeviceHealthView;
  events: ControllerEvent[];
}

/** What changes rarely: read with the page and after a self-test. */
interface RecordsData {
  registered?: RegisteredDevice;
  jobs: Job[];
  maintenance: string[];
}

const HOUR = 3_600_000;
/** The ranges offered (protocols/console-operations.ts HISTORY_RANGES_MS: the page imports types only), with their words; the first is shown first. */
const RANGES = [
  [HOUR, 'trend.range.1h'],
  [6 * HOUR, 'trend.range.6h'],
  [24 * HOUR, 'trend.range.24h'],
  [7 * 24 * HOUR, 'trend.range.7d'],
] as const;

async function loadLive(agent: string, device: string): Promise<LiveData> {
  const [health, events] = await Promise.all([ask('device.health', { agent, device }), ask('events', { device, limit: 200 })]);
  return {
    health,
    events: events.events
      .filter((e) => e.agent === agent)
      .reverse()
      .slice(0, 50),
  };
}

async function loadRecords(agent: string, device: string): Promise<RecordsData> {
  const [registered, history, due] = await Promise.all([
    ask('device.show', { agent, device }).catch(() => undefined),
    ask('test.history', { device: `${agent}/${device}`, limit: 20 }),
    ask('maintenance.due', {}),
  ]);
  return {
    ...(registered ? { registered } : {}),
    jobs: history.jobs,
    maintenance: due.items.filter((i) => i.agent === agent && i.device === device).map((i) => i.reason),
  };
}

/** "Flapping: 11 failures in the last 3 min": from the controller's verdict (protocols/flapping.ts). */
function FlappingBanner(p: { view: DeviceHistoryView | undefined }) {
  const t = useT(device);
  const flap = p.view?.flapping;
  if (!flap) return null;
  const minutes = Math.max(1, Math.ceil((p.view!.until - flap.firstAt) / 60_000));
  return html`<p class="flapping" role="alert">${t('flapping', { n: flap.failures, minutes })}</p>`;
}

function Trends(p: { agent: string; device: string; rangeMs: number; onRange: (ms: number) => void; view: DeviceHistoryView | undefined }) {
  const t = useT(device);
  const names = p.view ? Object.keys(p.view.trend.series) : [];
  return html`<div class="trend-range" role="group" aria-label=${t('trend.range')}>
      ${RANGES.map(
        ([ms, key]) =>
          html`<button
            class=${ms === p.rangeMs ? 'range current' : 'range'}
            aria-pressed=${ms === p.rangeMs}
            onClick=${() => p.onRange(ms)}
          >
            ${t(key)}
          </button>`,
      )}
    </div>
    <div class="trends">
      ${p.view ? names.map((name) => html`<${Trend} key=${name} view=${p.view} name=${name} />`) : html`<p class="muted">${t('trend.loading')}</p>`}
      ${p.view && names.length === 0 ? html`<p class="muted">${t('trend.none')}</p>` : null}
    </div>`;
}

export function Device(p: { agent: string; device: string; status: StatusData }) {
  const t = useT(device);
  const tc = useT(common);
  const f = useFormats();
  const [live, setLive] = useState<LiveData | undefined>(undefined);
  const [records, setRecords] = useState<RecordsData | undefined>(undefined);
  const [view, setView] = useState<DeviceHistoryView | undefined>(undefined);
  const [rangeMs, setRangeMs] = useState<number>(RANGES[0][0]);
  const [error, setError] = useState('');
  const [testing, setTesting] = useState('');
  const summary = p.status.devices.find((d) => d.agent === p.agent && d.device === p.device);
  // Reload when the device's state changes (the live feed brings a new picture), not on a timer.
  // Three requests per change (a flapping device changes often; the page has 10 a second per login).
  const onError = (err: Error) => setError(err.message);
  const refresh = () => loadLive(p.agent, p.device).then((d) => (setLive(d), setError('')), onError);
  const refreshRecords = () => loadRecords(p.agent, p.device).then(setRecords, onError);
  const refreshTrend = () => ask('device.history', { agent: p.agent, device: p.device, rangeMs }).then(setView, onError);
  useEffect(() => void refresh(), [p.agent, p.device, summary?.status, summary?.since]);
  useEffect(() => void refreshRecords(), [p.agent, p.device]);
  useEffect(() => void refreshTrend(), [p.agent, p.device, rangeMs, summary?.status, summary?.since]);
  const state = (s: string) => tc(`state.${s}` as Parameters<typeof tc>[0]);
  const runTest = async () => {
    setTesting(t('test.running'));
    try {
      const report = await ask('test.run', { device: `${p.agent}/${p.device}` });
      const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.name);
      const values = { result: t(`job.state.${report.result}`), took: f.duration(report.durationMs), steps: failed.join(', ') };
      setTesting(failed.length ? t('test.resultFailed', values) : t('test.result', values));
      void refresh();
      void refreshRecords();
    } catch (err) {
      setTesting(t('test.refused', { reason: (err as Error).message }));
    }
  };
  const slots = p.status.slots.filter((s) => s.members.some((m) => m.agent === p.agent && m.device === p.device));
  const latest = live?.health.latest;
  const registered = records?.registered;
  return html`<div class="device-page" data-device=${`${p.agent}/${p.device}`}>
    <h2>
      ${p.agent}/${p.device}
      <span class=${`badge status-${summary?.status ?? 'unknown'}`}>${state(summary?.status ?? 'unknown')}</span>
    </h2>
    <p>
      ${summary?.kind ? t('info.kind', { kind: summary.kind.replace(/-/g, '_'), name: summary.kind }) : ''}
      ${summary?.driver ? `· ${t('info.driver', { driver: summary.driver })}` : ''}
      ${registered ? `· ${t('info.profile', { profile: registered.profile, version: registered.profileVersion, deployment: registered.deployment })}` : ''}
      ${summary ? `· ${t('info.since', { time: f.dateTime(summary.since) })}` : ''}
    </p>
    <${FlappingBanner} view=${view} />
    ${summary?.detail ? html`<p class="detail">${summary.detail}</p>` : null}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${may('test.run') ? html`<p><button class="run-test" onClick=${runTest} disabled=${testing === t('test.running')}>${t('test.run')}</button> <span class="test-result" role="status">${testing}</span></p>` : null}
    <section>
      <h3>${t('checks.title')}</h3>
      ${
        latest
          ? html`<table>
                <thead>
                  <tr>
                    <th>${t('checks.check')}</th>
                    <th>${t('checks.state')}</th>
                    <th>${t('checks.latency')}</th>
                    <th>${t('checks.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${latest.checks.map(
                    (c) =>
                      html`<tr class=${`status-${c.status}`}>
                        <td>${c.name}</td>
                        <td>${state(c.status)}</td>
                        <td>${f.duration(c.latencyMs)}</td>
                        <td>${c.detail ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p class="muted">${t('checks.reported', { time: f.time(latest.ts) })}</p>`
          : html`<p class="muted">${t('checks.none')}</p>`
      }
    </section>
    <section>
      <h3>${t('metrics.title')}</h3>
      ${
        latest
          ? html`<dl class="metrics">
              ${Object.entries(latest.metrics).map(
                ([k, v]) =>
                  html`<dt>${k}</dt>
                    <dd>${typeof v === 'number' ? f.number(v) : String(v)}</dd>`,
              )}
            </dl>`
          : null
      }
      <${Trends} agent=${p.agent} device=${p.device} rangeMs=${rangeMs} onRange=${setRangeMs} view=${view} />
    </section>
    <section>
      <h3>${t('slots.title')}</h3>
      <ul>
        ${slots.map((s) => html`<li>${s.slot} — ${state(s.state)}${s.active && s.active.agent === p.agent && s.active.device === p.device ? t('slots.liveHere') : ''}</li>`)}
      </ul>
      ${slots.length === 0 ? html`<p class="muted">${t('slots.none')}</p>` : null}
    </section>
    <section>
      <h3>${t('maintenance.title')}</h3>
      ${
        records?.maintenance.length
          ? html`<ul>
              ${records.maintenance.map((m) => html`<li>${m}</li>`)}
            </ul>`
          : html`<p class="muted">${t('maintenance.none')}</p>`
      }
    </section>
    <section>
      <h3>${t('tests.title')}</h3>
      <table>
        <thead>
          <tr>
            <th>${t('tests.when')}</th>
            <th>${t('tests.kind')}</th>
            <th>${t('tests.result')}</th>
            <th>${t('tests.took')}</th>
            <th>${t('tests.failedSteps')}</th>
          </tr>
        </thead>
        <tbody>
          ${records?.jobs.map(
            (j) =>
              html`<tr class=${`job-${j.state}`}>
                <td>${f.dateTime(j.createdAt)}</td>
                <td>${t(`job.kind.${j.kind}`)}</td>
                <td>${t(`job.state.${j.state}`)}</td>
                <td>${j.startedAt && j.finishedAt ? f.duration(j.finishedAt - j.startedAt) : ''}</td>
                <td>
                  ${
                    j.report?.steps
                      .filter((s) => s.status === 'failed')
                      .map((s) => `${s.name}: ${s.detail ?? ''}`)
                      .join('; ') ??
                    j.reason ??
                    ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h3>${t('events.title')}</h3>
      <ul class="device-events">
        ${live?.events.map((e) => html`<li>${f.time(e.ts)} ${e.type} ${e.reason ?? ''}</li>`)}
      </ul>
    </section>
  </div>`;
}
