/**
 * The store's contract, run against both backends: SQLite in a data directory (the embedded default)
 * and PostgreSQL (a working copy in memory, mirrored by the leader's session). "Reopen" is what a
 * restart does for SQLite and what a takeover does for PostgreSQL: everything must come back as it
 * was written — registry rows, slot assignments, events in order, catalog, plan and identities.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/clock.ts';
import { Store, type StoreHooks } from '../../controller/store/store.ts';
import { Leadership } from '../../controller/pair/leadership.ts';
import { openPostgresStore } from '../../controller/store/store-postgres.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { removeDir, tempDir, waitUntil } from './helpers.ts';
import type { Change } from '../../controller/store/pg-mirror.ts';
import pg from 'pg';

interface Backend {
  name: string;
  /** A fresh, empty store location; returns a function that opens (or reopens) it. */
  fresh(): Promise<(hooks?: StoreHooks) => Promise<{ store: Store; close: () => Promise<void> }>>;
}

let server: TestPostgres | undefined;
const dirs: string[] = [];

const sqlite: Backend = {
  name: 'SQLite',
  async fresh() {
    const dir = tempDir();
    dirs.push(dir);
    return async (hooks) => {
      const store = new Store(path.join(dir, 'data'), hooks);
      return { store, close: () => store.close() };
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async fresh() {
    const url = await server!.database();
    return async (hooks) => {
      const leadership = await Leadership.acquire({ url, name: 'test', clock: systemClock, log: silentLogger() });
      const { store } = await openPostgresStore({
        client: leadership.client,
        term: leadership.term,
        onFenced: (r) => leadership.lose(r),
        connection: { url },
        ...(hooks ? { hooks } : {}),
      });
      return { store, close: async () => (await store.close(), await leadership.release()) };
    };
  },
};

beforeAll(async () => {
  if (hasPostgres()) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.close();
  for (const d of dirs) removeDir(d);
});

const backends = hasPostgres() ? [sqlite, postgres] : [sqlite];
if (!hasPostgres()) it.skip('PostgreSQL store tests (PostgreSQL is not installed: apt-get install -y postgresql)', () => undefined);

describe.each(backends)('the store on $name', (backend) => {
  it('gives back after a reopen what it was given: registry, slots, events in order, catalog, plan, identities', async () => {
    const open = await backend.fresh();
    const first = await open();
    const s = first.store;
    s.saveAgent({ id: 'agent-a', online: true, session: 7, lastSeenAt: 1_000, heartbeatDeadlineMs: 3_000 });
    s.saveDevice({
      agent: 'agent-a',
      device: 'cam-1',
      driver: 'visca',
      kind: 'camera',
      track: { status: 'failed', since: 900, reported: 'failed', lastHealthAt: null, pending: null, detail: 'no reply' },
    });
    s.saveDevice({
      agent: 'agent-a',
      device: 'cam-gone',
      track: { status: 'ok', since: 1, reported: 'ok', lastHealthAt: null, pending: null },
    });
    s.deleteDevice('agent-a', 'cam-gone');
    s.saveSlotActive('studio-a/cam', { agent: 'agent-a', device: 'cam-1' }, 1_000);
    s.saveSlotActive('studio-a/mic', null, 1_001);
    for (let i = 0; i < 250; i += 1)
      s.appendEvent({ type: 'onair.changed', ts: 2_000 + i, by: 'eve', data: { onAir: i % 2 === 0, manualOnAir: i % 2 === 0, slots: [] } });
    s.appendEvent({
      type: 'device.state',
      ts: 3_000,
      agent: 'agent-a',
      device: 'cam-1',
      reason: 'no reply',
      data: { from: 'ok', to: 'failed' },
    } as never);
    s.catalog.saveSlot({ id: 'studio-a/cam', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} } as never, 1_000);
    s.catalog.nextConfigVersion('agent-a', 1_000);
    s.catalog.nextConfigVersion('agent-a', 1_001);
    s.plan.saveCheckedUntil(12_345);
    const identities = s.identities(systemClock);
    const secret = await identities.enrollAgent('agent-a');
    const before = { events: await s.history.events({ limit: 10_000 }), count: s.eventCount() };
    await first.close();

    const again = await open();
    const r = again.store;
    // What a reopen (a takeover) read is not written back: nothing waits to be sent.
    expect(r.backlog().writes).toBe(0);
    expect(r.loadAgents()).toEqual([{ id: 'agent-a', online: true, session: 7, lastSeenAt: 1_000, heartbeatDeadlineMs: 3_000 }]);
    expect(r.loadDevices()).toEqual([
      {
        agent: 'agent-a',
        device: 'cam-1',
        driver: 'visca',
        kind: 'camera',
        track: { status: 'failed', since: 900, reported: 'failed', lastHealthAt: null, pending: null, detail: 'no reply' },
      },
    ]);
    expect(r.loadSlotAssignments()).toEqual(
      new Map([
        ['studio-a/cam', { agent: 'agent-a', device: 'cam-1' }],
        ['studio-a/mic', null],
      ]),
    );
    expect(await r.history.events({ limit: 10_000 })).toEqual(before.events);
    expect(r.eventCount()).toBe(before.count);
    expect((await r.history.events({ limit: 5, type: 'onair.changed' })).map((e) => e.ts)).toEqual([2_245, 2_246, 2_247, 2_248, 2_249]);
    expect(await r.history.lastOnAir()).toBe(false);
    expect(r.catalog.slots().map((x) => x.id)).toEqual(['studio-a/cam']);
    expect(r.catalog.configVersions().get('agent-a')).toBe(2);
    expect(r.plan.checkedUntil()).toBe(12_345);
    const login = await r.identities(systemClock).login('agent/agent-a', secret);
    expect(login.ok).toBe(true);
    // Numbering goes on where it stopped: no event number is used twice.
    expect(r.appendEvent({ type: 'onair.changed', ts: 9_000, data: { onAir: true, manualOnAir: true, slots: [] } }).seq).toBe(
      before.count + 1,
    );
    await again.close();
  }, 30_000);

  it("gives back the walls' layouts (migration 8): a person's and a screen's, apart", async () => {
    const open = await backend.fresh();
    const first = await open();
    const tiles = [
      { id: 'studio-a/cam', size: '2x2' as const },
      { id: 'studio-a/mic', size: '1x1' as const, hidden: true },
    ];
    first.store.wallLayouts.save({ kind: 'screen', name: 'gallery-1' }, 'studio-a', tiles, 1_000, 'eve (via console)');
    first.store.wallLayouts.save({ kind: 'user', name: 'eve' }, 'studio-a', [tiles[0]!], 1_001, 'eve');
    await first.close();

    const again = await open();
    expect(again.store.wallLayouts.layouts({ kind: 'screen', name: 'gallery-1' })).toEqual([
      { studio: 'studio-a', tiles, updatedAt: 1_000, updatedBy: 'eve (via console)' },
    ]);
    expect(again.store.wallLayouts.layouts({ kind: 'user', name: 'eve' }).map((l) => l.tiles)).toEqual([[tiles[0]]]);
    expect(again.store.wallLayouts.layouts({ kind: 'user', name: 'ed' })).toEqual([]);
    await again.close();
  }, 30_000);
});

describe.skipIf(!hasPostgres())('the store on PostgreSQL: fencing, a database that goes away, a schema from an older version', () => {
  const open = async (url: string, replay?: Change[]) => {
    const leadership = await Leadership.acquire({ url, name: 'test', clock: systemClock, log: silentLogger() });
    const fenced: string[] = [];
    const opened = await openPostgresStore({
      client: leadership.client,
      term: leadership.term,
      onFenced: (r) => fenced.push(r),
      connection: { url },
      ...(replay ? { replay } : {}),
    });
    return { ...opened, leadership, fenced };
  };
  const count = async (url: string, sql: string): Promise<number> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  const exec = async (url: string, sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const onAir = (ts: number) => ({ type: 'onair.changed' as const, ts, data: { onAir: true, manualOnAir: true, slots: [] } });

  it('a write under an overtaken term reaches nothing: the store says it is fenced', async () => {
    const url = await server!.database();
    const a = await open(url);
    a.store.appendEvent(onAir(1));
    expect(await a.store.durable()).toBe(true);
    // Another leader's term (as if the lock had passed while this one was cut off).
    await count(url, 'UPDATE onair_leadership SET term = term + 1 RETURNING 1 AS n');
    a.store.appendEvent(onAir(2));
    await waitUntil(() => a.fenced.length > 0, 5_000, 'the fence');
    expect(a.fenced[0]).toMatch(/names term 2 as the leader's; this controller holds term 1/);
    expect(await count(url, 'SELECT COUNT(*) AS n FROM events')).toBe(1);
    await a.store.close(100);
    expect(a.unsent(), 'fenced writes are not kept for a replay').toEqual([]);
    await a.leadership.release();
  }, 30_000);

  it('PostgreSQL stopped past the retry intervals: writes are held, and the same controller leading again sends them first, in order', async () => {
    const url = await server!.database();
    const a = await open(url);
    a.store.appendEvent(onAir(1));
    expect(await a.store.durable()).toBe(true);
    await server!.stop();
    for (let i = 2; i <= 6; i += 1) a.store.appendEvent(onAir(i));
    a.store.saveSlotActive('studio-a/cam', { agent: 'agent-a', device: 'cam-2' }, 6);
    await new Promise((r) => setTimeout(r, 3_500)); // longer than the 1 s retry and the 3 s reconnect cap
    a.store.flush();
    expect(a.store.backlog().writes).toBeGreaterThan(0);
    await a.store.close(200);
    const held = a.unsent();
    expect(held.length).toBe(6);
    await a.leadership.release();
    await server!.restart();
    const b = await open(url, held); // the next term, nobody led in between
    expect(b.leadership.term).toBe(a.leadership.term + 1);
    expect((await b.store.history.events({ limit: 100 })).map((e) => e.ts)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.store.loadSlotAssignments().get('studio-a/cam')).toEqual({ agent: 'agent-a', device: 'cam-2' });
    await b.store.close();
    await b.leadership.release();
  }, 60_000);

  it("a takeover reads the state in one round trip on the leader's session (schema, every state table, the last on-air change, LISTEN)", async () => {
    const url = await server!.database();
    const a = await open(url);
    a.store.appendEvent(onAir(1));
    a.store.saveSlotActive('studio-a/cam', { agent: 'agent-a', device: 'cam-2' }, 1);
    await a.store.identities(systemClock).addUser('eve', 'engineer', 'a long password 1');
    expect(await a.store.durable()).toBe(true);
    await a.store.close();
    await a.leadership.release();
    // On a loaded machine every round trip waits for two processes' turns: one per table was most of a kill's takeover.
    const leadership = await Leadership.acquire({ url, name: 'test', clock: systemClock, log: silentLogger() });
    const sent: string[] = [];
    const query = leadership.client.query.bind(leadership.client) as (...args: unknown[]) => unknown;
    (leadership.client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => (
      sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text).slice(0, 60)),
      query(...args)
    );
    const b = await openPostgresStore({ client: leadership.client, term: leadership.term, onFenced: () => undefined, connection: { url } });
    expect(sent, "round trips on the leader's session while opening").toHaveLength(1);
    expect(b.store.loadSlotAssignments().get('studio-a/cam')).toEqual({ agent: 'agent-a', device: 'cam-2' });
    expect((await b.store.identities(systemClock).login('eve', 'a long password 1')).ok).toBe(true);
    expect(await b.store.history.lastOnAir(), 'read in the same snapshot').toBe(true);
    // The LISTEN went out in that round trip: an administrator's identity change reaches the working copy.
    await exec(
      url,
      "CREATE TEMP TABLE t AS SELECT * FROM identities WHERE name = 'eve'; UPDATE t SET name = 'frank'; INSERT INTO identities SELECT * FROM t; NOTIFY onair_identities",
    );
    await waitUntil(
      () =>
        b.store
          .identities(systemClock)
          .list()
          .some((i) => i.name === 'frank'),
      10_000,
      'the identities read again',
    );
    await b.store.close();
    await leadership.release();
  }, 30_000);

  it("a standby queued for the lock gets it the moment the leader's session ends, not at its next poll", async () => {
    const url = await server!.database();
    const leader = await Leadership.acquire({ url, name: 'a', clock: systemClock, log: silentLogger() });
    let waited = 0;
    // A poll of a minute: only a wait on the server can make this standby lead within the test's time.
    const standby = Leadership.acquire({
      url,
      name: 'b',
      clock: systemClock,
      log: silentLogger(),
      timing: { pollMs: 60_000 },
      onWaiting: () => (waited += 1),
    });
    await waitUntil(() => waited > 0, 10_000, 'the standby to find the lock held');
    const endedAt = performance.now();
    await leader.client.end(); // as a kill -9 does: the session ends without unlocking
    const b = await Promise.race([
      standby,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the standby did not get the lock within 15 s')), 15_000)),
    ]);
    expect(b.term).toBe(leader.term + 1);
    expect(performance.now() - endedAt).toBeLessThan(15_000);
    await b.release();
    await leader.release();
  }, 40_000);

  it('tables from an older schema get the columns a later migration added; rows keep their defaults', async () => {
    const url = await server!.database();
    const a = await open(url);
    await a.store.identities(systemClock).addUser('eve', 'engineer', 'a long password 1');
    expect(await a.store.durable()).toBe(true);
    await a.store.close();
    await a.leadership.release();
    await exec(url, 'ALTER TABLE identities DROP COLUMN kdf'); // as an OnAir before migration 4 left it
    const b = await open(url);
    expect(
      await count(url, "SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_name = 'identities' AND column_name = 'kdf'"),
    ).toBe(1);
    const login = await b.store.identities(systemClock).login('eve', 'a long password 1');
    expect(login.ok, 'the row read back with the default cost of its time').toBe(true);
    await b.store.close();
    await b.leadership.release();
  }, 30_000);
});
