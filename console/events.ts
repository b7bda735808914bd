/**
 * The event log, live: filters by studio, slot, device, type and severity; alarms stand out until a
 * technician acknowledges them (the acknowledgement is itself an audited event). Events that share
 * a cause (an agent lost, a failover's chain) fold under one parent row (console/event-groups.ts);
 * each row says what happened in words (console/event-text.ts). Below 900 px the rows are cards.
 */
import { useState } from 'preact/hooks';
import { SEVERITIES, eventSeverity, isAcknowledgeable, type Severity } from '../protocols/event-severity.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { common } from '../i18n/messages/common.ts';
import { events as eventsTable } from '../i18n/messages/events.ts';
import { ask, may } from './api.ts';
import { describeEvent, eventName, whereOf, type EventWords } from './event-text.ts';
import { eventsOfGroup, groupEvents, type EventGroup } from './event-groups.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';

const ALL = '';
const SHOWN = 500;

/** Which alarms have been acknowledged, and by whom. */
export function acknowledgements(events: ControllerEvent[]): Map<number, string | undefined> {
  const acked = new Map<number, string | undefined>();
  for (const e of events) if (e.type === 'alarm.acked') acked.set(e.data.seq, e.by);
  return acked;
}

/** The worst severity of a group: its parent row shows what the whole cause did. */
export const worstSeverity = (g: EventGroup): Severity =>
  eventsOfGroup(g)
    .map(eventSeverity)
    .reduce((a, b) => (SEVERITIES.indexOf(b) < SEVERITIES.indexOf(a) ? b : a));

const studioOf = (slot: string): string | undefined => (slot.includes('/') ? slot.slice(0, slot.indexOf('/')) : undefined);

function AckButton(p: { e: ControllerEvent }) {
  const t = useT(eventsTable);
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
  return html`<button class="ack" disabled=${busy} onClick=${ack}>${t('acknowledge')}</button
    >${error ? html`<span class="error">${error}</span>` : null}`;
}

type Filters = { studio: string; slot: string; device: string; type: string; severity: string; alarmsOnly: boolean };

function matches(e: ControllerEvent, f: Filters): boolean {
  if (f.studio !== ALL && (e.slot === undefined || studioOf(e.slot) !== f.studio)) return false;
  if (f.slot !== ALL && e.slot !== f.slot) return false;
  if (f.device !== ALL && `${e.agent}/${e.device}` !== f.device) return false;
  if (f.type !== ALL && e.type !== f.type) return false;
  if (f.severity !== ALL && eventSeverity(e) !== f.severity) return false;
  return !f.alarmsOnly || isAcknowledgeable(e);
}

function Row(p: {
  e: ControllerEvent;
  severity: Severity;
  words: EventWords;
  acked: Map<number, string | undefined>;
  child?: boolean;
  hidden?: boolean;
  group?: { count: number; expanded: boolean; toggle(): void };
}) {
  const { e, words } = p;
  const t = words.t;
  const f = useFormats();
  const alarm = isAcknowledgeable(e);
  const ackedBy = p.acked.has(e.seq) ? (p.acked.get(e.seq) ?? t('someone')) : undefined;
  const severityWord = p.severity === 'cleared' ? t('severity.cleared') : words.common(`severity.${p.severity}`);
  const handling = alarm
    ? ackedBy !== undefined
      ? html`<span class="acked">${t('ackedBy', { who: ackedBy })}</span>`
      : may('alarm.ack')
        ? html`<${AckButton} e=${e} />`
        : html`<span>${t('open')}</span>`
    : null;
  return html`<tr
    class=${`sev-${p.severity}${alarm && ackedBy === undefined ? ' alarm-open' : ''}${p.child ? ' child' : ''}${p.group ? ' parent' : ''}`}
    data-type=${e.type}
    data-seq=${e.seq}
    data-slot=${e.slot ?? ''}
    data-severity=${p.severity}
    hidden=${p.hidden ?? false}
  >
    <td class="seq">${e.seq}</td>
    <td class="time">${f.time(e.ts)}</td>
    <td class="severity">${severityWord}</td>
    <td class="name">
      ${
        p.group
          ? html`<button type="button" class="fold" aria-expanded=${p.group.expanded ? 'true' : 'false'} onClick=${p.group.toggle}>
              ${eventName(e.type, words)} <span class="count">— ${t('related', { n: p.group.count })}</span>
            </button>`
          : eventName(e.type, words)
      }
    </td>
    <td class="where">${whereOf(e)}</td>
    <td class="by">${e.by ?? ''}</td>
    <td class="what">${describeEvent(e, words)}</td>
    <td class="handling">${handling}</td>
  </tr>`;
}

