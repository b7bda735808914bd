/**
 * History apart from state (issue 20, point 0), on both backends: the PostgreSQL working copy a
 * takeover loads holds current state only (the event log stays in PostgreSQL and is read there,
 * bounded); a report computed from its period plus a bounded context equals one computed from the
 * whole log; retention prunes in bounded batches.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { Store } from '../../controller/store/store.ts';
import { Leadership } from '../../controller/pair/leadership.ts';
import { openPostgresStore } from '../../controller/store/store-postgres.ts';
import { buildReport } from '../../controller/plan/report.ts';
import { PRUNE_BATCH } from '../../controller/store/history.ts';
import { Retention } from '../../controller/store/retention.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { removeDir, tempDir } from './helpers.ts';

let server: TestPostgres | undefined;
const dirs: string[] = [];
const DAY = 86_400_000;

interface Opened {
  store: Store;
  loadedRows?: number;
  close(): Promise<void>;
}
interface Backend {
  name: string;
  fresh(): Promise<{ open: () => Promise<Opened>; sql?: (text: string) => Promise<void> }>;
}

const sqlite: Backend = {
  name: 'SQLite',
  async fresh() {
    const dir = tempDir();
    dirs.push(dir);
    return {
      open: async () => {
        const store = new Store(path.join(dir, 'data'));
        return { store, close: () => store.close() };
      },
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async fresh() {
    const url = await server!.database();
    return {
      open: async () => {
        const leadership = await Leadership.acquire({ url, name: 'test', clock: systemClock, log: silentLogger() });
        const opened = await openPostgresStore({
          client: leadership.client,
          term: leadership.term,
          onFenced: (r) => leadership.lose(r),
          connection: { url },
        });
        return {
          store: opened.store,
          loadedRows: opened.loaded.rows,
          close: async () => (await opened.store.close(), await leadership.release()),
        };
      },
      sql: async (text) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(text).finally(() => client.end());
      },
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

/** A week of a studio: a show that started before the report's period, a camera failing and a failover inside it. */
function studioWeek(t0: number): NewEvent[] {
  const member = 'agent-a/cam-1';
  const show = { show: 'news', title: 'News', studio: 'studio-a', slots: [{ slot: 'studio-a/cam', members: [member, 'agent-b/cam-2'] }] };
  const events: NewEvent[] = [
    { type: 'device.state', ts: t0, agent: 'agent-a', device: 'cam-1', data: { from: 'unknown', to: 'ok' } },
    { type: 'device.state', ts: t0 + 1, agent: 'agent-b', device: 'cam-2', data: { from: 'unknown', to: 'ok' } },
    { type: 'slot.state', ts: t0 + 2, slot: 'studio-a/cam', data: { from: 'none', to: 'ok', active: member } },
    { type: 'show.started', ts: t0 + 2 * DAY, data: show },
  ];
  // Noise the report does not read, between.
  for (let i = 0; i < 300; i += 1)
    events.push({ type: 'onair.changed', ts: t0 + 2 * DAY + 1_000 + i, data: { onAir: true, manualOnAir: true, slots: [] } });
  const f = t0 + 5 * DAY;
  events.push(
    {
      type: 'device.state',
      ts: f,
      agent: 'agent-a',
      device: 'cam-1',
      reason: 'no reply',
      data: { from: 'ok', to: 'failed', failingSince: f - 400 },
    },
    { type: 'slot.state', ts: f + 10, slot: 'studio-a/cam', data: { from: 'ok', to: 'failing_over', active: member } },
    { type: 'failover.started', ts: f + 20, slot: 'studio-a/cam', by: 'controller', data: { from: member, candidates: ['agent-b/cam-2'] } },
    {
      type: 'failover.succeeded',
      ts: f + 300,
      slot: 'studio-a/cam',
      by: 'controller',
      data: { from: member, to: 'agent-b/cam-2', durationMs: 280, attempts: ['agent-b/cam-2'] },
    },
    { type: 'slot.state', ts: f + 301, slot: 'studio-a/cam', data: { from: 'failing_over', to: 'ok', active: 'agent-b/cam-2' } },
    { type: 'device.state', ts: f + 60_000, agent: 'agent-a', device: 'cam-1', data: { from: 'failed', to: 'ok' } },
    { type: 'show.ended', ts: t0 + 6 * DAY, data: { show: 'news', studio: 'studio-a', onAirMs: 4 * DAY } },
  );
  return events;
}

