/**
 * The event log, live: filters by studio, slot, device, type and severity; alarms stand out until a
 * technician acknowledges them (the acknowledgement is itself an audited event).
 */
import { useState } from 'preact/hooks';
import { SEVERITIES, eventSeverity, isAcknowledgeable } from '../protocols/event-severity.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, may } from './api.ts';
import { clock, html, studioOf } from './html.ts';

const ALL = '';

function summary(e: ControllerEvent): string {
  const why = e.reason ? `: ${e.reason}` : '';
  switch (e.type) {
    case 'device.state':
      return `${e.data.from} → ${e.data.to}${why}`;
    case 'failover.succeeded':
      return `${e.data.from} → ${e.data.to} in ${e.data.durationMs} ms${why}`;
    case 'alarm.acked':
      return `acknowledged #${e.data.seq}: ${e.data.alarm}${e.reason ? ` — ${e.reason}` : ''}`;
    case 'command.sent':
      return e.data.action;
    case 'command.result':
      return `${e.data.status}${e.data.error ? `: ${e.data.error}` : ''}`;
    case 'slot.state':
      return `${e.data.from} → ${e.data.to}, live ${e.data.active}${why}`;
    case 'onair.changed':
      return `${e.data.onAir ? 'ON AIR' : 'off air'}${why}`;
    case 'identity.changed':
      return `${e.data.kind} ${e.data.name}: ${e.data.change}`;
    default:
      return e.reason ?? '';
  }
}

/** Which alarms have been acknowledged, and by whom. */
export function acknowledgements(events: ControllerEvent[]): Map<number, string> {
  const acked = new Map<number, string>();
  for (const e of events) if (e.type === 'alarm.acked') acked.set(e.data.seq, e.by ?? 'someone');
  return acked;
}

function AckButton(p: { e: ControllerEvent }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ack = async () => {
    setBusy(true);
    try {
      await ask('alarm.ack', { seq: p.e.seq });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return html`<button class="ack" disabled=${busy} onClick=${ack}>Acknowledge</button
    >${error ? html`<span class="error">${error}</span>` : null}`;
}

export function Events(p: { events: ControllerEvent[] }) {
  const [f, setF] = useState({ studio: ALL, slot: ALL, device: ALL, type: ALL, severity: ALL, alarmsOnly: false });
  const set = (key: keyof typeof f) => (e: Event) =>
    setF({
      ...f,
      [key]:
        (e.target as HTMLInputElement).type === 'checkbox' ? (e.target as HTMLInputElement).checked : (e.target as HTMLSelectElement).value,
    });
  const acked = acknowledgements(p.events);
  const options = (values: Iterable<string | undefined>) => [...new Set([...values].filter((v): v is string => !!v))].sort();
  const shown = p.events
    .filter((e) => (f.studio === ALL || (e.slot !== undefined && studioOf(e.slot) === f.studio)) && (f.slot === ALL || e.slot === f.slot))
    .filter((e) => (f.device === ALL || `${e.agent}/${e.device}` === f.device) && (f.type === ALL || e.type === f.type))
    .filter((e) => (f.severity === ALL || eventSeverity(e) === f.severity) && (!f.alarmsOnly || isAcknowledgeable(e)))
    .slice(-500)
    .reverse();
  const select = (key: keyof typeof f, label: string, values: string[]) =>
    html`<label
      >${label}<select name=${key} value=${f[key] as string} onChange=${set(key)}>
        <option value="">all</option>
        ${values.map((v) => html`<option value=${v}>${v}</option>`)}
      </select></label
    >`;
  return html`<div class="events">
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${select('studio', 'Studio', options(p.events.map((e) => (e.slot ? studioOf(e.slot) : undefined))))}
      ${select('slot', 'Slot', options(p.events.map((e) => e.slot)))}
      ${select('device', 'Device', options(p.events.map((e) => (e.device ? `${e.agent}/${e.device}` : undefined))))}
      ${select('type', 'Type', options(p.events.map((e) => e.type)))} ${select('severity', 'Severity', [...SEVERITIES])}
      <label><input type="checkbox" name="alarmsOnly" checked=${f.alarmsOnly} onChange=${set('alarmsOnly')} /> alarms only</label>
    </form>
    <table class="event-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Time</th>
          <th>Severity</th>
          <th>Type</th>
          <th>Where</th>
          <th>By</th>
          <th>What</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${shown.map((e) => {
          const severity = eventSeverity(e);
          const alarm = isAcknowledgeable(e);
          const ackedBy = acked.get(e.seq);
          return html`<tr
            key=${e.seq}
            class=${`sev-${severity} ${alarm && !ackedBy ? 'alarm-open' : ''}`}
            data-type=${e.type}
            data-seq=${e.seq}
            data-slot=${e.slot ?? ''}
          >
            <td>${e.seq}</td>
            <td>${clock(e.ts)}</td>
            <td class="severity">${severity.toUpperCase()}</td>
            <td>${e.type}</td>
            <td class="where">${e.slot ?? (e.device ? `${e.agent}/${e.device}` : (e.agent ?? ''))}</td>
            <td class="by">${e.by ?? ''}</td>
            <td>${summary(e)}</td>
            <td>
              ${alarm ? (ackedBy ? html`<span class="acked">acknowledged by ${ackedBy}</span>` : may('alarm.ack') ? html`<${AckButton} e=${e} />` : html`<span>open</span>`) : null}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}
