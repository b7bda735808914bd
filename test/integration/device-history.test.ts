/**
 * A device's trend beyond the in-memory hour (controller/store/health-samples.ts): samples kept in
 * the controller's SQLite file survive a restart and come back from `device.history`; retention
 * deletes those past `history.healthRetentionDays` and keeps the rest. Real controllers, agents and
 * SQLite files.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { Store } from '../../controller/store/store.ts';
import { Retention } from '../../controller/store/retention.ts';
import type { ControllerWithHttp } from '../../controller/http/attach.ts';
import type { DeviceHistoryView } from '../../protocols/console-operations.ts';
import { cleanupAfterEach, eventually, registerGear, startAgent, startController } from './helpers.ts';
import { Leadership } from '../../controller/pair/leadership.ts';
import { openPostgresStore } from '../../controller/store/store-postgres.ts';
import { hasPostgres, startPostgres } from '../support/postgres.ts';

const cleanup = cleanupAfterEach();
const DAY = 86_400_000;

async function history(c: ControllerWithHttp, rangeMs: number): Promise<DeviceHistoryView> {
  const r = await c.requests.ask('device.history', { agent: 'agent-a', device: 'mic-1', rangeMs }, 'test', 'test');
  const body = JSON.parse(r.answer.toString()) as { status: string; data: DeviceHistoryView; error?: string };
  expect(body.status, body.error).toBe('ok');
  return body.data;
}

describe('device history in the store', () => {
  it('samples written before a restart are in the trend after it, with units and negative values as reported', async () => {
    const dataDir = path.join(cleanup.tempDir(), 'data');
    // One stored sample per 200 ms (the default is a minute): a few seconds are many intervals.
    const start = () => startController({ dataDir, config: { history: { healthSampleMs: 200 } } });
    const first = await start();
    // A health message every 100 ms (the default is 5 s): several per stored interval.
    const agent = await startAgent(first.brokerUrl, 'agent-a', [], { healthIntervalMs: 100 });
    await registerGear(first.brokerUrl, [{ agent: 'agent-a', devices: [{ id: 'mic-1', kind: 'mic' }] }]);
    const store = first.healthSamples!.store;
    await eventually(async () => (await store.range('agent-a', 'mic-1', 0, Date.now())).length >= 5, 10_000, 'five samples stored');
    await agent.stop();
    await first.stop();
    const stopped = Date.now();
    const before = new Store(dataDir);
    const kept = await before.healthSamples.range('agent-a', 'mic-1', 0, stopped);
    await before.close();
    expect(kept.length).toBeGreaterThanOrEqual(5);

    const second = await start();
    cleanup.defer(() => second.stop());
    const view = await history(second, 60_000); // the last minute: points as fine as the samples (200 ms)
    // Nothing reported since the restart (no agent): every point is from the store.
    const points = view.trend.t.filter((_, i) => view.trend.series.rfDbm?.[i] !== null);
    expect(points.length).toBeGreaterThanOrEqual(5);
    expect(points.every((t) => t <= stopped)).toBe(true);
    expect(view.trend.series.rfDbm?.filter((v) => v !== null).every((v) => v === -55)).toBe(true);
    expect(view.units).toMatchObject({ rfDbm: 'dBm', gainDb: 'dB', batteryBars: 'bars', uptimeS: 's' });
    expect(view.flapping).toBeNull();
  }, 40_000);

  it('retention deletes samples older than healthRetentionDays, in batches, and keeps the newer ones', async () => {
    const dataDir = path.join(cleanup.tempDir(), 'data');
    const clock = new ManualClock(1_760_000_000_000);
    const store = new Store(dataDir);
    cleanup.defer(() => store.close());
    const now = clock.now();
    for (let i = 0; i < 40; i += 1)
      store.healthSamples.save({ agent: 'agent-a', device: 'cam-1', t: now - i * DAY, values: { temperatureC: -i - 1 } });
    const retention = new Retention({
      history: store.healthSamples,
      what: 'health samples',
      clock,
      log: silentLogger(),
      days: 30,
      firstMs: 3_600_000,
    });
    cleanup.defer(() => retention.stop());
    expect(await retention.run()).toBe(9); // 31..39 days old (30 days ago exactly is still kept)
    const left = await store.healthSamples.range('agent-a', 'cam-1', 0, now);
    expect(left.map((s) => s.t)).toEqual(Array.from({ length: 31 }, (_, i) => now - (30 - i) * DAY));
    expect(left.at(-1)!.values).toEqual({ temperatureC: -1 });
  });
});

describe.skipIf(!hasPostgres())('device history on PostgreSQL', () => {
  it('samples reach PostgreSQL, leave the working copy, are read back by the next leader, and are pruned there', async () => {
    const server = await startPostgres();
    cleanup.defer(() => server.stop());
    const url = await server.database();
    const open = async () => {
      const leadership = await Leadership.acquire({ url, name: 'test', clock: new ManualClock(), log: silentLogger() });
      const { store } = await openPostgresStore({
        client: leadership.client,
        term: leadership.term,
        onFenced: () => undefined,
        connection: { url },
      });
      return { store, close: async () => (await store.close(), await leadership.release()) };
    };
    const now = 1_760_000_000_000;
    const first = await open();
    for (let i = 0; i < 40; i += 1)
      first.store.healthSamples.save({ agent: 'agent-a', device: 'cam-1', t: now - i * DAY, values: { temperatureC: -i - 1 } });
    expect(await first.store.durable(5_000)).toBe(true);
    // Sent: gone from the working copy (the takeover never loads them), read from PostgreSQL.
    const workingCopy = first.store.alertingDatabase(); // the working copy in memory (its one handle the store hands out)
    await eventually(
      async () => workingCopy.prepare('SELECT COUNT(*) AS n FROM health_samples').pluck().get() === 0,
      5_000,
      'sent rows gone',
    );
    expect((await first.store.healthSamples.range('agent-a', 'cam-1', 0, now)).length).toBe(40);
    await first.close();

    const next = await open();
    cleanup.defer(() => next.close());
    expect((await next.store.healthSamples.range('agent-a', 'cam-1', now - 2 * DAY, now)).map((s) => s.values.temperatureC)).toEqual([
      -3, -2, -1,
    ]);
    const retention = new Retention({
      history: next.store.healthSamples,
      clock: new ManualClock(now),
      log: silentLogger(),
      days: 30,
      firstMs: 3_600_000,
    });
    cleanup.defer(() => retention.stop());
    expect(await retention.run()).toBe(9);
    expect((await next.store.healthSamples.range('agent-a', 'cam-1', 0, now)).length).toBe(31);
  }, 60_000);
});
