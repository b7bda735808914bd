/**
 * The identities of a pair live in PostgreSQL with the rest of its state. `onair agent|user|controller`
 * given a pair's config writes there (an administrator's write, as mosquitto_passwd writes its file:
 * no leader's term), and notifies on commit; the leader listens and reads the table again into its
 * working copy at once, so every controller of the pair knows a new login without a restart.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorMessage } from '../../lib/timeout.ts';
import { Identities } from './identities.ts';
import { migrate } from '../store/migrations.ts';
import { pgClientConfig, type PgConnectionSettings } from '../store/pg-connection.ts';
import {
  applySnapshot,
  captureChanges,
  forgetChangesAfter,
  heldChanges,
  loadWorkingCopy,
  mirroredTables,
  newestPending,
  sendChanges,
  syncPostgresSchema,
  type MirroredTable,
} from '../store/pg-mirror.ts';

/** The channel a change to the identities is announced on. */
export const IDENTITIES_CHANNEL = 'onair_identities';
const identitiesOf = (tables: MirroredTable[]): MirroredTable[] => tables.filter((t) => t.name === 'identities');

/** Runs `work` on the pair's identities, then writes what it changed to PostgreSQL in one transaction. */
export async function withPostgresIdentities<T>(
  connection: PgConnectionSettings,
  clock: Clock,
  work: (ids: Identities) => Promise<T> | T,
): Promise<T> {
  const client = new pg.Client({
    ...pgClientConfig(connection, { application_name: 'onair identities' }),
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  const db = new Database(':memory:');
  try {
    migrate(db);
    const all = mirroredTables(db);
    await syncPostgresSchema(client, all); // the first enrolment may come before any controller started
    const tables = identitiesOf(all);
    await loadWorkingCopy(client, db, tables);
    captureChanges(db, tables, () => undefined);
    const result = await work(new Identities({ db, clock }));
    const changes = heldChanges(db);
    if (changes.length > 0) await sendChanges(client, tables, null, changes, IDENTITIES_CHANNEL);
    return result;
  } finally {
    db.close();
    await client.end().catch(() => undefined);
  }
}

/** The statement that makes a session hear identity changes (sent by the takeover's load, controller/store/store-postgres.ts). */
export const LISTEN_IDENTITIES = `LISTEN ${IDENTITIES_CHANNEL}`;

/**
 * The leader: whenever the identities change in PostgreSQL (IDENTITIES_CHANNEL), its working copy's
 * are replaced by PostgreSQL's. One statement on the leader's session (a few hundred rows, no
 * transaction of its own that could interleave with the mirror's); nothing is sent back.
 *
 * Called before the session LISTENs (the takeover's one-round-trip load does that), so no
 * notification can come before the handler; one that comes before `start` (the working copy not yet
 * loaded and captured) is acted on at `start`.
 */
export function followIdentities(client: pg.ClientBase, db: Database.Database, tables: MirroredTable[], log?: Logger): { start(): void } {
  const [table] = identitiesOf(tables);
  if (!table) return { start: () => undefined };
  let running = false;
  let again = false;
  let started = false;
  let missed = false;
  const refresh = async (): Promise<void> => {
    if (!started) return void (missed = true);
    if (running) return void (again = true);
    running = true;
    try {
      do {
        again = false;
        const rows = (await client.query<Record<string, unknown>>('SELECT * FROM identities')).rows;
        if (!db.open) return;
        db.transaction(() => {
          const mark = newestPending(db);
          db.prepare('DELETE FROM identities').run();
          applySnapshot(db, [{ t: table, rows }]);
          forgetChangesAfter(db, mark); // PostgreSQL's own rows: nothing to send back
        })();
        log?.info({ identities: rows.length }, 'the identities changed in PostgreSQL: read again');
      } while (again);
    } catch (err) {
      log?.warn({ err: errorMessage(err) }, 'could not read the identities again after a change in PostgreSQL');
    } finally {
      running = false;
    }
  };
  client.on('notification', (m) => {
    if (m.channel === IDENTITIES_CHANNEL) void refresh();
  });
  return {
    start: () => {
      started = true;
      if (missed) void refresh();
    },
  };
}
