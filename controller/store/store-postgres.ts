/**
 * Opens the Store on PostgreSQL for the controller that leads (controller/pair/leadership.ts): a working
 * copy in memory, loaded from PostgreSQL, whose every change is sent back by the leader's own
 * session in term-checked transactions (controller/store/pg-mirror.ts).
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import { errorMessage } from '../../lib/timeout.ts';
import { migrate } from './migrations.ts';
import {
  captureChanges,
  drainOutbox,
  FencedError,
  heldChanges,
  HISTORY_TABLES,
  loadTakeoverState,
  mirroredTables,
  newestPending,
  outboxSize,
  sendChanges,
  syncPostgresSchema,
  type Change,
  type MirroredTable,
} from './pg-mirror.ts';
import { Store, type StoreHooks, type StoreMirror } from './store.ts';
import type { SqliteHealthSamples } from './health-samples.ts';
import { PostgresHistory } from './history-postgres.ts';
import { PostgresHealthSamples } from './health-samples-postgres.ts';
import { followIdentities, LISTEN_IDENTITIES } from '../identity/pg-identities.ts';
import { LAST_ON_AIR_SQL } from './history.ts';
import type { HeldEvents } from './history.ts';
import type { PgConnectionSettings } from './pg-connection.ts';
import type { Logger } from '../../lib/logger.ts';

export interface PostgresStoreOptions {
  /** The session holding the leader's lock, and its term. */
  client: pg.ClientBase;
  /** The session to send writes on from now on (a leader that lived through an outage has a new one); `client` without it. */
  session?: () => pg.ClientBase;
  term: number;
  hooks?: StoreHooks;
  /** The term was overtaken: PostgreSQL names another leader. */
  onFenced: (reason: string) => void;
  /** Writes the previous term of this same controller could not send (its session ended): sent first, before loading. */
  replay?: Change[];
  /** How to open history's own connections (reads of the event log never use the leader's session). */
  connection: PgConnectionSettings;
  log?: Logger;
  /** A working copy migrated while standing by (prepareWorkingCopy): the takeover does not wait for it. */
  prepared?: PreparedCopy;
  /** A takeover's timeline: each step of opening, in ms since the lock. */
  mark?: (step: string) => void;
}

export interface OpenedPostgresStore {
  store: Store;
  /** After the store closed: the writes PostgreSQL never took (to replay if this controller leads again next). */
  unsent(): Change[];
  /** Rows copied into the working copy, and how long loading took. */
  loaded: { rows: number; ms: number };
}

/**
 * An empty working copy, migrated, its changes captured into the outbox, and its tables: nothing in
 * it needs the lock, so a standby makes it while it waits.
 */
export interface PreparedCopy {
  db: Database.Database;
  tables: MirroredTable[];
  /** Who is told of a change in the outbox: nobody until the store's drain is (the load's own rows are forgotten). */
  changed: { to: () => void };
}

export function prepareWorkingCopy(onMigrated?: StoreHooks['onMigrated']): PreparedCopy {
  const db = new Database(':memory:');
  migrate(db, onMigrated);
  const tables = mirroredTables(db);
  const changed = { to: (): void => undefined };
  // The triggers too: four per table, each a schema change SQLite parses again, were ~10% of a
  // takeover's time from the lock on a loaded machine (the timeline's `captured` step until 2026-12-06).
  captureChanges(db, tables, () => changed.to());
  return { db, tables, changed };
}

/** A takeover's history connections and index work wait this long: its CPU goes to announcing first. */
const TAKEOVER_BACKGROUND_AFTER_MS = 3_000;

export async function openPostgresStore(o: PostgresStoreOptions): Promise<OpenedPostgresStore> {
  const started = performance.now();
  const { db, tables, changed } = o.prepared ?? prepareWorkingCopy(o.hooks?.onMigrated);
  o.mark?.('migrated');
  if (o.replay?.length) {
    // Only after an outage of this same leader (rare): the schema is there, its writes go first.
    await syncPostgresSchema(o.client, tables);
    await sendChanges(o.client, tables, o.term, o.replay);
  }
  // Before the LISTEN goes out: no notification can come before its handler.
  const identities = followIdentities(o.client, db, tables, o.log);
  // One round trip: schema check, state tables, last event number, the last on-air change, LISTEN.
  const { rows, lastSeq, results } = await loadTakeoverState(o.client, db, tables, {
    inSnapshot: [LAST_ON_AIR_SQL],
    after: [LISTEN_IDENTITIES],
    ...(o.mark ? { mark: o.mark } : {}),
  });
  o.mark?.('loaded');
  const mirror = new OutboxDrain(db, tables, o);
  changed.to = () => mirror.kick();
  identities.start();
  const onCorrupt = o.hooks?.onCorrupt ?? (() => undefined);
  const lastOnAir = (results[0]?.[0] as { data?: string } | undefined)?.data ?? null;
  // The snapshot's answer holds until an event of this leader reaches PostgreSQL (one not yet sent is read from the working copy).
  const lastOnAirAtOpen = (): string | null | undefined => (mirror.eventsCommitted === 0 ? lastOnAir : undefined);
  const history = {
    lastSeq,
    open: (held: HeldEvents) =>
      new PostgresHistory(o.connection, held, onCorrupt, o.log, {
        lastOnAirAtOpen,
        ...(o.prepared ? { backgroundAfterMs: TAKEOVER_BACKGROUND_AFTER_MS } : {}),
      }),
    openHealthSamples: (local: SqliteHealthSamples) => new PostgresHealthSamples(o.connection, local, onCorrupt),
  };
  const store = new Store(db, { ...o.hooks, mirror, history });
  return { store, unsent: () => mirror.unsent, loaded: { rows, ms: Math.round(performance.now() - started) } };
}