export function Events(p: { events: ControllerEvent[] }) {
  const t = useT(eventsTable);
  const words: EventWords = { t, common: useT(common), f: useFormats() };
  const [f, setF] = useState<Filters>({ studio: ALL, slot: ALL, device: ALL, type: ALL, severity: ALL, alarmsOnly: false });
  /** Groups the engineer opened or closed, against their default (closed, or open while an alarm waits). */
  const [toggled, setToggled] = useState<ReadonlySet<number>>(new Set());
  const set = (key: keyof Filters) => (e: Event) => {
    const input = e.target as HTMLInputElement;
    setF({ ...f, [key]: input.type === 'checkbox' ? input.checked : input.value });
  };
  const toggle = (seq: number) => () => {
    const next = new Set(toggled);
    if (!next.delete(seq)) next.add(seq);
    setToggled(next);
  };
  const acked = acknowledgements(p.events);
  const options = (values: Iterable<string | undefined>) => [...new Set([...values].filter((v): v is string => !!v))].sort();
  const groups = groupEvents(p.events.filter((e) => matches(e, f)).slice(-SHOWN)).reverse();
  const select = (key: keyof Filters, label: string, values: Array<[string, string]>) =>
    html`<label
      >${label}<select name=${key} value=${f[key] as string} onChange=${set(key)}>
        <option value="">${t('filter.all')}</option>
        ${values.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
      </select></label
    >`;
  const same = (v: string): [string, string] => [v, v];
  const severityWord = (s: Severity) => (s === 'cleared' ? t('severity.cleared') : words.common(`severity.${s}`));
  return html`<div class="events">
    <form class="filters" aria-label=${t('filter.label')} onSubmit=${(e: Event) => e.preventDefault()}>
      ${select('studio', t('filter.studio'), options(p.events.map((e) => (e.slot ? studioOf(e.slot) : undefined))).map(same))}
      ${select('slot', t('filter.slot'), options(p.events.map((e) => e.slot)).map(same))}
      ${select('device', t('filter.device'), options(p.events.map((e) => (e.device ? `${e.agent}/${e.device}` : undefined))).map(same))}
      ${select(
        'type',
        t('filter.type'),
        options(p.events.map((e) => e.type)).map((type) => [type, eventName(type as ControllerEvent['type'], words)]),
      )}
      ${select(
        'severity',
        t('filter.severity'),
        SEVERITIES.map((s) => [s, severityWord(s)]),
      )}
      <label
        ><input type="checkbox" name="alarmsOnly" checked=${f.alarmsOnly} onChange=${set('alarmsOnly')} /> ${t('filter.alarmsOnly')}</label
      >
    </form>
    ${
      groups.length === 0
        ? html`<p class="empty">${t('none')}</p>`
        : html`<table class="event-table">
            <thead>
              <tr>
                <th class="seq">${t('column.seq')}</th>
                <th class="time">${t('column.time')}</th>
                <th class="severity">${t('column.severity')}</th>
                <th class="name">${t('column.event')}</th>
                <th class="where">${t('column.where')}</th>
                <th class="by">${t('column.by')}</th>
                <th class="what">${t('column.what')}</th>
                <th class="handling">${t('column.alarm')}</th>
              </tr>
            </thead>
            <tbody>
              ${groups.flatMap((g) => {
                // An alarm waiting for a person is never folded away: its group opens by itself.
                const waiting = g.children.some((e) => isAcknowledgeable(e) && !acked.has(e.seq));
                const open = waiting !== toggled.has(g.parent.seq);
                const group =
                  g.children.length > 0 ? { count: g.children.length, expanded: open, toggle: toggle(g.parent.seq) } : undefined;
                return [
                  html`<${Row}
                    key=${g.parent.seq}
                    e=${g.parent}
                    severity=${worstSeverity(g)}
                    words=${words}
                    acked=${acked}
                    group=${group}
                  />`,
                  // Folded rows stay in the page, hidden: the fold is one click, and find-in-page still finds them.
                  ...g.children.map(
                    (e) =>
                      html`<${Row}
                        key=${e.seq}
                        e=${e}
                        severity=${eventSeverity(e)}
                        words=${words}
                        acked=${acked}
                        child=${true}
                        hidden=${!open}
                      />`,
                  ),
                ];
              })}
            </tbody>
          </table>`
    }
  </div>`;
}
