/**
 * The prepared plans: runbooks/*.md in the repository (read at start) and the ones technicians add
 * (stored in the `runbooks` table, shared by a pair). A stored runbook wins over the repository's of
 * the same id, so a studio can adapt a shipped plan without editing the repository.
 */
import type Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Runbook, type AlertKind } from '../../../protocols/alerting.ts';
import type { CorruptRowHandler } from '../../store/stored-rows.ts';
import { storedBodies } from '../incidents/stored-bodies.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import type { Handlers } from '../../requests.ts';
import type { RunbookLibrary, RunbookOps } from '../types.ts';
import { parseRunbookFile, type RunbookFile } from './front-matter.ts';

export interface RunbookShelfDeps {
  db: Database.Database;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => unknown;
  /** The repository's runbooks folder (runbooks/ in the package). */
  dir: string;
  /** A stored runbook that no longer matches its schema (it is skipped). */
  onCorrupt?: CorruptRowHandler;
}

/** The repository's runbooks; a file that is not a runbook is logged and skipped, never fatal. */
export function readRunbookDir(dir: string, log: Logger, at: number): Runbook[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md') && n !== 'README.md');
  } catch {
    return [];
  }
  const out: Runbook[] = [];
  for (const name of names.sort()) {
    try {
      out.push({ ...parseRunbookFile(readFileSync(path.join(dir, name), 'utf8'), name), source: 'repository', updatedAt: at });
    } catch (err) {
      log.warn({ file: path.join(dir, name), err: String(err) }, 'runbook skipped');
    }
  }
  return out;
}

export class RunbookShelf implements RunbookLibrary {
  private readonly repository: Map<string, Runbook>;

  constructor(private readonly d: RunbookShelfDeps) {
    this.repository = new Map(readRunbookDir(d.dir, d.log, d.clock.now()).map((r) => [r.id, r]));
  }

  all(): Runbook[] {
    const byId = new Map(this.repository);
    for (const r of this.stored()) byId.set(r.id, r);
    return [...byId.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || (a.role ?? '').localeCompare(b.role ?? '') || a.id.localeCompare(b.id),
    );
  }

  get(id: string): Runbook | undefined {
    return this.read(this.d.db.prepare('SELECT id AS key, body FROM runbooks WHERE id = ?').all(id))[0] ?? this.repository.get(id);
  }

  forAlert(kind: AlertKind, role: string | undefined): Runbook | undefined {
    const ofKind = this.all().filter((r) => r.kind === kind);
    return (role !== undefined ? ofKind.find((r) => r.role === role) : undefined) ?? ofKind.find((r) => r.role === undefined);
  }

  add(file: RunbookFile, by: string): Runbook {
    const existed = this.get(file.id) !== undefined;
    const runbook: Runbook = { ...file, source: 'store', updatedAt: this.d.clock.now(), updatedBy: by };
    this.d.db
      .prepare(
        'INSERT INTO runbooks (id, kind, role, body) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, role=excluded.role, body=excluded.body',
      )
      .run(runbook.id, runbook.kind, runbook.role ?? null, JSON.stringify(runbook));
    this.d.record({
      type: 'people.changed',
      ts: runbook.updatedAt,
      by,
      data: { what: 'runbook', id: runbook.id, change: existed ? 'updated' : 'added' },
    });
    return runbook;
  }

  private stored(): Runbook[] {
    return this.read(this.d.db.prepare('SELECT id AS key, body FROM runbooks ORDER BY id LIMIT 1000').all());
  }

  private read(rows: unknown[]): Runbook[] {
    return storedBodies(Runbook, 'runbooks', rows as Array<{ key: string; body: string }>, this.d.onCorrupt ?? (() => undefined));
  }
}

export function runbookHandlers(shelf: RunbookShelf): Pick<Handlers, RunbookOps> {
  return {
    'runbook.add': (p, by) => shelf.add(p, by),
    'runbook.list': () => ({ runbooks: shelf.all() }),
    'runbook.show': (p) => {
      if (p.id !== undefined) {
        const found = shelf.get(p.id);
        if (!found) throw new Error(`no runbook "${p.id}"`);
        return found;
      }
      if (p.kind === undefined) throw new Error('name a runbook by its id, or an alert kind (and role)');
      const found = shelf.forAlert(p.kind, p.role);
      if (!found) throw new Error(`no runbook for ${p.kind}${p.role ? ` (${p.role})` : ''} alerts`);
      return found;
    },
  };
}
