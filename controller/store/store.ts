/**
 * Durable state in SQLite (better-sqlite3 12.x; 13.x crashes on Node 20): the registry,
 * slot assignments and the append-only event log. Written on state changes only, never
 * per health message.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { Identities } from '../identity/identities.ts';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { DeviceStatus, Id, Session, Timestamp, type DeviceRef } from '../../protocols/schemas.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import type { AgentRecord, DeviceRecord } from './fleet-rows.ts';
import { checkedRows, type CorruptRowHandler } from './stored-rows.ts';
import { rowsToEvents, SqliteHistory, type EventRow, type HeldEvents, type History } from './history.ts';
import { WriteBehind } from './write-behind.ts';
import { CatalogStore } from './catalog-store.ts';
import { migrate, type MigrationReport } from './migrations.ts';
import { PlanStore } from './plan-store.ts';
import { SessionRows } from './session-rows.ts';
import { WallLayoutRows } from './wall-layout-rows.ts';

/** What a row of `agents` must hold to be used again. */
const StoredAgent = Type.Object({
  id: Id,
  online: Type.Boolean(),
  session: Session,
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
  heartbeatDeadlineMs: Type.Integer({ minimum: 1 }),
});
/** What a row of `devices` must hold to be used again. */
const StoredDevice = Type.Object({
  agent: Id,
  device: Id,
  status: DeviceStatus,
  since: Timestamp,
  reported: DeviceStatus,
  detail: Type.Union([Type.String(), Type.Null()]),
  driver: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.String(), Type.Null()]),
});
const StoredAssignment = Type.Object({
  slot: Type.String({ minLength: 1 }),
  active: Type.Union([Type.Object({ agent: Id, device: Id }), Type.Null()]),
});

export interface StoreHooks {
  /** A stored row that no longer matches its schema (it is skipped). */
  onCorrupt?: CorruptRowHandler;
  /** The disk refused a write the decisions depend on: it is held in memory (see WriteBehind). */
  onTrouble?: (err: Error) => void;
  onRecovered?: (written: number) => void;
  /** The database's schema was brought up to date (an older database after an upgrade). */
  onMigrated?: (report: MigrationReport) => void;
  /** A working copy mirrored to another database (controller/store/store-postgres.ts). */
  mirror?: StoreMirror;
  /**
   * Where history lives when it is not in this database (PostgreSQL), given the events written here
   * and not yet there; and the last event number it holds.
   */
  history?: { open: (held: HeldEvents) => History; lastSeq: number };
}

/** What the Store needs of a mirror: its backlog, a retry, and a last chance to send at close. */
export interface StoreMirror {
  pending(): number;
  readonly lastError: string | undefined;
  retry(): void;
  /** Sends what is left within `timeoutMs`; resolves with the rows left unsent. */
  settle(timeoutMs: number): Promise<number>;
  /** Resolves true once every change made so far is committed, false after `timeoutMs`. */
  durable(timeoutMs: number): Promise<boolean>;
}

/** Failover goes on; the alarm says what is at stake (events held in memory until the disk takes them). */
export function storageAlarms(d: {
  log: Logger;
  clock: Clock;
  record: (e: NewEvent) => void;
}): Required<Pick<StoreHooks, 'onTrouble' | 'onRecovered'>> {
  return {
    onTrouble: (err) => {
      d.log.error(
        { err: err.message },
        'the database refused a write: failover continues, state and events are held in memory until it takes them again',
      );
      const reason = `the controller cannot write to its database (${err.message}): failover continues; state and events are held in memory (up to 50000 events) until it can`;
      d.record({ type: 'alarm', ts: d.clock.now(), reason, data: { severity: 'critical', cause: 'storage' } });
    },
    onRecovered: (written) => {
      d.log.info({ written }, 'the database takes writes again: everything held has been written');
      d.record({
        type: 'alarm',
        ts: d.clock.now(),
        reason: `the database takes writes again; ${written} held writes and events were written`,
        data: { severity: 'cleared', cause: 'storage' },
      });
    },
  };
}

/** Unsent events read with the history (the newest ones; a request reads at most 10,000). */
const UNSENT_READ = 10_000;

