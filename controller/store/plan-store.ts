/**
 * The studio's plan in the controller's SQLite file: shows, test jobs, maintenance schedules and
 * pre-show checklists. Jobs are rows, so a job survives a controller restart: one found running at
 * boot was interrupted and is marked so, and a fresh copy is queued.
 */
import type Database from 'better-sqlite3';
import type { Checklist, Job, JobKind, JobState, Schedule, Show } from '../../protocols/plan-schemas.ts';

export const PLAN_SCHEMA = `
CREATE TABLE IF NOT EXISTS shows (id TEXT PRIMARY KEY, starts_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, agent TEXT NOT NULL, device TEXT NOT NULL,
  kind TEXT NOT NULL, show TEXT, not_before INTEGER NOT NULL, created_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_not_before ON jobs (not_before);
CREATE TABLE IF NOT EXISTS schedules (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checklists (show TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plan_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

export type NewJob = Omit<Job, 'id' | 'state' | 'attempt'> & { attempt?: number };

export class PlanStore {
  /** `db` has the plan's tables (controller/store/migrations.ts). */
  constructor(private readonly db: Database.Database) {}

  saveShow(show: Show): void {
    this.db
      .prepare(
        'INSERT INTO shows (id, starts_at, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET starts_at = excluded.starts_at, body = excluded.body',
      )
      .run(show.id, show.startsAt, JSON.stringify(show));
  }

  show(id: string): Show | undefined {
    const row = this.db.prepare('SELECT body FROM shows WHERE id = ?').get(id) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as Show);
  }

  /** Shows still to come or on air: what the scheduler and the protection rules look at every tick. */
  activeShows(): Show[] {
    const rows = this.db
      .prepare("SELECT body FROM shows WHERE json_extract(body, '$.state') IN ('scheduled', 'on_air') ORDER BY starts_at, id")
      .all() as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as Show);
  }

  shows(): Show[] {
    return (this.db.prepare('SELECT body FROM shows ORDER BY starts_at, id').all() as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as Show,
    );
  }

  addJob(job: NewJob): Job {
    const full = { ...job, state: 'queued' as const, attempt: job.attempt ?? 1 };
    const info = this.db
      .prepare('INSERT INTO jobs (state, agent, device, kind, show, not_before, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(full.state, full.agent, full.device, full.kind, full.show ?? null, full.notBefore, full.createdAt, '{}');
    const stored: Job = { id: Number(info.lastInsertRowid), ...full };
    this.updateJob(stored);
    return stored;
  }

  updateJob(job: Job): void {
    this.db
      .prepare('UPDATE jobs SET state = ?, not_before = ?, body = ? WHERE id = ?')
      .run(job.state, job.notBefore, JSON.stringify(job), job.id);
  }

  jobsIn(state: JobState): Job[] {
    return (this.db.prepare('SELECT body FROM jobs WHERE state = ? ORDER BY not_before, id').all(state) as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as Job,
    );
  }

  jobsOfShow(show: string): Job[] {
    return (this.db.prepare('SELECT body FROM jobs WHERE show = ? ORDER BY id').all(show) as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as Job,
    );
  }

  history(q: { agent?: string; device?: string; kind?: JobKind; state?: JobState; since?: number; limit?: number }): Job[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.agent) (where.push('agent = ?'), args.push(q.agent));
    if (q.device) (where.push('device = ?'), args.push(q.device));
    if (q.kind) (where.push('kind = ?'), args.push(q.kind));
    if (q.state) (where.push('state = ?'), args.push(q.state));
    if (q.since !== undefined) (where.push('created_at >= ?'), args.push(q.since));
    const sql = `SELECT body FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${q.limit ?? 200}`;
    return (this.db.prepare(sql).all(...args) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Job);
  }

  /** When a device last passed a test (for maintenance intervals). */
  lastPassed(agent: string, device: string): number | undefined {
    const row = this.db
      .prepare("SELECT body FROM jobs WHERE agent = ? AND device = ? AND state = 'passed' ORDER BY id DESC LIMIT 1")
      .get(agent, device) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Job).finishedAt : undefined;
  }

  saveSchedule(s: Schedule): void {
    this.db
      .prepare('INSERT INTO schedules (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body')
      .run(s.id, JSON.stringify(s));
  }

  schedules(): Schedule[] {
    return (this.db.prepare('SELECT body FROM schedules ORDER BY id').all() as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as Schedule,
    );
  }

  removeSchedule(id: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }

  saveChecklist(c: Checklist): void {
    this.db
      .prepare('INSERT INTO checklists (show, body) VALUES (?, ?) ON CONFLICT(show) DO UPDATE SET body = excluded.body')
      .run(c.show, JSON.stringify(c));
  }

  checklist(show: string): Checklist | undefined {
    const row = this.db.prepare('SELECT body FROM checklists WHERE show = ?').get(show) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as Checklist);
  }

  /** The plan has been checked up to this time: after a restart, what fell due since then is caught up. */
  checkedUntil(): number | undefined {
    const row = this.db.prepare("SELECT value FROM plan_state WHERE key = 'checked_until'").get() as { value: number } | undefined;
    return row?.value;
  }

  saveCheckedUntil(ts: number): void {
    this.db
      .prepare("INSERT INTO plan_state (key, value) VALUES ('checked_until', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(ts);
  }

  /** Whether this occurrence of a schedule already has its jobs (a window is opened once, even across restarts). */
  windowOpened(schedule: string, opensAt: number): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM jobs WHERE kind = 'maintenance' AND not_before = ? AND json_extract(body, '$.schedule') = ? LIMIT 1")
        .get(opensAt, schedule) !== undefined
    );
  }
}
