/**
 * Alerts in the `alerts` table (migration 6; its owner's login a column since migration 10; mirrored to PostgreSQL for a pair like every table):
 * the whole record as JSON in `body`, beside the columns queries select on. Open alerts are read
 * back at start and after a takeover, so escalation continues at the stored times.
 */
import type Database from 'better-sqlite3';
import type { Alert, AlertState } from '../../../protocols/alerting.ts';

export interface AlertQuery {
  state?: AlertState | 'open';
  since?: number;
  /** Only the alerts this login holds. */
  owner?: string;
  limit?: number;
}

const parse = (row: { body: string } | undefined): Alert | undefined => (row ? (JSON.parse(row.body) as Alert) : undefined);

export class AlertStore {
  private readonly insertRow: Database.Statement;
  private readonly updateRow: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly openRows: Database.Statement;
  private readonly resolvedRows: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertRow = db.prepare(`INSERT INTO alerts (key, state, incident, starts_at, body) VALUES (?, 'firing', 0, ?, '{}')`);
    this.updateRow = db.prepare('UPDATE alerts SET key = ?, state = ?, incident = ?, starts_at = ?, owner = ?, body = ? WHERE id = ?');
    this.byId = db.prepare('SELECT body FROM alerts WHERE id = ?');
    this.openRows = db.prepare(`SELECT body FROM alerts WHERE state IN ('firing', 'acknowledged') ORDER BY id`);
    this.resolvedRows = db.prepare(`SELECT body FROM alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT ?`);
  }

  /** A new row's id (its incident is known once the IncidentBook has the id: `save` follows). */
  reserve(key: string, startsAt: number): number {
    return Number(this.insertRow.run(key, startsAt).lastInsertRowid);
  }

  save(alert: Alert): void {
    this.updateRow.run(alert.key, alert.state, alert.incident, alert.startsAt, alert.owner?.login ?? null, JSON.stringify(alert), alert.id);
  }

  get(id: number): Alert | undefined {
    return parse(this.byId.get(id) as { body: string } | undefined);
  }

  open(): Alert[] {
    return (this.openRows.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert);
  }

  /** Resolved at or after `since` (among the newest `scan` resolved): the ones a flap may bring back. */
  resolvedSince(since: number, scan = 1_000): Alert[] {
    return (this.resolvedRows.all(scan) as Array<{ body: string }>)
      .map((r) => JSON.parse(r.body) as Alert)
      .filter((a) => (a.endsAt ?? 0) >= since);
  }

  /** Open first (firing, then acknowledged), newest first. */
  list(q: AlertQuery): Alert[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.state === 'open') where.push(`state IN ('firing', 'acknowledged')`);
    else if (q.state) where.push('state = ?') && args.push(q.state);
    if (q.since !== undefined) where.push('starts_at >= ?') && args.push(q.since);
    if (q.owner !== undefined) where.push('owner = ?') && args.push(q.owner);
    const sql = `SELECT body FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY CASE state WHEN 'firing' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 100) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert);
  }
}
