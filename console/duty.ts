/**
 * Duty: who is reached now in each studio (told first, the emergency lead, the manager, the next
 * hand-over) and the rota for the next 7 days. Read again when the log says the rota or the people
 * changed (`duty.changed`, `people.changed`), a hand-over included.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DutyShift, Person } from '../protocols/alerting.ts';
import type { OperationData } from '../protocols/contract.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask } from './api.ts';
import { dateTime, html } from './html.ts';

const WEEK_MS = 7 * 86_400_000;
type StudioDuty = OperationData<'duty.now'>['studios'][number];

function DutyNow(p: { duty: StudioDuty; name(id: string | undefined): string }) {
  const d = p.duty;
  return html`<tr data-studio=${d.studio}>
    <th scope="row">${d.studio}</th>
    <td class="first">
      ${p.name(d.first)}${d.onCall ? html` <span class="muted">on call until ${dateTime(d.onCall.until)}</span>` : html` <span class="muted">responsible engineer</span>`}
    </td>
    <td>${p.name(d.emergencyLead)}</td>
    <td>${p.name(d.manager)}</td>
    <td>${d.next ? `${dateTime(d.next.from)} → ${p.name(d.next.person)}` : '—'}</td>
  </tr>`;
}

export function Duty(p: { events: ControllerEvent[] }) {
  const [now, setNow] = useState<StudioDuty[]>([]);
  const [shifts, setShifts] = useState<DutyShift[]>([]);
  const [people, setPeople] = useState(new Map<string, Person>());
  const [error, setError] = useState('');
  const changes = p.events.filter((e) => e.type === 'duty.changed' || e.type === 'people.changed').length;
  useEffect(() => {
    const at = Date.now();
    Promise.all([ask('duty.now', {}), ask('duty.list', { since: at, until: at + WEEK_MS }), ask('person.list', {})]).then(
      ([duty, rota, list]) => {
        setNow(duty.studios);
        setShifts(rota.shifts);
        setPeople(new Map(list.people.map((person) => [person.id, person])));
        setError('');
      },
      (err: Error) => setError(err.message),
    );
  }, [changes]);
  const name = (id: string | undefined): string => (id === undefined ? '—' : (people.get(id)?.name ?? id));
  return html`<div class="duty">
    <h2>Who is reached now</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      now.length === 0
        ? html`<p class="empty">No studio names anybody yet: <code>onair studio set</code>.</p>`
        : html`<table class="duty-now">
            <thead>
              <tr>
                <th>Studio</th>
                <th>Told first</th>
                <th>Emergency lead</th>
                <th>Manager</th>
                <th>Next hand-over</th>
              </tr>
            </thead>
            <tbody>
              ${now.map((d) => html`<${DutyNow} key=${d.studio} duty=${d} name=${name} />`)}
            </tbody>
          </table>`
    }
    <h2>Rota, next 7 days</h2>
    ${
      shifts.length === 0
        ? html`<p class="empty">No duty shifts: <code>onair duty add</code>.</p>`
        : html`<table class="duty-rota">
            <thead>
              <tr>
                <th>From</th>
                <th>To</th>
                <th>Studio</th>
                <th>On call</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              ${shifts.map(
                (s) =>
                  html`<tr data-shift=${s.id}>
                    <td>${dateTime(s.from)}</td>
                    <td>${dateTime(s.to)}</td>
                    <td>${s.studio === '*' ? 'every studio' : s.studio}</td>
                    <td>${name(s.person)}</td>
                    <td>${s.note ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </div>`;
}
