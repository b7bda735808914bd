/**
 * The `notifications` table (controller/alerting/alerting-schema.ts): each row's record is the
 * Notification schema as JSON (`body`) beside the columns the queue selects on. Rows read back are
 * checked against the schema; a row that no longer matches is reported and left alone.
 */
import type Database from 'better-sqlite3';
import { Notification, type NotificationReason } from '../../../protocols/alerting.ts';
import { checkedRows, type CorruptRowHandler } from '../../store/stored-rows.ts';

type Row = { id: number; body: string };

export class NotificationRows {
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    private readonly onCorrupt: CorruptRowHandler,
  ) {
    this.sql = {
      insert: db.prepare('INSERT INTO notifications (state, next_attempt_at, alert, contact, body) VALUES (?, ?, ?, ?, ?)'),
      save: db.prepare('UPDATE notifications SET state = ?, next_attempt_at = ?, body = ? WHERE id = ?'),
      get: db.prepare('SELECT id, body FROM notifications WHERE id = ?'),
      // The head of each contact point's queue (its oldest queued row: per-contact order), soonest first.
      // SQLite answers the bare columns from the row MIN(id) picked.
      heads: db.prepare(
        `SELECT id, body FROM (SELECT MIN(id) AS id, body, next_attempt_at FROM notifications WHERE state = 'queued' GROUP BY contact)
         ORDER BY next_attempt_at, id`,
      ),
      queuedOfContact: db.prepare(`SELECT id, body FROM notifications WHERE state = 'queued' AND contact = ? ORDER BY id`),
      queuedOfAlert: db.prepare(`SELECT id, body FROM notifications WHERE state = 'queued' AND alert = ? ORDER BY id`),
      pendingDigests: db.prepare(
        `SELECT id, body FROM notifications WHERE state = 'queued'
           AND json_extract(body, '$.reason') = 'digest' AND json_extract(body, '$.attempts') = 0 ORDER BY id`,
      ),
      heldBy: db.prepare(`SELECT id, body FROM notifications WHERE state = 'dropped' AND json_extract(body, '$.digest') = ? ORDER BY id`),
    };
  }

  /** Stores a new row; its id is the table's. */
  insert(fields: Omit<Notification, 'id'>): Notification {
    return this.db.transaction(() => {
      const id = Number(
        this.sql.insert.run(fields.state, fields.nextAttemptAt, fields.alert ?? null, fields.contact, '{}').lastInsertRowid,
      );
      const row: Notification = { id, ...fields };
      this.save(row);
      return row;
    })();
  }

  save(row: Notification): void {
    this.sql.save.run(row.state, row.nextAttemptAt, JSON.stringify(row), row.id);
  }

  get(id: number): Notification | undefined {
    return this.read([this.sql.get.get(id) as Row | undefined].filter((r) => r !== undefined))[0];
  }

  /** Each contact point's oldest queued row, soonest due first. */
  heads(): Notification[] {
    return this.read(this.sql.heads.all() as Row[]);
  }

  queuedOfContact(contact: string): Notification[] {
    return this.read(this.sql.queuedOfContact.all(contact) as Row[]);
  }

  queuedOfAlert(alert: number, reasons: readonly NotificationReason[]): Notification[] {
    return this.read(this.sql.queuedOfAlert.all(alert) as Row[]).filter((n) => reasons.includes(n.reason));
  }

  /** The digests waiting for their contact point's window (not tried yet): what a storm adds to. */
  pendingDigests(): Notification[] {
    return this.read(this.sql.pendingDigests.all() as Row[]);
  }

  /** The rows a digest carries. */
  heldBy(digest: number): Notification[] {
    return this.read(this.sql.heldBy.all(digest) as Row[]);
  }

  /** Several changes as one (a storm merged into its digest). */
  together<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  private read(rows: Row[]): Notification[] {
    return checkedRows(
      Notification,
      'notifications',
      rows.map((r) => ({ key: String(r.id), value: JSON.parse(r.body) as unknown })),
      this.onCorrupt,
    );
  }
}
