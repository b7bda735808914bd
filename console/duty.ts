/**
 * Duty: who is reached now in each studio (told first, the emergency lead, the manager, the next
 * hand-over) and the rota for the next 7 days. Read again when the log says the rota or the people
 * changed (`duty.changed`, `people.changed`), a hand-over included, and after each change made here.
 *
 * Engineers add duty shifts and remove them (a second click confirms); admins add or update people
 * and set who each studio names. The server decides: a refusal (an overlapping shift, an unknown
 * person, no right) is shown as the page's error, in the server's words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ContactPointView, DutyShift, Person, Studio } from '../protocols/alerting.ts';
import type { OperationData, OperationName, OperationParams } from '../protocols/contract.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { ask, may } from './api.ts';
import { dateTime, html } from './html.ts';

/** The page's English words, in one place: issue 24's message catalogue replaces this table. */
const TEXT = {
  nowTitle: 'Who is reached now',
  noStudios: 'No studio names anybody yet: ',
  noStudiosCommand: 'onair studio set',
  studio: 'Studio',
  toldFirst: 'Told first',
  emergencyLead: 'Emergency lead',
  manager: 'Manager',
  nextHandover: 'Next hand-over',
  onCallUntil: 'on call until',
  responsibleEngineer: 'responsible engineer',
  rotaTitle: 'Rota, next 7 days',
  noShifts: 'No duty shifts: ',
  noShiftsCommand: 'onair duty add',
  from: 'From',
  to: 'To',
  onCall: 'On call',
  note: 'Note',
  everyStudio: 'every studio',
  remove: 'Remove',
  confirmRemove: 'Confirm remove',
  cancel: 'Cancel',
  addShiftTitle: 'Add a duty shift',
  person: 'Person',
  choose: '— choose —',
  addShift: 'Add shift',
  badTime: 'give both times; the shift must end after it starts',
  peopleTitle: 'Add or update a person',
  edit: 'Edit',
  newPerson: '— a new person —',
  id: 'Id',
  name: 'Name',
  login: 'Login',
  contacts: 'Contact points',
  savePerson: 'Save person',
  studiosTitle: "Set a studio's people",
  newStudio: '— a new studio —',
  responsible: 'Responsible',
  nobody: '— nobody —',
  setStudio: 'Set studio',
} as const;

const WEEK_MS = 7 * 86_400_000;
type StudioDuty = OperationData<'duty.now'>['studios'][number];
type Name = (id: string | undefined) => string;

interface DutyData {
  now: StudioDuty[];
  shifts: DutyShift[];
  people: Person[];
  studios: Studio[];
  contacts: ContactPointView[];
}
const EMPTY: DutyData = { now: [], shifts: [], people: [], studios: [], contacts: [] };

/** Asks for one change; resolves true once the server accepted it (a refusal becomes the page's error). */
type Change = <O extends OperationName>(op: O, params: OperationParams<O>) => Promise<boolean>;

const field = (form: FormData, name: string): string => String(form.get(name) ?? '').trim();
/** A datetime-local value is the browser's local time (no zone): `Date` reads it so. */
const localTime = (value: string): number => (value ? new Date(value).getTime() : Number.NaN);
const valueOf = (e: Event): string => (e.target as HTMLSelectElement).value;

function DutyNow(p: { duty: StudioDuty; name: Name }) {
  const d = p.duty;
  return html`<tr data-studio=${d.studio}>
    <th scope="row">${d.studio}</th>
    <td class="first">
      ${p.name(d.first)}${d.onCall ? html` <span class="muted">${TEXT.onCallUntil} ${dateTime(d.onCall.until)}</span>` : html` <span class="muted">${TEXT.responsibleEngineer}</span>`}
    </td>
    <td>${p.name(d.emergencyLead)}</td>
    <td>${p.name(d.manager)}</td>
    <td>${d.next ? `${dateTime(d.next.from)} → ${p.name(d.next.person)}` : '—'}</td>
  </tr>`;
}

function ShiftRow(p: { shift: DutyShift; name: Name; change: Change }) {
  const s = p.shift;
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    setConfirming(false);
    await p.change('duty.remove', { id: s.id });
  };
  return html`<tr data-shift=${s.id}>
    <td>${dateTime(s.from)}</td>
    <td>${dateTime(s.to)}</td>
    <td>${s.studio === '*' ? TEXT.everyStudio : s.studio}</td>
    <td>${p.name(s.person)}</td>
    <td>${s.note ?? ''}</td>
    ${
      may('duty.remove')
        ? html`<td class="actions">
            ${
              confirming
                ? html`<button class="danger confirm-remove" onClick=${remove}>${TEXT.confirmRemove}</button>
                    <button onClick=${() => setConfirming(false)}>${TEXT.cancel}</button>`
                : html`<button class="remove" onClick=${() => setConfirming(true)}>${TEXT.remove}</button>`
            }
          </td>`
        : null
    }
  </tr>`;
}

