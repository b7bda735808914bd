/** The people operations over the real tables (SQLite in memory): refusals with reasons, records, secrets kept, hand-overs once. */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import { ALERTING_SCHEMA } from '../../../controller/alerting/alerting-schema.ts';
import { createPeople, type PeoplePart } from '../../../controller/alerting/people/create-people.ts';

const T0 = Date.parse('2026-12-07T07:59:00Z');
let clock: ManualClock;
let events: NewEvent[];
let shows: Show[];
let people: PeoplePart;
let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:');
  db.exec(ALERTING_SCHEMA);
  clock = new ManualClock(T0);
  events = [];
  shows = [];
  people = createPeople({ db, clock, record: (e) => events.push(e), shows: () => shows });
});

const h = () => people.handlers;
const changes = (type: string) => events.filter((e) => e.type === type).map((e) => e.data);

function studioWithRota(): void {
  h()['contact.add']({ id: 'wang-mail', kind: 'email', to: 'wang@studio.example' }, 'admin');
  h()['contact.add']({ id: 'hook', kind: 'webhook', to: 'http://127.0.0.1:9/hook', secret: 'sixteen-byte-key' }, 'admin');
  h()['person.add']({ id: 'wang', name: '王工', contacts: ['wang-mail'], login: 'wang' }, 'admin');
  h()['person.add']({ id: 'night', name: 'Night', contacts: ['hook'] }, 'admin');
  h()['person.add']({ id: 'day', name: 'Day', contacts: [] }, 'admin');
  h()['studio.set']({ id: 'studio-a', responsible: 'wang' }, 'admin');
  h()['duty.add']({ studio: 'studio-a', person: 'night', from: T0 - 8 * 3_600_000 + 60_000, to: T0 + 60_000 }, 'eng');
  h()['duty.add']({ studio: 'studio-a', person: 'day', from: T0 + 60_000, to: T0 + 8 * 3_600_000 }, 'eng');
}

describe('people, studios and contact points', () => {
  it('never answers a secret: the list says whether there is one', () => {
    studioWithRota();
    const { contacts } = h()['contact.list']({}, 'viewer') as { contacts: Array<Record<string, unknown>> };
    expect(contacts.find((c) => c.id === 'hook')).toEqual({ id: 'hook', kind: 'webhook', to: 'http://127.0.0.1:9/hook', hasSecret: true });
    expect(JSON.stringify(contacts)).not.toContain('sixteen-byte-key');
    expect(people.directory.contact('hook')?.secret).toBe('sixteen-byte-key'); // senders get it
  });

  it('refuses what would name nobody or break a reference, and says why', () => {
    studioWithRota();
    expect(() => h()['person.add']({ id: 'x', name: 'X', contacts: ['nope'] }, 'a')).toThrow(/no contact point "nope"/);
    expect(() => h()['studio.set']({ id: 'studio-b', responsible: 'ghost' }, 'a')).toThrow(/no person "ghost"/);
    expect(() => h()['person.remove']({ id: 'wang' }, 'a')).toThrow(/wang is still named by studio studio-a/);
    expect(() => h()['person.remove']({ id: 'night' }, 'a')).toThrow(/duty shift 1/);
    expect(() => h()['contact.remove']({ id: 'hook' }, 'a')).toThrow(/still used by night/);
    expect(() => h()['contact.add']({ id: 'm', kind: 'email', to: 'not-an-address' }, 'a')).toThrow(/needs an address/);
    expect(() => h()['contact.add']({ id: 's', kind: 'slack', to: 'ftp://x' }, 'a')).toThrow(/needs an http\(s\) URL/);
    expect(() => h()['person.add']({ id: 'other', name: 'O', contacts: [], login: 'wang' }, 'a')).toThrow(/already belongs to wang/);
    shows = [{ id: 'news', owner: 'day' } as Show];
    expect(() => h()['person.remove']({ id: 'day' }, 'a')).toThrow(/show news/);
  });

  it('a person named nowhere any more is removed, and each change is recorded', () => {
    h()['person.add']({ id: 'temp', name: 'Temp', contacts: [] }, 'admin');
    h()['person.add']({ id: 'temp', name: 'Temp Worker', contacts: [] }, 'admin');
    expect(h()['person.remove']({ id: 'temp' }, 'admin')).toEqual({ id: 'temp', removed: true });
    expect(changes('people.changed')).toEqual([
      { what: 'person', id: 'temp', change: 'added' },
      { what: 'person', id: 'temp', change: 'updated' },
      { what: 'person', id: 'temp', change: 'removed' },
    ]);
    expect(() => h()['person.remove']({ id: 'temp' }, 'admin')).toThrow(/no person "temp"/);
  });
});

