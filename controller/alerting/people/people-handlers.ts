/**
 * The people operations (PeopleOps in ../types.ts): people, studios, contact points and the duty
 * rota, each change checked (a refusal says why and what to do), stored and recorded
 * (`people.changed`, `duty.changed`). Secrets are stored but never answered: contact lists show `hasSecret`.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { ContactPoint, ContactPointView, DutyShift, Person } from '../../../protocols/alerting.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import type { OperationData, OperationParams } from '../../../protocols/contract.ts';
import type { PeopleOps } from '../types.ts';
import { PeopleRefusal } from './refusal.ts';
import type { PeopleStore } from './people-store.ts';
import { dutyAt } from './rota.ts';

export interface PeopleDependencies {
  store: PeopleStore;
  clock: Clock;
  record: (event: NewEvent) => unknown;
  /** Shows scheduled or on air (the plan store's activeShows): a person a show names is not removed. */
  shows: () => readonly Show[];
}

/** The people operations answer at once (SQLite is synchronous): a Pick<Handlers, PeopleOps> that never returns a promise. */
export type PeopleHandlers = { [O in PeopleOps]: (params: OperationParams<O>, by: string) => OperationData<O> };

const iso = (ts: number): string => new Date(ts).toISOString();

/** A contact point as answers show it. */
export function contactView(contact: ContactPoint): ContactPointView {
  const { secret, ...rest } = contact;
  return { ...rest, hasSecret: secret !== undefined };
}

/** The kinds' addresses: an e-mail address, or the webhook (gateway) URL every other kind posts to. */
function checkAddress(c: ContactPoint): void {
  if (c.kind === 'email') {
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(c.to)) throw new PeopleRefusal('badAddress', { to: c.to });
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(c.to);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new PeopleRefusal('badUrl', { kind: c.kind, to: c.to });
  if (c.kind === 'sms' && !c.phone) throw new PeopleRefusal('smsPhone');
}

/** Who names a person: studios, shows scheduled or on air, duty shifts not yet over, open follow-ups. */
function namedBy(d: PeopleDependencies, id: string): string[] {
  const now = d.clock.now();
  return [
    ...d.store
      .studios()
      .filter((s) => s.responsible === id || s.emergencyLead === id || s.manager === id)
      .map((s) => `studio ${s.id}`),
    ...d
      .shows()
      .filter((s) => s.owner === id || s.emergencyLead === id)
      .map((s) => `show ${s.id}`),
    ...d.store
      .shifts(now)
      .filter((s) => s.person === id)
      .map((s) => `duty shift ${s.id}`),
    ...d.store.openFollowUpsOf(id).map((incident) => `a follow-up of incident ${incident}`),
  ];
}

function requirePerson(d: PeopleDependencies, id: string | undefined): void {
  if (id !== undefined && !d.store.person(id)) throw new PeopleRefusal('unknownPerson', { id });
}

export function peopleHandlers(d: PeopleDependencies): PeopleHandlers {
  const changed = (what: 'person' | 'studio' | 'contact', id: string, change: 'added' | 'updated' | 'removed', by: string) =>
    d.record({ type: 'people.changed', ts: d.clock.now(), by, data: { what, id, change } });
  const dutyChanged = (change: 'added' | 'removed', shift: DutyShift, by: string) =>
    d.record({
      type: 'duty.changed',
      ts: d.clock.now(),
      by,
      data: { change, studio: shift.studio, person: shift.person, shift: shift.id },
    });

  return {
    'person.add': (p: Person, by) => {
      for (const contact of p.contacts) if (!d.store.contact(contact)) throw new PeopleRefusal('unknownContact', { id: contact });
      const other = p.login === undefined ? undefined : d.store.personByLogin(p.login);
      if (other && other.id !== p.id) throw new PeopleRefusal('loginTaken', { login: p.login!, other: other.id });
      const existed = d.store.person(p.id) !== undefined;
      d.store.savePerson(p);
      changed('person', p.id, existed ? 'updated' : 'added', by);
      return p;
    },
    'person.list': () => ({ people: d.store.people() }),
    'person.remove': ({ id }, by) => {
      if (!d.store.person(id)) throw new PeopleRefusal('unknownPerson', { id });
      const users = namedBy(d, id);
      if (users.length) throw new PeopleRefusal('personInUse', { id, users: users.join(', ') });
      d.store.remove('people', id);
      changed('person', id, 'removed', by);
      return { id, removed: true };
    },
    'studio.set': (p, by) => {
      for (const person of [p.responsible, p.emergencyLead, p.manager]) requirePerson(d, person);
      const existed = d.store.studio(p.id) !== undefined;
      d.store.saveStudio(p);
      changed('studio', p.id, existed ? 'updated' : 'added', by);
      return p;
    },
    'studio.list': () => ({ studios: d.store.studios() }),
    'contact.add': (p, by) => {
      checkAddress(p);
      const existed = d.store.contact(p.id) !== undefined;
      d.store.saveContact(p);
      changed('contact', p.id, existed ? 'updated' : 'added', by);
      return contactView(p);
    },
    'contact.list': () => ({ contacts: d.store.contacts().map(contactView) }),
    'contact.remove': ({ id }, by) => {
      if (!d.store.contact(id)) throw new PeopleRefusal('unknownContact', { id });
      const users = d.store.people().filter((person) => person.contacts.includes(id));
      if (users.length) throw new PeopleRefusal('contactInUse', { id, users: users.map((u) => u.id).join(', ') });
      d.store.remove('contact_points', id);
      changed('contact', id, 'removed', by);
      return { id, removed: true };
    },
    'duty.add': (p, by) => {
      requirePerson(d, p.person);
      if (p.studio !== '*' && !d.store.studio(p.studio)) throw new PeopleRefusal('unknownStudio', { id: p.studio });
      if (p.to <= p.from) throw new PeopleRefusal('shiftBackwards', { from: iso(p.from), to: iso(p.to) });
      // Two people on call for the same studio at once would make "who is told" a coin toss.
      const clash = d.store.shifts(p.from, p.to).find((s) => s.studio === p.studio && s.person !== p.person);
      if (clash)
        throw new PeopleRefusal('shiftOverlaps', {
          person: p.person,
          studio: p.studio,
          other: clash.id,
          otherPerson: clash.person,
          from: iso(clash.from),
          to: iso(clash.to),
        });
      const shift = d.store.addShift({ studio: p.studio, person: p.person, from: p.from, to: p.to, ...(p.note ? { note: p.note } : {}) });
      dutyChanged('added', shift, by);
      return shift;
    },
    'duty.list': (p) => {
      const shifts = d.store.shifts(p.since ?? d.clock.now(), p.until);
      return { shifts: p.studio ? shifts.filter((s) => s.studio === p.studio || s.studio === '*') : shifts };
    },
    'duty.remove': ({ id }, by) => {
      const shift = d.store.shift(id);
      if (!shift) throw new PeopleRefusal('unknownShift', { id });
      d.store.remove('duty_shifts', id);
      dutyChanged('removed', shift, by);
      return { id: String(id), removed: true };
    },
    'duty.now': (p) => {
      if (p.studio && !d.store.studio(p.studio)) throw new PeopleRefusal('unknownStudio', { id: p.studio });
      const at = p.at ?? d.clock.now();
      return { studios: dutyAt({ studios: d.store.studios(), shifts: d.store.shifts(at) }, at, p.studio) };
    },
  };
}
