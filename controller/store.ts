/**
 * Durable state in SQLite (better-sqlite3 12.x; 13.x crashes on Node 20): the registry,
 * slot assignments and the append-only event log. Written on state changes only, never
 * per health message.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ControllerEvent, DeviceRef, DeviceStatus, EventsParams } from '../protocols/schemas.ts';
import type { AgentRecord, DeviceRecord } from './registry.ts';
import { CatalogStore, CATALOG_SCHEMA } from './catalog-store.ts';
import { PlanStore } from './plan-store.ts';

export type NewEvent = Omit<ControllerEvent, 'seq'>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, online INTEGER NOT NULL, session INTEGER NOT NULL,
  last_seen_at INTEGER, heartbeat_deadline_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  agent TEXT NOT NULL, device TEXT NOT NULL, status TEXT NOT NULL, since INTEGER NOT NULL,
  reported TEXT NOT NULL, detail TEXT, driver TEXT, kind TEXT, PRIMARY KEY (agent, device));
CREATE TABLE IF NOT EXISTS slot_assignments (
  slot TEXT PRIMARY KEY, active_agent TEXT, active_device TEXT, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, type TEXT NOT NULL,
  agent TEXT, device TEXT, slot TEXT, by TEXT, reason TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
`;

interface EventRow {
  seq: number;
  ts: number;
  type: ControllerEvent['type'];
  agent: string | null;
  device: string | null;
  slot: string | null;
  by: string | null;
  reason: string | null;
  data: string;
}

export class Store {
  private readonly db: Database.Database;
  private readonly statements;
  /** Profiles, registered devices, slots and each agent's desired config version. */
  readonly catalog: CatalogStore;
  /** Shows, test jobs, schedules and checklists. */
  readonly plan: PlanStore;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'onair.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.db.exec(CATALOG_SCHEMA);
    this.catalog = new CatalogStore(this.db);
    this.plan = new PlanStore(this.db);
    this.statements = {
      saveAgent: this.db.prepare(
        `INSERT INTO agents (id, online, session, last_seen_at, heartbeat_deadline_ms) VALUES (@id, @online, @session, @lastSeenAt, @heartbeatDeadlineMs)
         ON CONFLICT(id) DO UPDATE SET online=excluded.online, session=excluded.session, last_seen_at=excluded.last_seen_at, heartbeat_deadline_ms=excluded.heartbeat_deadline_ms`,
      ),
      saveDevice: this.db.prepare(
        `INSERT INTO devices (agent, device, status, since, reported, detail, driver, kind) VALUES (@agent, @device, @status, @since, @reported, @detail, @driver, @kind)
         ON CONFLICT(agent, device) DO UPDATE SET status=excluded.status, since=excluded.since, reported=excluded.reported, detail=excluded.detail, driver=excluded.driver, kind=excluded.kind`,
      ),
      saveSlot: this.db.prepare(
        `INSERT INTO slot_assignments (slot, active_agent, active_device, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(slot) DO UPDATE SET active_agent=excluded.active_agent, active_device=excluded.active_device, updated_at=excluded.updated_at`,
      ),
      appendEvent: this.db.prepare(
        'INSERT INTO events (ts, type, agent, device, slot, by, reason, data) VALUES (@ts, @type, @agent, @device, @slot, @by, @reason, @data)',
      ),
    };
  }

  saveAgent(a: AgentRecord): void {
    this.statements.saveAgent.run({ ...a, online: a.online ? 1 : 0 });
  }

  saveDevice(d: DeviceRecord): void {
    this.statements.saveDevice.run({
      agent: d.agent,
      device: d.device,
      status: d.track.status,
      since: d.track.since,
      reported: d.track.reported,
      detail: d.track.detail ?? null,
      driver: d.driver ?? null,
      kind: d.kind ?? null,
    });
  }

  saveSlotActive(slot: string, active: DeviceRef | null, at: number): void {
    this.statements.saveSlot.run(slot, active?.agent ?? null, active?.device ?? null, at);
  }

  appendEvent(event: NewEvent): ControllerEvent {
    const info = this.statements.appendEvent.run({
      ts: event.ts,
      type: event.type,
      agent: event.agent ?? null,
      device: event.device ?? null,
      slot: event.slot ?? null,
      by: event.by ?? null,
      reason: event.reason ?? null,
      data: JSON.stringify(event.data),
    });
    return { ...event, seq: Number(info.lastInsertRowid) };
  }

  events(query: EventsParams = {}): ControllerEvent[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (query.since !== undefined) (where.push('ts >= ?'), args.push(query.since));
    if (query.slot) (where.push('slot = ?'), args.push(query.slot));
    if (query.device) (where.push('device = ?'), args.push(query.device));
    const limit = query.limit ?? 1_000;
    // Newest `limit` rows, returned oldest first.
    const sql = `SELECT * FROM (SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${limit}) ORDER BY seq ASC`;
    return (this.db.prepare(sql).all(...args) as EventRow[]).map(toEvent);
  }

  /** Every event up to `until`, oldest first: reports read the whole history so a past period is reproducible. */
  eventsUntil(until: number): ControllerEvent[] {
    return (this.db.prepare('SELECT * FROM events WHERE ts <= ? ORDER BY seq ASC').all(until) as EventRow[]).map(toEvent);
  }

  /** The on-air override an engineer or the config last set by hand (shows aside), from the event log. */
  lastOnAir(): boolean | undefined {
    const row = this.db.prepare("SELECT data FROM events WHERE type = 'onair.changed' ORDER BY seq DESC LIMIT 1").get() as { data: string } | undefined;
    if (!row) return undefined;
    const data = JSON.parse(row.data) as { onAir: boolean; manualOnAir?: boolean };
    return data.manualOnAir ?? data.onAir;
  }

  /** A device that was unregistered: its last known state goes with it. */
  deleteDevice(agent: string, device: string): void {
    this.db.prepare('DELETE FROM devices WHERE agent = ? AND device = ?').run(agent, device);
  }

  loadAgents(): AgentRecord[] {
    return (this.db.prepare('SELECT * FROM agents').all() as Array<{ id: string; online: number; session: number; last_seen_at: number | null; heartbeat_deadline_ms: number }>).map((r) => ({
      id: r.id,
      online: r.online === 1,
      session: r.session,
      lastSeenAt: r.last_seen_at,
      heartbeatDeadlineMs: r.heartbeat_deadline_ms,
    }));
  }

  loadDevices(): DeviceRecord[] {
    type Row = { agent: string; device: string; status: DeviceStatus; since: number; reported: DeviceStatus; detail: string | null; driver: string | null; kind: string | null };
    return (this.db.prepare('SELECT * FROM devices').all() as Row[]).map((r) => ({
      agent: r.agent,
      device: r.device,
      ...(r.driver ? { driver: r.driver } : {}),
      ...(r.kind ? { kind: r.kind } : {}),
      track: { status: r.status, since: r.since, reported: r.reported, lastHealthAt: null, pending: null, ...(r.detail ? { detail: r.detail } : {}) },
    }));
  }

  loadSlotAssignments(): Map<string, DeviceRef | null> {
    type Row = { slot: string; active_agent: string | null; active_device: string | null };
    const rows = this.db.prepare('SELECT slot, active_agent, active_device FROM slot_assignments').all() as Row[];
    return new Map(rows.map((r) => [r.slot, r.active_agent && r.active_device ? { agent: r.active_agent, device: r.active_device } : null]));
  }

  close(): void {
    this.db.close();
  }
}

function toEvent(r: EventRow): ControllerEvent {
  return {
    seq: r.seq,
    ts: r.ts,
    type: r.type,
    ...(r.agent ? { agent: r.agent } : {}),
    ...(r.device ? { device: r.device } : {}),
    ...(r.slot ? { slot: r.slot } : {}),
    ...(r.by ? { by: r.by } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