/** Sends the outbox as soon as something lands in it; held while PostgreSQL refuses (the storage alarm says so). */
class OutboxDrain implements StoreMirror {
  private running: Promise<void> | undefined;
  private again = false;
  private troubled = false;
  private fenced = false;
  lastError: string | undefined;
  /** Filled at close: what never reached PostgreSQL (nothing once fenced: another leader's state stands). */
  unsent: Change[] = [];
  private committedId = 0;
  /** Events this leader's commits carried to PostgreSQL (its history is no longer the takeover's snapshot once there is one). */
  eventsCommitted = 0;
  /** Callers waiting for a change to be committed, oldest first (so events go out in order). */
  private readonly waiters: Array<{ target: number; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }> = [];

  constructor(
    private readonly db: Database.Database,
    private readonly tables: ReturnType<typeof mirroredTables>,
    private readonly o: PostgresStoreOptions,
  ) {}

  pending(): number {
    return this.db.open ? outboxSize(this.db) : 0;
  }

  /** A change landed (from inside a trigger): drain on the next turn, never inside the writer's statement. */
  kick(): void {
    if (this.fenced) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = new Promise<void>((resolve) => setImmediate(() => void this.drain().finally(resolve)));
  }

  durable(timeoutMs: number): Promise<boolean> {
    const target = this.db.open ? newestPending(this.db) : 0;
    if (target <= this.committedId) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = { target, resolve, timer: setTimeout(() => this.release(waiter, false), timeoutMs) };
      this.waiters.push(waiter);
      this.kick();
    });
  }

  private committed(id: number, sent: readonly Change[]): void {
    this.committedId = id;
    // Sent events leave the working copy (PostgreSQL keeps them; the delete is not mirrored).
    let lastEvent = 0;
    const samples: Array<{ agent?: unknown; device?: unknown; t?: unknown }> = [];
    for (const c of sent) {
      if (!HISTORY_TABLES.has(c.tbl) || c.op !== 'upsert') continue;
      if (c.tbl === 'events') lastEvent = Math.max(lastEvent, Number((JSON.parse(c.row) as { seq?: unknown }).seq) || 0);
      else if (c.tbl === 'health_samples') samples.push(JSON.parse(c.row) as (typeof samples)[number]);
    }
    if (lastEvent > 0) this.eventsCommitted += 1;
    if (lastEvent > 0 && this.db.open) this.db.prepare('DELETE FROM events WHERE seq <= ?').run(lastEvent);
    if (samples.length > 0 && this.db.open) {
      const sentSample = this.db.prepare('DELETE FROM health_samples WHERE agent = ? AND device = ? AND t = ?');
      for (const r of samples) sentSample.run(r.agent, r.device, r.t);
    }
    for (const w of [...this.waiters]) if (w.target <= id) this.release(w, true);
  }

  private release(waiter: (typeof this.waiters)[number], ok: boolean): void {
    const at = this.waiters.indexOf(waiter);
    if (at < 0) return;
    this.waiters.splice(at, 1);
    clearTimeout(waiter.timer);
    waiter.resolve(ok);
  }

  /** The controller's retry timer: try again what PostgreSQL refused. */
  retry(): void {
    if (this.troubled) this.kick();
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        const sent = await drainOutbox({
          db: this.db,
          tables: this.tables,
          client: this.o.session?.() ?? this.o.client,
          term: this.o.term,
          onCommitted: (id, sent) => this.committed(id, sent),
        });
        if (this.troubled && this.pending() === 0) {
          this.troubled = false;
          this.lastError = undefined;
          this.o.hooks?.onRecovered?.(sent);
        }
      } while (this.again && !this.fenced);
    } catch (err) {
      if (err instanceof FencedError) {
        this.fenced = true;
        this.o.onFenced(err.message);
      } else {
        this.lastError = errorMessage(err);
        if (!this.troubled) {
          this.troubled = true;
          this.o.hooks?.onTrouble?.(err instanceof Error ? err : new Error(this.lastError));
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  /** What is left goes now, if PostgreSQL takes it within `timeoutMs`. Returns the rows left unsent. */
  async settle(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (!this.fenced && this.pending() > 0 && performance.now() < deadline) {
      this.kick();
      await Promise.race([this.running, new Promise((r) => setTimeout(r, Math.max(1, deadline - performance.now())))]);
      if (this.troubled) break;
    }
    this.unsent = this.fenced ? [] : heldChanges(this.db);
    for (const w of [...this.waiters]) this.release(w, false);
    return this.unsent.length;
  }
}