function AddShift(p: { data: DutyData; name: Name; change: Change; refuse(message: string): void }) {
  const submit = async (e: Event) => {
    e.preventDefault();
    const target = e.target as HTMLFormElement;
    const form = new FormData(target);
    const from = localTime(field(form, 'from'));
    const to = localTime(field(form, 'to'));
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return p.refuse(TEXT.badTime);
    const note = field(form, 'note');
    const params = { studio: field(form, 'studio'), person: field(form, 'person'), from, to, ...(note ? { note } : {}) };
    if (await p.change('duty.add', params)) target.reset();
  };
  return html`<form class="duty-add" aria-label=${TEXT.addShiftTitle} onSubmit=${submit}>
    <h3>${TEXT.addShiftTitle}</h3>
    <label
      >${TEXT.studio}
      <select name="studio" required>
        <option value="*">${TEXT.everyStudio} (*)</option>
        ${p.data.studios.map((s) => html`<option value=${s.id}>${s.id}</option>`)}
      </select>
    </label>
    <label
      >${TEXT.person}
      <select name="person" required>
        <option value="">${TEXT.choose}</option>
        ${p.data.people.map((person) => html`<option value=${person.id}>${p.name(person.id)}</option>`)}
      </select>
    </label>
    <label>${TEXT.from} <input type="datetime-local" name="from" required /></label>
    <label>${TEXT.to} <input type="datetime-local" name="to" required /></label>
    <label>${TEXT.note} <input name="note" maxlength="500" /></label>
    <button type="submit">${TEXT.addShift}</button>
  </form>`;
}

/** Which stored record a form edits ('' for a new one): choosing one fills the form in. */
function EditPicker(p: { ids: string[]; value: string; fresh: string; pick(id: string): void }) {
  return html`<label
    >${TEXT.edit}
    <select name="editing" value=${p.value} onChange=${(e: Event) => p.pick(valueOf(e))}>
      <option value="">${p.fresh}</option>
      ${p.ids.map((id) => html`<option value=${id}>${id}</option>`)}
    </select>
  </label>`;
}

function PersonForm(p: { data: DutyData; change: Change }) {
  const [editing, setEditing] = useState('');
  const person = p.data.people.find((x) => x.id === editing);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const login = field(form, 'login');
    const params: Person = {
      id: field(form, 'id'),
      name: field(form, 'name'),
      ...(login ? { login } : {}),
      // The form does not show the language: an update keeps the one stored.
      ...(person?.locale ? { locale: person.locale } : {}),
      contacts: form.getAll('contacts').map(String),
    };
    if (await p.change('person.add', params)) setEditing(params.id);
  };
  return html`<form class="person-form" aria-label=${TEXT.peopleTitle} onSubmit=${submit} key=${`person-${editing}`}>
    <h3>${TEXT.peopleTitle}</h3>
    <${EditPicker} ids=${p.data.people.map((x) => x.id)} value=${editing} fresh=${TEXT.newPerson} pick=${setEditing} />
    <label>${TEXT.id} <input name="id" required readonly=${person !== undefined} defaultValue=${person?.id ?? ''} /></label>
    <label>${TEXT.name} <input name="name" required maxlength="120" defaultValue=${person?.name ?? ''} /></label>
    <label>${TEXT.login} <input name="login" defaultValue=${person?.login ?? ''} /></label>
    <label
      >${TEXT.contacts}
      <select name="contacts" multiple size=${Math.min(Math.max(p.data.contacts.length, 2), 6)}>
        ${p.data.contacts.map((c) => html`<option value=${c.id} selected=${person?.contacts.includes(c.id) ?? false}>${c.id} (${c.kind})</option>`)}
      </select>
    </label>
    <button type="submit">${TEXT.savePerson}</button>
  </form>`;
}

function PersonSelect(p: { name: string; data: DutyData; label: Name; value: string | undefined; required?: boolean }) {
  return html`<select name=${p.name} required=${p.required ?? false}>
    <option value="">${p.required ? TEXT.choose : TEXT.nobody}</option>
    ${p.data.people.map((x) => html`<option value=${x.id} selected=${x.id === p.value}>${p.label(x.id)}</option>`)}
  </select>`;
}

function StudioForm(p: { data: DutyData; name: Name; change: Change }) {
  const [editing, setEditing] = useState('');
  const studio = p.data.studios.find((s) => s.id === editing);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const lead = field(form, 'emergencyLead');
    const manager = field(form, 'manager');
    const params: Studio = {
      id: field(form, 'id'),
      // The form does not show the studio's display name: setting its people keeps the one stored.
      ...(studio?.name ? { name: studio.name } : {}),
      responsible: field(form, 'responsible'),
      ...(lead ? { emergencyLead: lead } : {}),
      ...(manager ? { manager } : {}),
    };
    if (await p.change('studio.set', params)) setEditing(params.id);
  };
  return html`<form class="studio-form" aria-label=${TEXT.studiosTitle} onSubmit=${submit} key=${`studio-${editing}`}>
    <h3>${TEXT.studiosTitle}</h3>
    <${EditPicker} ids=${p.data.studios.map((x) => x.id)} value=${editing} fresh=${TEXT.newStudio} pick=${setEditing} />
    <label>${TEXT.studio} <input name="id" required readonly=${studio !== undefined} defaultValue=${studio?.id ?? ''} /></label>
    <label
      >${TEXT.responsible} <${PersonSelect} name="responsible" required data=${p.data} label=${p.name} value=${studio?.responsible}
    /></label>
    <label
      >${TEXT.emergencyLead} <${PersonSelect} name="emergencyLead" data=${p.data} label=${p.name} value=${studio?.emergencyLead}
    /></label>
    <label>${TEXT.manager} <${PersonSelect} name="manager" data=${p.data} label=${p.name} value=${studio?.manager} /></label>
    <button type="submit">${TEXT.setStudio}</button>
  </form>`;
}

