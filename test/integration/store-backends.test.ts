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
import { Store, type StoreHooks } from '../../controller/store.ts';
import { Leadership } from '../../controller/leadership.ts';
import { openPostgresStore } from '../../controller/store-postgres.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { removeDir, tempDir } from './helpers.ts';

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
      const { store } = await openPostgresStore({ client: leadership.client, term: leadership.term, onFenced: (r) => leadership.lose(r), ...(hooks ? { hooks } : {}) });
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
    s.saveDevice({ agent: 'agent-a', device: 'cam-1', driver: 'visca', kind: 'camera', track: { status: 'failed', since: 900, reported: 'failed', lastHealthAt: null, pending: null, detail: 'no reply' } });
    s.saveDevice({ agent: 'agent-a', device: 'cam-gone', track: { status: 'ok', since: 1, reported: 'ok', lastHealthAt: null, pending: null } });
    s.deleteDevice('agent-a', 'cam-gone');
    s.saveSlotActive('studio-a/cam', { agent: 'agent-a', device: 'cam-1' }, 1_000);
    s.saveSlotActive('studio-a/mic', null, 1_001);
    for (let i = 0; i < 250; i += 1) s.appendEvent({ type: 'onair.changed', ts: 2_000 + i, by: 'eve', data: { onAir: i % 2 === 0, manualOnAir: i % 2 === 0, slots: [] } });
    s.appendEvent({ type: 'device.state', ts: 3_000, agent: 'agent-a', device: 'cam-1', reason: 'no reply', data: { from: 'ok', to: 'failed' } } as never);
    s.catalog.saveSlot({ id: 'studio-a/cam', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} } as never, 1_000);
    s.catalog.nextConfigVersion('agent-a', 1_000);
    s.catalog.nextConfigVersion('agent-a', 1_001);
    s.plan.saveCheckedUntil(12_345);
    const identities = s.identities(systemClock);
    const secret = await identities.enrollAgent('agent-a');
    const before = { events: s.events({ limit: 10_000 }), count: s.eventCount() };
    await first.close();

    const again = await open();
    const r = again.store;
    expect(r.loadAgents()).toEqual([{ id: 'agent-a', online: true, session: 7, lastSeenAt: 1_000, heartbeatDeadlineMs: 3_000 }]);
    expect(r.loadDevices()).toEqual([{ agent: 'agent-a', device: 'cam-1', driver: 'visca', kind: 'camera', track: { status: 'failed', since: 900, reported: 'failed', lastHealthAt: null, pending: null, detail: 'no reply' } }]);
    expect(r.loadSlotAssignments()).toEqual(new Map([['studio-a/cam', { agent: 'agent-a', device: 'cam-1' }], ['studio-a/mic', null]]));
    expect(r.events({ limit: 10_000 })).toEqual(before.events);
    expect(r.eventCount()).toBe(before.count);
    expect(r.events({ limit: 5, type: 'onair.changed' }).map((e) => e.ts)).toEqual([2_245, 2_246, 2_247, 2_248, 2_249]);
    expect(r.lastOnAir()).toBe(false);
    expect(r.catalog.slots().map((x) => x.id)).toEqual(['studio-a/cam']);
    expect(r.catalog.configVersions().get('agent-a')).toBe(2);
    expect(r.plan.checkedUntil()).toBe(12_345);
    const login = await r.identities(systemClock).login('agent/agent-a', secret);
    expect(login.ok).toBe(true);
    // Numbering goes on where it stopped: no event number is used twice.
    expect(r.appendEvent({ type: 'onair.changed', ts: 9_000, data: { onAir: true, manualOnAir: true, slots: [] } }).seq).toBe(before.count + 1);
    await again.close();
  }, 30_000);
});