export class Store {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly behind: WriteBehind<ControllerEvent>;
  private readonly onCorrupt: CorruptRowHandler;
  /** Event numbers are ours, not SQLite's: an event held in memory keeps its place in the log. */
  private nextSeq: number;
  private closed = false;
  private readonly mirror: StoreMirror | undefined;
  /** Profiles, registered devices, slots and each agent's desired config version. */
  readonly catalog: CatalogStore;
  /** Shows, test jobs, schedules and checklists. */
  readonly plan: PlanStore;
  /** The console's sessions, hashed (controller/store/session-rows.ts): a takeover keeps them. */
  readonly consoleSessions: SessionRows;
  /** The walls' layouts, per person and per screen (controller/store/wall-layout-rows.ts). */
  readonly wallLayouts: WallLayoutRows;
  /**
   * The event log read back: bounded, asynchronous (controller/store/history.ts). Kept apart from the
   * state above so that nothing loads history by accident; writes go through appendEvent.
   */
  readonly history: History;

  /** Enrolled agents and people, in this database (controller/identity/identities.ts). */
  identities(clock: Clock): Identities {
    return new Identities({ db: this.db, clock });
  }

  /**
   * The database emergency response keeps its tables in (controller/alerting/alerting-schema.ts):
   * its parts own their queries, as the identities do; mirrored to PostgreSQL like every table.
   */
  alertingDatabase(): Database.Database {
    return this.db;
  }

