/**
 * The rows of people, studios, contact points and the duty rota (tables: ../alerting-schema.ts;
 * mirrored to PostgreSQL for a pair like every table). Each row keeps the schema's record as JSON in
 * `body`; the columns beside it are what queries select on. No rules here: people-handlers.ts decides.
 */
import type Database from 'better-sqlite3';
import type { ContactPoint, DutyShift, Person, Studio } from '../../../protocols/alerting.ts';

const parse = <T>(rows: unknown[]): T[] => (rows as Array<{ body: string }>).map((r) => JSON.parse(r.body) as T);

export class PeopleStore {
  constructor(private readonly db: Database.Database) {}

  people(): Person[] {
    return parse<Person>(this.db.prepare('SELECT body FROM people ORDER BY id').all());
  }

  person(id: string): Person | undefined {
    return parse<Person>(this.db.prepare('SELECT body FROM people WHERE id = ?').all(id))[0];
  }

  personByLogin(login: string): Person | undefined {
    return parse<Person>(this.db.prepare('SELECT body FROM people WHERE login = ? ORDER BY id').all(login))[0];
  }

  savePerson(p: Person): void {
    this.db
      .prepare(
        'INSERT INTO people (id, login, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET login = excluded.login, body = excluded.body',
      )
      .run(p.id, p.login ?? null, JSON.stringify(p));
  }

  studios(): Studio[] {
    return parse<Studio>(this.db.prepare('SELECT body FROM studios ORDER BY id').all());
  }

  studio(id: string): Studio | undefined {
    return parse<Studio>(this.db.prepare('SELECT body FROM studios WHERE id = ?').all(id))[0];
  }

  saveStudio(s: Studio): void {
    this.db
      .prepare('INSERT INTO studios (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body')
      .run(s.id, JSON.stringify(s));
  }

  contacts(): ContactPoint[] {
    return parse<ContactPoint>(this.db.prepare('SELECT body FROM contact_points ORDER BY id').all());
  }

  contact(id: string): ContactPoint | undefined {
    return parse<ContactPoint>(this.db.prepare('SELECT body FROM contact_points WHERE id = ?').all(id))[0];
  }

  saveContact(c: ContactPoint): void {
    this.db
      .prepare('INSERT INTO contact_points (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body')
      .run(c.id, JSON.stringify(c));
  }

  /** Shifts that end after `since` (and begin before `until`), earliest first. */
  shifts(since = Number.MIN_SAFE_INTEGER, until = Number.MAX_SAFE_INTEGER): DutyShift[] {
    return parse<DutyShift>(
      this.db.prepare('SELECT body FROM duty_shifts WHERE to_ts > ? AND from_ts < ? ORDER BY from_ts, id').all(since, until),
    );
  }

  shift(id: number): DutyShift | undefined {
    return parse<DutyShift>(this.db.prepare('SELECT body FROM duty_shifts WHERE id = ?').all(id))[0];
  }

  addShift(s: Omit<DutyShift, 'id'>): DutyShift {
    const info = this.db
      .prepare('INSERT INTO duty_shifts (studio, person, from_ts, to_ts, body) VALUES (?, ?, ?, ?, ?)')
      .run(s.studio, s.person, s.from, s.to, '{}');
    const shift: DutyShift = { id: Number(info.lastInsertRowid), ...s };
    this.db.prepare('UPDATE duty_shifts SET body = ? WHERE id = ?').run(JSON.stringify(shift), shift.id);
    return shift;
  }

  /** Removes a row of one of these tables; false when there was none. */
  remove(table: 'people' | 'studios' | 'contact_points' | 'duty_shifts', id: string | number): boolean {
    return this.db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0;
  }

  /** Follow-ups of post-incident reviews not yet done that name this person (incidents are H6's rows; read only). */
  openFollowUpsOf(person: string): number[] {
    const rows = this.db.prepare("SELECT id, body FROM incidents WHERE body LIKE '%followUps%'").all() as Array<{
      id: number;
      body: string;
    }>;
    return rows
      .filter((r) => {
        const review = (JSON.parse(r.body) as { review?: { followUps?: Array<{ owner: string; done?: boolean }> } }).review;
        return review?.followUps?.some((f) => f.owner === person && !f.done);
      })
      .map((r) => r.id);
  }
}
