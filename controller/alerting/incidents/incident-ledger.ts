/**
 * The incidents table (controller/alerting/alerting-schema.ts): one incident for one cause, gathering
 * its alerts, the people told or involved, notes, the engineer's review and the on-air impact. The
 * alert engine attaches each new alert here (IncidentBook); the handlers (incident-handlers.ts) read
 * and complete records through the same ledger. Synchronous, like the store it writes to.
 */
import type Database from 'better-sqlite3';
import { Incident, type Alert, type IncidentReview } from '../../../protocols/alerting.ts';
import type { CorruptRowHandler } from '../../store/stored-rows.ts';
import { storedBodies } from './stored-bodies.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { IncidentBook } from '../types.ts';

/** An alert joins an open incident of its studio (or agent) opened at most this long before it. */
export const ATTACH_WINDOW_MS = 3_600_000;

export type AttachedAlert = Pick<Alert, 'id' | 'kind' | 'severity' | 'labels' | 'summary' | 'summaryMessage' | 'startsAt'>;

export interface IncidentLedgerDeps {
  db: Database.Database;
  clock: Clock;
  record: (event: NewEvent) => unknown;
  /** A stored incident that no longer matches its schema (it is skipped). */
  onCorrupt?: CorruptRowHandler;
}

interface Row {
  key: number;
  body: string;
}

export class IncidentLedger implements IncidentBook {
  /** Which agent an incident without a studio is about (its alerts are stored by the alert engine after attach). */
  private readonly agentOf = new Map<number, string>();

  constructor(private readonly d: IncidentLedgerDeps) {}

  private rows(rows: unknown[]): Incident[] {
    return storedBodies(Incident, 'incidents', rows as Row[], this.d.onCorrupt ?? (() => undefined));
  }

  attach(alert: AttachedAlert): Incident {
    const { studio, agent, show } = alert.labels;
    const joined = this.openSince(alert.startsAt - ATTACH_WINDOW_MS).find((i) =>
      studio !== undefined ? i.studio === studio : i.studio === undefined && agent !== undefined && this.incidentAgent(i) === agent,
    );
    if (joined) {
      if (!joined.alerts.includes(alert.id) && joined.alerts.length < 1000) joined.alerts.push(alert.id);
      if (joined.show === undefined && show !== undefined) joined.show = show;
      this.save(joined);
      return joined;
    }
    const incident: Incident = {
      id: 0,
      title: alert.summary.slice(0, 500) || `${alert.kind} alert`,
      ...(alert.summaryMessage ? { titleMessage: alert.summaryMessage } : {}),
      state: 'open',
      ...(studio !== undefined ? { studio } : {}),
      ...(show !== undefined ? { show } : {}),
      openedAt: alert.startsAt,
      alerts: [alert.id],
      people: [],
      notes: [],
      impactMs: 0,
    };
    // Numbered by the table, written whole in one transaction (the mirror never sees a half-made row).
    this.d.db.transaction(() => {
      const { lastInsertRowid } = this.d.db
        .prepare('INSERT INTO incidents (state, opened_at, body) VALUES (?, ?, ?)')
        .run('open', incident.openedAt, '{}');
      incident.id = Number(lastInsertRowid);
      this.save(incident);
    })();
    if (studio === undefined && agent !== undefined) this.agentOf.set(incident.id, agent);
    this.d.record({
      type: 'incident.opened',
      ts: this.d.clock.now(),
      by: 'controller',
      data: { incident: incident.id, title: incident.title, alert: alert.id },
    });
    return incident;
  }

  involve(incident: number, person: string, _at: number): void {
    this.update(incident, (i) => {
      if (!i.people.includes(person) && i.people.length < 200) i.people.push(person);
    });
  }

  acknowledged(incident: number, at: number): void {
    this.update(incident, (i) => {
      if (i.ackedAt === undefined || at < i.ackedAt) i.ackedAt = at;
    });
  }

  get(id: number): Incident | undefined {
    return this.rows(this.d.db.prepare('SELECT id AS key, body FROM incidents WHERE id = ?').all(id))[0];
  }

  /** Newest first. */
  list(q: { state?: Incident['state']; since?: number; limit?: number } = {}): Incident[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.state) (where.push('state = ?'), args.push(q.state));
    if (q.since !== undefined) (where.push('opened_at >= ?'), args.push(q.since));
    const sql = `SELECT id AS key, body FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ${q.limit ?? 100}`;
    return this.rows(this.d.db.prepare(sql).all(...args));
  }

  /** Incidents opened in [since, until), oldest first (a month's review: bounded by the period). */
  openedIn(since: number, until: number, limit = 5_000): Incident[] {
    return this.rows(
      this.d.db
        .prepare(`SELECT id AS key, body FROM incidents WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, id LIMIT ${limit}`)
        .all(since, until),
    );
  }

  note(id: number, text: string, by: string): Incident {
    const at = this.d.clock.now();
    const incident = this.update(id, (i) => {
      if (i.notes.length >= 500) throw new Error(`incident ${id} has 500 notes already`);
      i.notes.push({ at, by, text });
      if (!i.people.includes(by) && i.people.length < 200) i.people.push(by);
    });
    this.d.record({ type: 'incident.noted', ts: at, by, data: { incident: id, text } });
    return incident;
  }

  /** Closes it with the impact measured over its window (incident-impact.ts). */
  resolve(id: number, by: string, impactMs: number, at: number): Incident {
    const incident = this.update(id, (i) => {
      if (i.state === 'resolved') throw new Error(`incident ${id} is resolved already`);
      Object.assign(i, { state: 'resolved', resolvedAt: at, resolvedBy: by, impactMs });
    });
    this.d.record({ type: 'incident.resolved', ts: at, by, data: { incident: id, impactMs } });
    return incident;
  }

  review(id: number, change: Partial<IncidentReview>): Incident {
    return this.update(id, (i) => {
      const before = i.review ?? { followUps: [] };
      i.review = {
        ...before,
        ...(change.cause !== undefined ? { cause: change.cause } : {}),
        ...(change.fix !== undefined ? { fix: change.fix } : {}),
        followUps: change.followUps ?? before.followUps,
      };
    });
  }

  /** Or throws "no incident N" (the handlers' answer). */
  must(id: number): Incident {
    const incident = this.get(id);
    if (!incident) throw new Error(`no incident ${id}`);
    return incident;
  }

  private update(id: number, change: (i: Incident) => void): Incident {
    const incident = this.must(id);
    change(incident);
    this.save(incident);
    return incident;
  }

  private save(i: Incident): void {
    this.d.db
      .prepare('UPDATE incidents SET state = ?, opened_at = ?, body = ? WHERE id = ?')
      .run(i.state, i.openedAt, JSON.stringify(i), i.id);
  }

  private openSince(since: number): Incident[] {
    return this.rows(
      this.d.db
        .prepare("SELECT id AS key, body FROM incidents WHERE state = 'open' AND opened_at >= ? ORDER BY opened_at DESC, id DESC LIMIT 100")
        .all(since),
    );
  }

  /** The agent of an incident without a studio: remembered at its opening, else from its stored alerts' labels. */
  private incidentAgent(i: Incident): string | undefined {
    const known = this.agentOf.get(i.id);
    if (known !== undefined) return known;
    const row = this.d.db
      .prepare(
        "SELECT json_extract(body, '$.labels.agent') AS agent FROM alerts WHERE incident = ? AND json_extract(body, '$.labels.agent') IS NOT NULL LIMIT 1",
      )
      .get(i.id) as { agent: string } | undefined;
    if (row) this.agentOf.set(i.id, row.agent);
    return row?.agent;
  }
}