describe('the duty rota', () => {
  it('refuses a shift that ends before it starts, an unknown person or studio, and two people on call at once', () => {
    studioWithRota();
    expect(() => h()['duty.add']({ studio: 'studio-a', person: 'day', from: T0 + 10, to: T0 }, 'e')).toThrow(/must end after it starts/);
    expect(() => h()['duty.add']({ studio: 'studio-a', person: 'ghost', from: T0, to: T0 + 1 }, 'e')).toThrow(/no person "ghost"/);
    expect(() => h()['duty.add']({ studio: 'studio-z', person: 'day', from: T0, to: T0 + 1 }, 'e')).toThrow(/no studio "studio-z"/);
    expect(() => h()['duty.add']({ studio: 'studio-a', person: 'wang', from: T0, to: T0 + 1 }, 'e')).toThrow(/overlap|while shift 1/);
    // Every studio ('*') may overlap a studio's own shift: the studio's own wins (rota.ts).
    expect(h()['duty.add']({ studio: '*', person: 'wang', from: T0, to: T0 + 1 }, 'e')).toMatchObject({ id: 3, studio: '*' });
    expect(() => h()['duty.remove']({ id: 99 }, 'e')).toThrow(/no duty shift 99/);
  });

  it('duty.now and the directory agree with the rota; a hand-over is recorded once, from the tick', () => {
    studioWithRota();
    expect(h()['duty.now']({}, 'v')).toMatchObject({ studios: [{ studio: 'studio-a', first: 'night', next: { person: 'day' } }] });
    expect(people.directory.recipients('responsible', { studio: 'studio-a' }, clock.now()).map((p) => p.id)).toEqual(['night']);
    people.handovers.tick(); // learns who is on call: a start is no hand-over
    clock.advance(59_999);
    people.handovers.tick();
    expect(changes('duty.changed').filter((d) => (d as { change: string }).change === 'handover')).toEqual([]);
    clock.advance(1); // 08:00:00 exactly
    people.handovers.tick();
    people.handovers.tick();
    clock.advance(1_000);
    people.handovers.tick();
    expect(changes('duty.changed').filter((d) => (d as { change: string }).change === 'handover')).toEqual([
      { change: 'handover', studio: 'studio-a', person: 'day', shift: 2 },
    ]);
    expect(people.directory.recipients('responsible', { studio: 'studio-a' }, clock.now()).map((p) => p.id)).toEqual(['day']);
  });

  it('lists shifts not yet over, earliest first, with every-studio shifts under a studio', () => {
    studioWithRota();
    h()['duty.add']({ studio: '*', person: 'wang', from: T0 + 9 * 3_600_000, to: T0 + 10 * 3_600_000 }, 'e');
    const { shifts } = h()['duty.list']({ studio: 'studio-a' }, 'v') as { shifts: Array<{ id: number }> };
    expect(shifts.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(h()['duty.remove']({ id: 1 }, 'e')).toEqual({ id: '1', removed: true });
    expect(changes('duty.changed').at(-1)).toEqual({ change: 'removed', studio: 'studio-a', person: 'night', shift: 1 });
  });
});
