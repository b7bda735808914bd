/**
 * One device: its health checks with their detail, its metrics and their trend over the last hour
 * (uPlot), the slots it serves, its recent events, its self-test history and maintenance due; a
 * technician runs a self-test from here.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { DeviceHealthView } from '../protocols/console-operations.ts';
import type { Job } from '../protocols/plan-schemas.ts';
import type { RegisteredDevice } from '../protocols/registry-operations.ts';
import type { StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, may } from './api.ts';
import { STATE_WORDS, clock, dateTime, duration, html } from './html.ts';

interface DeviceData {
  health: DeviceHealthView;
  registered?: RegisteredDevice;
  jobs: Job[];
  events: ControllerEvent[];
  maintenance: string[];
}

async function load(agent: string, device: string): Promise<DeviceData> {
  const name = `${agent}/${device}`;
  const [health, registered, history, events, due] = await Promise.all([
    ask('device.health', { agent, device }),
    ask('device.show', { agent, device }).catch(() => undefined),
    ask('test.history', { device: name, limit: 20 }),
    ask('events', { device, limit: 200 }),
    ask('maintenance.due', {}),
  ]);
  return {
    health,
    ...(registered ? { registered } : {}),
    jobs: history.jobs,
    events: events.events
      .filter((e) => e.agent === agent)
      .reverse()
      .slice(0, 50),
    maintenance: due.items.filter((i) => i.agent === agent && i.device === device).map((i) => i.reason),
  };
}

/** One small chart per numeric metric (their scales differ: a temperature beside a frame count). */
function Trend(p: { trend: DeviceHealthView['trend']; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: uPlot | undefined;
    let gone = false;
    // uPlot is loaded with the first device page, not with the wall.
    void import('uplot').then(({ default: UPlot }) => {
      if (gone || !box.current) return;
      const values = p.trend.series[p.name] ?? [];
      const data: uPlot.AlignedData = [p.trend.t.map((t) => t / 1000), values];
      chart = new UPlot(
        {
          width: 320,
          height: 120,
          legend: { show: false },
          series: [{}, { label: p.name, stroke: '#2a7de1', width: 2 }],
          axes: [{}, { size: 50 }],
        },
        data,
        box.current,
      );
    });
    return () => ((gone = true), chart?.destroy());
  }, [p.trend, p.name]);
  return html`<figure class="trend">
    <figcaption>${p.name}</figcaption>
    <div ref=${box}></div>
  </figure>`;
}

export function Device(p: { agent: string; device: string; status: StatusData }) {
  const [data, setData] = useState<DeviceData | undefined>(undefined);
  const [error, setError] = useState('');
  const [testing, setTesting] = useState('');
  const summary = p.status.devices.find((d) => d.agent === p.agent && d.device === p.device);
  // Reload when the device's state changes (the live feed brings a new picture), not on a timer.
  const refresh = () => load(p.agent, p.device).then(setData, (err: Error) => setError(err.message));
  useEffect(() => void refresh(), [p.agent, p.device, summary?.status, summary?.since]);
  const runTest = async () => {
    setTesting('running…');
    try {
      const report = await ask('test.run', { device: `${p.agent}/${p.device}` });
      const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.name);
      setTesting(
        `self-test ${report.result.toUpperCase()}${failed.length ? `: ${failed.join(', ')}` : ''} (${duration(report.durationMs)})`,
      );
      void refresh();
    } catch (err) {
      setTesting(`self-test refused: ${(err as Error).message}`);
    }
  };
  const slots = p.status.slots.filter((s) => s.members.some((m) => m.agent === p.agent && m.device === p.device));
  const latest = data?.health.latest;
  return html`<div class="device-page" data-device=${`${p.agent}/${p.device}`}>
    <h2>
      ${p.agent}/${p.device}
      <span class=${`badge status-${summary?.status ?? 'unknown'}`}>${STATE_WORDS[summary?.status ?? 'unknown']}</span>
    </h2>
    <p>
      ${summary?.kind ?? ''} ${summary?.driver ? `· driver ${summary.driver}` : ''}
      ${data?.registered ? `· profile ${data.registered.profile} v${data.registered.profileVersion} · ${data.registered.deployment}` : ''}
      ${summary ? `· since ${dateTime(summary.since)}` : ''}
    </p>
    ${summary?.detail ? html`<p class="detail">${summary.detail}</p>` : null}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${may('test.run') ? html`<p><button class="run-test" onClick=${runTest} disabled=${testing === 'running…'}>Run self-test</button> <span class="test-result" role="status">${testing}</span></p>` : null}
    <section>
      <h3>Health checks</h3>
      ${
        latest
          ? html`<table>
                <thead>
                  <tr>
                    <th>Check</th>
                    <th>State</th>
                    <th>Latency</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  ${latest.checks.map(
                    (c) =>
                      html`<tr class=${`status-${c.status}`}>
                        <td>${c.name}</td>
                        <td>${STATE_WORDS[c.status]}</td>
                        <td>${c.latencyMs} ms</td>
                        <td>${c.detail ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p class="muted">reported ${clock(latest.ts)}</p>`
          : html`<p class="muted">no health report since the controller started</p>`
      }
    </section>
    <section>
      <h3>Metrics</h3>
      ${
        latest
          ? html`<dl class="metrics">
              ${Object.entries(latest.metrics).map(
                ([k, v]) =>
                  html`<dt>${k}</dt>
                    <dd>${String(v)}</dd>`,
              )}
            </dl>`
          : null
      }
      <div class="trends">
        ${data ? Object.keys(data.health.trend.series).map((name) => html`<${Trend} key=${name} trend=${data.health.trend} name=${name} />`) : null}
      </div>
    </section>
    <section>
      <h3>Slots</h3>
      <ul>
        ${slots.map((s) => html`<li>${s.slot} — ${STATE_WORDS[s.state]}${s.active && s.active.agent === p.agent && s.active.device === p.device ? ' (live here)' : ''}</li>`)}
      </ul>
      ${slots.length === 0 ? html`<p class="muted">serves no slot</p>` : null}
    </section>
    <section>
      <h3>Maintenance due</h3>
      ${
        data?.maintenance.length
          ? html`<ul>
              ${data.maintenance.map((m) => html`<li>${m}</li>`)}
            </ul>`
          : html`<p class="muted">nothing due</p>`
      }
    </section>
    <section>
      <h3>Self-tests</h3>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Kind</th>
            <th>Result</th>
            <th>Took</th>
            <th>Failed steps</th>
          </tr>
        </thead>
        <tbody>
          ${data?.jobs.map(
            (j) =>
              html`<tr class=${`job-${j.state}`}>
                <td>${dateTime(j.createdAt)}</td>
                <td>${j.kind}</td>
                <td>${j.state.replace('_', ' ')}</td>
                <td>${j.startedAt && j.finishedAt ? duration(j.finishedAt - j.startedAt) : ''}</td>
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
      <h3>Recent events</h3>
      <ul class="device-events">
        ${data?.events.map((e) => html`<li>${clock(e.ts)} ${e.type} ${e.reason ?? ''}</li>`)}
      </ul>
    </section>
  </div>`;
}
