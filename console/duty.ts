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
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { common } from '../i18n/messages/common.ts';
import { duty as dutyTable } from '../i18n/messages/duty.ts';

/** Commands typed as they are (not words): the empty states name them. */
const COMMANDS = { studioSet: 'onair studio set', dutyAdd: 'onair duty add' } as const;

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
  const t = useT(dutyTable);
  const f = useFormats();
  const d = p.duty;
  return html`<tr data-studio=${d.studio}>
    <th scope="row">${d.studio}</th>
    <td class="first">
      ${p.name(d.first)}${d.onCall ? html` <span class="muted">${t('onCallUntil', { until: f.dateTime(d.onCall.until) })}</span>` : html` <span class="muted">${t('responsibleEngineer')}</span>`}
    </td>
    <td>${p.name(d.emergencyLead)}</td>
    <td>${p.name(d.manager)}</td>
    <td>${d.next ? `${f.dateTime(d.next.from)} → ${p.name(d.next.person)}` : '—'}</td>
  </tr>`;
}

function ShiftRow(p: { shift: DutyShift; name: Name; change: Change }) {
  const t = useT(dutyTable);
  const tc = useT(common);
  const f = useFormats();
  const s = p.shift;
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    setConfirming(false);
    await p.change('duty.remove', { id: s.id });
  };
  return html`<tr data-shift=${s.id}>
    <td>${f.dateTime(s.from)}</td>
    <td>${f.dateTime(s.to)}</td>
    <td>${s.studio === '*' ? t('everyStudio') : s.studio}</td>
    <td>${p.name(s.person)}</td>
    <td>${s.note ?? ''}</td>
    ${
      may('duty.remove')
        ? html`<td class="actions">
            ${
              confirming
                ? html`<button class="danger confirm-remove" onClick=${remove}>${t('confirmRemove')}</button>
                    <button onClick=${() => setConfirming(false)}>${tc('button.cancel')}</button>`
                : html`<button class="remove" onClick=${() => setConfirming(true)}>${t('remove')}</button>`
            }
          </td>`
        : null
    }
  </tr>`;
}

function AddShift(p: { data: DutyData; name: Name; change: Change; refuse(message: string): void }) {
  const t = useT(dutyTable);
  const submit = async (e: Event) => {
    e.preventDefault();
    const target = e.target as HTMLFormElement;
    const form = new FormData(target);
    const from = localTime(field(form, 'from'));
    const to = localTime(field(form, 'to'));
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return p.refuse(t('badTime'));
    const note = field(form, 'note');
    const params = { studio: field(form, 'studio'), person: field(form, 'person'), from, to, ...(note ? { note } : {}) };
    if (await p.change('duty.add', params)) target.reset();
  };
  return html`<form class="duty-add" aria-label=${t('addShiftTitle')} onSubmit=${submit}>
    <h3>${t('addShiftTitle')}</h3>
    <label
      >${t('studio')}
      <select name="studio" required>
        <option value="*">${t('everyStudio')} (*)</option>
        ${p.data.studios.map((s) => html`<option value=${s.id}>${s.id}</option>`)}
      </select>
    </label>
    <label
      >${t('person')}
      <select name="person" required>
        <option value="">${t('choose')}</option>
        ${p.data.people.map((person) => html`<option value=${person.id}>${p.name(person.id)}</option>`)}
      </select>
    </label>
    <label>${t('from')} <input type="datetime-local" name="from" required /></label>
    <label>${t('to')} <input type="datetime-local" name="to" required /></label>
    <label>${t('note')} <input name="note" maxlength="500" /></label>
    <button type="submit">${t('addShift')}</button>
  </form>`;
}

/** Which stored record a form edits ('' for a new one): choosing one fills the form in. */
function EditPicker(p: { ids: string[]; value: string; fresh: string; pick(id: string): void }) {
  const t = useT(dutyTable);
  return html`<label
    >${t('edit')}
    <select name="editing" value=${p.value} onChange=${(e: Event) => p.pick(valueOf(e))}>
      <option value="">${p.fresh}</option>
      ${p.ids.map((id) => html`<option value=${id}>${id}</option>`)}
    </select>
  </label>`;
}