/**
 * Everything the page shows. The lists only the forms use are read only for a login that sees the
 * forms: every read counts against the login's request budget (10 a second), which a page that
 * reads five lists per change must not spend on what it does not show.
 */
async function load(): Promise<DutyData> {
  const at = Date.now();
  const none = Promise.resolve(undefined);
  const [duty, rota, people, studios, contacts] = await Promise.all([
    ask('duty.now', {}),
    ask('duty.list', { since: at, until: at + WEEK_MS }),
    ask('person.list', {}),
    may('duty.add') || may('studio.set') ? ask('studio.list', {}) : none,
    may('person.add') ? ask('contact.list', {}) : none,
  ]);
  return {
    now: duty.studios,
    shifts: rota.shifts,
    people: people.people,
    studios: studios?.studios ?? [],
    contacts: contacts?.contacts ?? [],
  };
}

/** Requests to read again this close together are one read: a change made here and its own `duty.changed` event. */
const RELOAD_COALESCE_MS = 150;

/**
 * Reads the page again on request, once per burst of requests and one read at a time: a change made
 * here asks, and so does its event on the live feed a few milliseconds later; reading twice would
 * spend the login's request budget (the controller's rate limit) twice for the same answer.
 */
function useReload(apply: (data: DutyData) => void, fail: (err: Error) => void): () => void {
  const state = useRef({ timer: undefined as ReturnType<typeof setTimeout> | undefined, reading: false, again: false });
  useEffect(() => () => clearTimeout(state.current.timer), []);
  const read = (): void => {
    const s = state.current;
    s.timer = undefined;
    if (s.reading) {
      s.again = true;
      return;
    }
    s.reading = true;
    load()
      .then(apply, fail)
      .finally(() => {
        s.reading = false;
        if (s.again) {
          s.again = false;
          read();
        }
      });
  };
  return () => {
    state.current.timer ??= setTimeout(read, RELOAD_COALESCE_MS);
  };
}

export function Duty(p: { events: ControllerEvent[] }) {
  const [data, setData] = useState<DutyData>(EMPTY);
  const [error, setError] = useState('');
  const reload = useReload(
    (loaded) => {
      setData(loaded);
      setError('');
    },
    (err) => setError(err.message),
  );
  const changes = p.events.filter((e) => e.type === 'duty.changed' || e.type === 'people.changed').length;
  useEffect(reload, [changes]);
  /** Read again after each change made here too: the page must not depend on the live feed for its own changes. */
  const change: Change = async (op, params) => {
    try {
      await ask(op, params);
      reload();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };
  const people = new Map(data.people.map((person) => [person.id, person]));
  const name: Name = (id) => (id === undefined ? '—' : (people.get(id)?.name ?? id));
  return html`<div class="duty">
    <h2>${TEXT.nowTitle}</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      data.now.length === 0
        ? html`<p class="empty">${TEXT.noStudios}<code>${TEXT.noStudiosCommand}</code>.</p>`
        : html`<table class="duty-now">
            <thead>
              <tr>
                <th>${TEXT.studio}</th>
                <th>${TEXT.toldFirst}</th>
                <th>${TEXT.emergencyLead}</th>
                <th>${TEXT.manager}</th>
                <th>${TEXT.nextHandover}</th>
              </tr>
            </thead>
            <tbody>
              ${data.now.map((d) => html`<${DutyNow} key=${d.studio} duty=${d} name=${name} />`)}
            </tbody>
          </table>`
    }
    <h2>${TEXT.rotaTitle}</h2>
    ${
      data.shifts.length === 0
        ? html`<p class="empty">${TEXT.noShifts}<code>${TEXT.noShiftsCommand}</code>.</p>`
        : html`<table class="duty-rota">
            <thead>
              <tr>
                <th>${TEXT.from}</th>
                <th>${TEXT.to}</th>
                <th>${TEXT.studio}</th>
                <th>${TEXT.onCall}</th>
                <th>${TEXT.note}</th>
                ${may('duty.remove') ? html`<th></th>` : null}
              </tr>
            </thead>
            <tbody>
              ${data.shifts.map((s) => html`<${ShiftRow} key=${s.id} shift=${s} name=${name} change=${change} />`)}
            </tbody>
          </table>`
    }
    ${may('duty.add') ? html`<${AddShift} data=${data} name=${name} change=${change} refuse=${setError} />` : null}
    ${may('person.add') ? html`<${PersonForm} data=${data} change=${change} />` : null}
    ${may('studio.set') ? html`<${StudioForm} data=${data} name=${name} change=${change} />` : null}
  </div>`;
}