describe.each(backends)('history on $name', (backend) => {
  it('a report from its period and a bounded context equals the report from the whole log', async () => {
    const { open } = await backend.fresh();
    const o = await open();
    const t0 = 1_700_000_000_000;
    for (const e of studioWeek(t0)) o.store.appendEvent(e);
    await o.store.durable(5_000);
    const whole = await o.store.history.events({ limit: 10_000 });
    const until = t0 + 7 * DAY;
    for (const since of [t0 + 3 * DAY, t0 + 5 * DAY + 15, t0 - DAY]) {
      const q = { since, until };
      const read = await o.store.history.reportEvents(since, until);
      expect(read.events.length, 'the noise the report does not read is not read').toBeLessThan(20);
      expect(buildReport(read, q), `since ${since - t0}`).toEqual(buildReport(whole, q));
    }
    const report = buildReport(await o.store.history.reportEvents(t0 + 3 * DAY, until), { since: t0 + 3 * DAY, until });
    expect(report.shows.map((s) => [s.show, s.startedAt, s.failovers.length])).toEqual([['news', t0 + 3 * DAY, 1]]);
    expect(report.downOnAirMs).toBe(701); // from the first failed probe to the backup confirmed
    await o.close();
  }, 30_000);

  it('a report over summarized days and repeats equals the report from the whole log; repeats do not travel', async () => {
    const { open, sql } = await backend.fresh();
    const o = await open();
    const t0 = Math.floor(1_700_000_000_000 / DAY) * DAY; // midnight UTC: whole days
    for (const e of studioWeek(t0)) o.store.appendEvent(e);
    // cam-2 reports the same failure 400 times over two days (a repeat: no new failure), then once for another reason (in the same day).
    for (let i = 0; i < 400; i += 1)
      o.store.appendEvent({
        type: 'device.state',
        ts: t0 + 3 * DAY + i * 400_000,
        agent: 'agent-b',
        device: 'cam-2',
        reason: 'no reply',
        data: { from: 'ok', to: 'failed' },
      });
    o.store.appendEvent({
      type: 'device.state',
      ts: t0 + 4 * DAY + 5,
      agent: 'agent-b',
      device: 'cam-2',
      reason: 'no video',
      data: { from: 'ok', to: 'failed' },
    });
    await o.store.durable(10_000);
    const history = o.store.history as { summarize?: () => Promise<number>; ready?: () => Promise<void> };
    // PostgreSQL's day summaries of what is over (the events are in 2023); SQLite reads the log as it is.
    // The first summaries, made at start, may have run before the events were written: made again.
    await history.ready?.();
    await sql?.('DELETE FROM history_transitions; DELETE FROM history_days');
    if (history.summarize) expect(await history.summarize()).toBeGreaterThan(5);
    // Written into a summarized day afterwards: read from the log all the same.
    o.store.appendEvent({
      type: 'device.state',
      ts: t0 + 4 * DAY + 7,
      agent: 'agent-b',
      device: 'cam-2',
      reason: 'late',
      data: { from: 'failed', to: 'ok' },
    });
    await o.store.durable(10_000);
    const whole = await o.store.history.events({ limit: 10_000 });
    const until = t0 + 7 * DAY;
    for (const since of [t0 + 3 * DAY, t0 + 2 * DAY + 15, t0 - DAY]) {
      const q = { since, until };
      const read = await o.store.history.reportEvents(since, until);
      if (history.summarize) expect(read.events.length, 'repeats do not travel').toBeLessThan(30);
      expect(buildReport(read, q), `since ${since - t0}`).toEqual(buildReport(whole, q));
    }
    const cam2 = buildReport(whole, { since: t0 + 2 * DAY, until }).devices.find((d) => d.device === 'cam-2')!;
    expect(cam2.failures, 'the repeats count once, the failure for another reason again').toBe(2);
    await o.close();
  }, 60_000);

  it('retention deletes what is older, in batches, and keeps the rest', async () => {
    const { open } = await backend.fresh();
    const o = await open();
    const now = 1_800_000_000_000;
    const old = PRUNE_BATCH * 2 + 17;
    for (let i = 0; i < old; i += 1)
      o.store.appendEvent({ type: 'onair.changed', ts: now - 400 * DAY + i, data: { onAir: false, manualOnAir: false, slots: [] } });
    for (let i = 0; i < 5; i += 1)
      o.store.appendEvent({ type: 'onair.changed', ts: now - DAY + i, data: { onAir: true, manualOnAir: true, slots: [] } });
    expect(await o.store.durable(20_000)).not.toBe(false);
    expect(await o.store.history.prune(now - 365 * DAY, 100), 'one batch at a time').toBe(100);
    const clock: Clock = { now: () => now, monotonic: () => performance.now() } as Clock;
    const retention = new Retention({ history: o.store.history, clock, log: silentLogger(), days: 365, firstMs: 3_600_000 });
    expect(await retention.run()).toBe(old - 100);
    await retention.stop();
    expect((await o.store.history.events({ limit: 10_000 })).map((e) => e.ts)).toEqual([0, 1, 2, 3, 4].map((i) => now - DAY + i));
    await o.close();
  }, 60_000);
});