function PersonForm(p: { data: DutyData; change: Change }) {
  const t = useT(dutyTable);
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
  return html`<form class="person-form" aria-label=${t('peopleTitle')} onSubmit=${submit} key=${`person-${editing}`}>
    <h3>${t('peopleTitle')}</h3>
    <${EditPicker} ids=${p.data.people.map((x) => x.id)} value=${editing} fresh=${t('newPerson')} pick=${setEditing} />
    <label>${t('id')} <input name="id" required readonly=${person !== undefined} defaultValue=${person?.id ?? ''} /></label>
    <label>${t('name')} <input name="name" required maxlength="120" defaultValue=${person?.name ?? ''} /></label>
    <label>${t('login')} <input name="login" defaultValue=${person?.login ?? ''} /></label>
    <label
      >${t('contacts')}
      <select name="contacts" multiple size=${Math.min(Math.max(p.data.contacts.length, 2), 6)}>
        ${p.data.contacts.map((c) => html`<option value=${c.id} selected=${person?.contacts.includes(c.id) ?? false}>${c.id} (${c.kind})</option>`)}
      </select>
    </label>
    <button type="submit">${t('savePerson')}</button>
  </form>`;
}

function PersonSelect(p: { name: string; data: DutyData; label: Name; value: string | undefined; required?: boolean }) {
  const t = useT(dutyTable);
  return html`<select name=${p.name} required=${p.required ?? false}>
    <option value="">${p.required ? t('choose') : t('nobody')}</option>
    ${p.data.people.map((x) => html`<option value=${x.id} selected=${x.id === p.value}>${p.label(x.id)}</option>`)}
  </select>`;
}

function StudioForm(p: { data: DutyData; name: Name; change: Change }) {
  const t = useT(dutyTable);
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
  return html`<form class="studio-form" aria-label=${t('studiosTitle')} onSubmit=${submit} key=${`studio-${editing}`}>
    <h3>${t('studiosTitle')}</h3>
    <${EditPicker} ids=${p.data.studios.map((x) => x.id)} value=${editing} fresh=${t('newStudio')} pick=${setEditing} />
    <label>${t('studio')} <input name="id" required readonly=${studio !== undefined} defaultValue=${studio?.id ?? ''} /></label>
    <label
      >${t('responsible')} <${PersonSelect} name="responsible" required data=${p.data} label=${p.name} value=${studio?.responsible}
    /></label>
    <label
      >${t('emergencyLead')} <${PersonSelect} name="emergencyLead" data=${p.data} label=${p.name} value=${studio?.emergencyLead}
    /></label>
    <label>${t('manager')} <${PersonSelect} name="manager" data=${p.data} label=${p.name} value=${studio?.manager} /></label>
    <button type="submit">${t('setStudio')}</button>
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
  const t = useT(dutyTable);
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
    <h2>${t('nowTitle')}</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${
      data.now.length === 0
        ? html`<p class="empty">${t('noStudios')}<code>${COMMANDS.studioSet}</code></p>`
        : html`<table class="duty-now">
            <thead>
              <tr>
                <th>${t('studio')}</th>
                <th>${t('toldFirst')}</th>
                <th>${t('emergencyLead')}</th>
                <th>${t('manager')}</th>
                <th>${t('nextHandover')}</th>
              </tr>
            </thead>
            <tbody>
              ${data.now.map((d) => html`<${DutyNow} key=${d.studio} duty=${d} name=${name} />`)}
            </tbody>
          </table>`
    }
    <h2>${t('rotaTitle')}</h2>
    ${
      data.shifts.length === 0
        ? html`<p class="empty">${t('noShifts')}<code>${COMMANDS.dutyAdd}</code></p>`
        : html`<table class="duty-rota">
            <thead>
              <tr>
                <th>${t('from')}</th>
                <th>${t('to')}</th>
                <th>${t('studio')}</th>
                <th>${t('onCall')}</th>
                <th>${t('note')}</th>
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
