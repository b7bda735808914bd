/**
 * The reliability report of `onair report` for a period: the technical failure rate against the
 * target per show and per week (bar charts with the target line), availability per device, and
 * both as CSV downloads.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ReliabilityReport } from '../protocols/plan-schemas.ts';
import { ask } from './api.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { reports as reportsTable } from '../i18n/messages/reports.ts';
import { shell } from '../i18n/messages/shell.ts';
import { toCsv, weeklyRates, type Bar } from './report-figures.ts';

/** Bars of failure rate with the target as a line; the numbers are written beside them too. */
function RateChart(p: { title: string; bars: Bar[]; target: number }) {
  const t = useT(reportsTable);
  const f = useFormats();
  const top = Math.max(p.target * 2, ...p.bars.map((b) => b.rate ?? 0));
  const rowH = 22;
  const width = 680;
  const labelW = 200;
  const scale = (x: number) => labelW + (x / top) * (width - labelW - 150);
  return html`<figure class="rate-chart">
    <figcaption>${p.title}</figcaption>
    <svg width=${width} height=${p.bars.length * rowH + 24} role="img" aria-label=${p.title}>
      ${p.bars.map(
        (b, i) =>
          html`<g>
            <text x="0" y=${i * rowH + 15}>${b.label.slice(0, 28)}</text>
            <rect
              x=${labelW}
              y=${i * rowH + 4}
              width=${Math.max(1, scale(b.rate ?? 0) - labelW)}
              height="14"
              class=${b.rate !== null && b.rate > p.target ? 'over' : 'under'}
            />
            <text x=${scale(b.rate ?? 0) + 4} y=${i * rowH + 15}
              >${b.rate !== null && b.rate > p.target ? t('overTarget', { rate: f.percent(b.rate) }) : f.percent(b.rate)}</text
            >
          </g>`,
      )}
      <line x1=${scale(p.target)} x2=${scale(p.target)} y1="0" y2=${p.bars.length * rowH + 4} class="target" />
      <text x=${scale(p.target) + 2} y=${p.bars.length * rowH + 18} class="target-label">
        ${t('target', { target: f.percent(p.target, 1) })}
      </text>
    </svg>
  </figure>`;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function Reports() {
  const t = useT(reportsTable);
  const ts = useT(shell);
  const f = useFormats();
  const [days, setDays] = useState(7);
  const [report, setReport] = useState<ReliabilityReport | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    const until = Date.now();
    ask('report', { since: until - days * 86_400_000, until }).then(setReport, (err: Error) => setError(err.message));
  }, [days]);
  const r = report;
  return html`<div class="reports">
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label
        >${t('period')}
        <select name="days" value=${days} onChange=${(e: Event) => setDays(Number((e.target as HTMLSelectElement).value))}>
          ${[1, 7, 30, 90].map((d) => html`<option value=${d}>${t('lastDays', { n: d })}</option>`)}
        </select></label
      >
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      r
        ? html`<section>
            <h2>${f.dateTime(r.since)} – ${f.dateTime(r.until)}</h2>
            <p class=${`verdict ${r.targetMet === false ? 'over' : ''}`}>
              ${t('verdict', {
                rate: f.percent(r.technicalFailureRate),
                target: f.percent(r.target, 1),
                verdict: t(r.targetMet === null ? 'noOnAir' : r.targetMet ? 'targetMet' : 'targetMissed'),
                onAir: f.duration(r.onAirMs),
                impaired: f.duration(r.downOnAirMs),
                preshow: f.percent(r.tests.preshow.passRate, 1),
                maintenance: f.percent(r.tests.maintenance.passRate, 1),
              })}
            </p>
            <${RateChart}
              title=${t('perShow')}
              bars=${r.shows.map((s) => ({ label: `${s.title || s.show} ${f.dateTime(s.startedAt)}`, rate: s.onAirMs > 0 ? s.downMs / s.onAirMs : null }))}
              target=${r.target}
            />
            <${RateChart} title=${t('perWeek')} bars=${weeklyRates(r)} target=${r.target} />
            <p>
              <button
                class="csv-shows"
                onClick=${() =>
                  download(
                    'onair-shows.csv',
                    toCsv(
                      [
                        'show',
                        'title',
                        'studio',
                        'started',
                        'ended',
                        'on_air_ms',
                        'down_ms',
                        'failure_rate',
                        'failovers',
                        'black_ms',
                        'frozen_ms',
                        'silent_ms',
                        'stalled_ms',
                      ],
                      r.shows.map((s) => [
                        s.show,
                        s.title,
                        s.studio,
                        new Date(s.startedAt).toISOString(),
                        new Date(s.endedAt).toISOString(),
                        s.onAirMs,
                        s.downMs,
                        s.onAirMs > 0 ? s.downMs / s.onAirMs : null,
                        s.failovers.length,
                        s.content.blackMs,
                        s.content.frozenMs,
                        s.content.silentMs,
                        s.content.stalledMs,
                      ]),
                    ),
                  )}
              >
                ${t('showsCsv')}
              </button>
              <button
                class="csv-devices"
                onClick=${() =>
                  download(
                    'onair-devices.csv',
                    toCsv(
                      ['agent', 'device', 'observed_ms', 'down_ms', 'availability', 'failures', 'mtbf_ms', 'mttr_ms'],
                      r.devices.map((d) => [d.agent, d.device, d.observedMs, d.downMs, d.availability, d.failures, d.mtbfMs, d.mttrMs]),
                    ),
                  )}
              >
                ${t('devicesCsv')}
              </button>
            </p>
            <h3>${t('viewersTitle')}</h3>
            <p>${t('viewersNote')}</p>
            <table class="show-content">
              <thead>
                <tr>
                  <th>${t('column.show')}</th>
                  <th>${t('column.downInAll')}</th>
                  <th>${t('column.black')}</th>
                  <th>${t('column.frozen')}</th>
                  <th>${t('column.silent')}</th>
                  <th>${t('column.stalled')}</th>
                </tr>
              </thead>
              <tbody>
                ${r.shows.map(
                  (s) =>
                    html`<tr>
                      <td>${s.title || s.show} ${f.dateTime(s.startedAt)}</td>
                      <td>${f.duration(s.downMs)}</td>
                      <td>${f.duration(s.content.blackMs)}</td>
                      <td>${f.duration(s.content.frozenMs)}</td>
                      <td>${f.duration(s.content.silentMs)}</td>
                      <td>${f.duration(s.content.stalledMs)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <h3>${t('devicesTitle')}</h3>
            <table>
              <thead>
                <tr>
                  <th>${t('column.device')}</th>
                  <th>${t('column.availability')}</th>
                  <th>${t('column.down')}</th>
                  <th>${t('column.failures')}</th>
                  <th>${t('column.mtbf')}</th>
                  <th>${t('column.mttr')}</th>
                </tr>
              </thead>
              <tbody>
                ${r.devices.map(
                  (d) =>
                    html`<tr>
                      <td>${d.agent}/${d.device}</td>
                      <td>${f.percent(d.availability, 3)}</td>
                      <td>${f.duration(d.downMs)}</td>
                      <td>${d.failures}</td>
                      <td>${d.mtbfMs === null ? '—' : f.duration(d.mtbfMs)}</td>
                      <td>${d.mttrMs === null ? '—' : f.duration(d.mttrMs)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </section>`
        : error
          ? null
          : html`<p>${ts('loading')}</p>`
    }
  </div>`;
}