  /** A data directory for the embedded SQLite file, or a working copy already migrated and loaded (PostgreSQL). */
  constructor(dataDir: string | Database.Database, hooks: StoreHooks = {}) {
    this.onCorrupt = hooks.onCorrupt ?? (() => undefined);
    this.mirror = hooks.mirror;
    if (typeof dataDir === 'string') {
      mkdirSync(dataDir, { recursive: true });
      this.db = new Database(path.join(dataDir, 'onair.sqlite'));
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    } else this.db = dataDir;
    migrate(this.db, hooks.onMigrated);
    this.catalog = new CatalogStore(this.db);
    this.plan = new PlanStore(this.db);
    this.consoleSessions = new SessionRows(this.db, this.onCorrupt, (ms) => this.durable(ms));
    this.wallLayouts = new WallLayoutRows(this.db, this.onCorrupt);
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
        'INSERT INTO events (seq, ts, type, agent, device, slot, by, reason, data) VALUES (@seq, @ts, @type, @agent, @device, @slot, @by, @reason, @data)',
      ),
      deleteDevice: this.db.prepare('DELETE FROM devices WHERE agent = ? AND device = ?'),
    };
    const localSeq = (this.db.prepare('SELECT MAX(seq) AS seq FROM events').get() as { seq: number | null }).seq ?? 0;
    this.nextSeq = Math.max(localSeq, hooks.history?.lastSeq ?? 0) + 1;
    this.behind = new WriteBehind<ControllerEvent>(
      (e) =>
        this.statements.appendEvent.run({
          ...e,
          agent: e.agent ?? null,
          device: e.device ?? null,
          slot: e.slot ?? null,
          by: e.by ?? null,
          reason: e.reason ?? null,
          data: JSON.stringify(e.data),
        }),
      (work) => this.db.transaction(work)(),
      { onTrouble: hooks.onTrouble ?? (() => undefined), onRecovered: hooks.onRecovered ?? (() => undefined) },
    );
    if (hooks.history) {
      // Events written here stay only until the mirror sent them (a bounded remainder): read with the rest.
      const unsent = this.db.prepare(`SELECT * FROM events ORDER BY seq DESC LIMIT ${UNSENT_READ}`);
      const held = (): ControllerEvent[] =>
        this.closed ? [] : [...rowsToEvents((unsent.all() as EventRow[]).reverse(), this.onCorrupt), ...this.behind.heldEvents()];
      this.history = hooks.history.open(held);
    } else this.history = new SqliteHistory(this.db, () => this.behind.heldEvents(), this.onCorrupt);
  }

  /** What the disk has not taken yet, and what had to be dropped (events past the bound). */
  backlog(): { events: number; writes: number; droppedEvents: number; error?: string } {
    const held = this.behind.pending;
    const error = this.behind.lastError ?? this.mirror?.lastError;
    return {
      events: held.events,
      writes: held.writes + (this.closed ? 0 : (this.mirror?.pending() ?? 0)),
      droppedEvents: this.behind.dropped,
      ...(error ? { error } : {}),
    };
  }

  /** Undefined when what was written is already durable (SQLite, written in place); else resolves once it is, or after `timeoutMs`. */
  durable(timeoutMs = 500): Promise<boolean> | undefined {
    return this.mirror && !this.closed ? this.mirror.durable(timeoutMs) : undefined;
  }

  /** Writes what the disk (or the mirror) refused earlier; true when nothing is held here any more. On the controller's timer. */
  flush(): boolean {
    if (this.closed) return true;
    this.mirror?.retry();
    return this.behind.flush();
  }

  saveAgent(a: AgentRecord): void {
    this.rowWrite(`agent:${a.id}`, () =>
      this.statements.saveAgent.run({
        id: a.id,
        online: a.online ? 1 : 0,
        session: a.session,
        lastSeenAt: a.lastSeenAt,
        heartbeatDeadlineMs: a.heartbeatDeadlineMs,
      }),
    );
  }

  saveDevice(d: DeviceRecord): void {
    this.rowWrite(`device:${d.agent}/${d.device}`, () =>
      this.statements.saveDevice.run({
        agent: d.agent,
        device: d.device,
        status: d.track.status,
        since: d.track.since,
        reported: d.track.reported,
        detail: d.track.detail ?? null,
        driver: d.driver ?? null,
        kind: d.kind ?? null,
      }),
    );
  }

  /** A device that was unregistered: its last known state goes with it. */
  deleteDevice(agent: string, device: string): void {
    this.rowWrite(`device:${agent}/${device}`, () => this.statements.deleteDevice.run(agent, device));
  }

  saveSlotActive(slot: string, active: DeviceRef | null, at: number): void {
    this.rowWrite(`slot:${slot}`, () => this.statements.saveSlot.run(slot, active?.agent ?? null, active?.device ?? null, at));
  }

  /** Numbered now, written now or as soon as the disk takes it. */
  appendEvent(event: NewEvent): ControllerEvent {
    const stored: ControllerEvent = { ...event, seq: this.nextSeq++ };
    if (!this.closed) this.behind.append(stored);
    return stored;
  }

  private rowWrite(key: string, work: () => void): void {
    if (!this.closed) this.behind.write(key, work);
  }

  loadAgents(): AgentRecord[] {
    type Row = { id: string; online: number; session: number; last_seen_at: number | null; heartbeat_deadline_ms: number };
    const rows = (this.db.prepare('SELECT * FROM agents').all() as Row[]).map((r) => ({
      key: r.id,
      value: {
        id: r.id,
        online: r.online === 1,
        session: r.session,
        lastSeenAt: r.last_seen_at,
        heartbeatDeadlineMs: r.heartbeat_deadline_ms,
      },
    }));
    return checkedRows(StoredAgent, 'agents', rows, this.onCorrupt);
  }

  loadDevices(): DeviceRecord[] {
    const rows = (this.db.prepare('SELECT * FROM devices').all() as Array<Record<string, unknown>>).map((r) => ({
      key: `${String(r.agent)}/${String(r.device)}`,
      value: r,
    }));
    return checkedRows(StoredDevice, 'devices', rows, this.onCorrupt).map((r) => ({
      agent: r.agent,
      device: r.device,
      ...(r.driver ? { driver: r.driver } : {}),
      ...(r.kind ? { kind: r.kind } : {}),
      track: {
        status: r.status,
        since: r.since,
        reported: r.reported,
        lastHealthAt: null,
        pending: null,
        ...(r.detail ? { detail: r.detail } : {}),
      },
    }));
  }

  loadSlotAssignments(): Map<string, DeviceRef | null> {
    type Row = { slot: string; active_agent: string | null; active_device: string | null };
    const rows = (this.db.prepare('SELECT slot, active_agent, active_device FROM slot_assignments').all() as Row[]).map((r) => ({
      key: r.slot,
      value: {
        slot: r.slot,
        active: r.active_agent !== null || r.active_device !== null ? { agent: r.active_agent, device: r.active_device } : null,
      },
    }));
    return new Map(checkedRows(StoredAssignment, 'slot_assignments', rows, this.onCorrupt).map((r) => [r.slot, r.active]));
  }

  /** Writes what it can of what is held, then closes; later writes are dropped (nothing runs after a stop). */
  isOpen(): boolean {
    return !this.closed;
  }

  /** Events recorded so far (the log is append-only: the last sequence number). */
  eventCount(): number {
    return this.nextSeq - 1;
  }

  /** Writes what it can of what is held (a mirror gets `settleMs` to take the rest), then closes. */
  async close(settleMs = 2_000): Promise<void> {
    if (this.closed) return;
    this.behind.flush();
    this.closed = true;
    if (this.mirror) await this.mirror.settle(settleMs); // SQLite alone closes at once, before this returns
    this.db.close();
    await this.history.close();
  }
}