describe.skipIf(!hasPostgres())('a takeover with a long history', () => {
  it('loads current state only: the events stay in PostgreSQL, read there newest first, numbering goes on', async () => {
    const { open, sql } = await postgres.fresh();
    const first = await open();
    first.store.saveSlotActive('studio-a/cam', { agent: 'agent-a', device: 'cam-1' }, 1);
    first.store.appendEvent({
      type: 'device.state',
      ts: 1_000,
      agent: 'agent-a',
      device: 'cam-1',
      reason: 'no reply',
      data: { from: 'ok', to: 'failed' },
    });
    expect(await first.store.durable(5_000)).toBe(true);
    await first.close();
    // 200,000 more, cloned in PostgreSQL from the real one.
    await sql!(
      'INSERT INTO events (seq, ts, type, agent, device, slot, by, reason, data) SELECT e.seq + g, e.ts + g, e.type, e.agent, e.device, e.slot, e.by, e.reason, e.data FROM events e, generate_series(1, 200000) g WHERE e.seq = 1',
    );
    const again = await open();
    expect(again.loadedRows, 'the working copy holds current state only').toBeLessThan(20);
    expect(again.store.loadSlotAssignments().get('studio-a/cam')).toEqual({ agent: 'agent-a', device: 'cam-1' });
    const newest = await again.store.history.events({ limit: 3, device: 'cam-1' });
    expect(newest.map((e) => e.seq)).toEqual([199_999, 200_000, 200_001]);
    expect(again.store.appendEvent({ type: 'onair.changed', ts: 300_000, data: { onAir: true, manualOnAir: true, slots: [] } }).seq).toBe(
      200_002,
    );
    expect(
      (await again.store.history.events({ limit: 2 })).map((e) => e.seq),
      'an event not yet in PostgreSQL is read too',
    ).toEqual([200_001, 200_002]);
    expect(await again.store.durable(5_000)).toBe(true);
    expect((await again.store.history.events({ limit: 1 }))[0]?.seq).toBe(200_002);
    expect(await again.store.history.lastOnAir()).toBe(true);
    await again.close();
  }, 60_000);
});
