/**
 * Device day summaries on PostgreSQL (issue 20, point 0): a report over days already summarized
 * (controller/store/history-days.ts, controller/plan/report-devices.ts DeviceDay) is the report recomputed
 * from every event — over a generated history with changes crossing midnight, a show crossing
 * midnight, a change written into a summarized day afterwards, and retention pruning a day.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/clock.ts';
import { Leadership } from '../../controller/pair/leadership.ts';
import { openPostgresStore } from '../../controller/store/store-postgres.ts';
import { buildReport } from '../../controller/plan/report.ts';
import type { PostgresHistory } from '../../controller/store/history-postgres.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { D0, DAY, DAYS, H, history } from '../support/generated-history.ts';

let server: TestPostgres | undefined;
beforeAll(async () => {
  if (hasPostgres()) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const PERIODS: Array<[number, number]> = [
  [D0 + DAY, D0 + 5 * DAY - 1], // whole days, the first one's midnight excluded
  [D0 + 12 * H, D0 + DAYS * DAY], // edges in the middle of days
  [D0 + DAY + 23 * H, D0 + 3 * DAY + 1], // from inside the show
  [D0 - DAY, D0 + 10 * DAY],
];

it.skipIf(!hasPostgres())(
  'a report over device day summaries equals the report from every event, before and after a late change and a prune',
  async () => {
    const url = await server!.database();
    const leadership = await Leadership.acquire({ url, name: 'test', clock: systemClock, log: silentLogger() });
    const opened = await openPostgresStore({
      client: leadership.client,
      term: leadership.term,
      onFenced: (r) => leadership.lose(r),
      connection: { url },
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const store = opened.store;
      const hist = store.history as PostgresHistory;
      for (const { seq: _seq, ...e } of history(11)) store.appendEvent(e as NewEvent);
      expect(await store.durable(10_000)).toBe(true);
      await hist.ready();
      // The first summaries may have run before the events were written: made again.
      await client.query('DELETE FROM history_transitions; DELETE FROM history_device_days; DELETE FROM history_days');
      expect(await hist.summarize()).toBeGreaterThanOrEqual(DAYS);

      const same = async (label: string) => {
        const whole = await store.history.events({ limit: 10_000 });
        let summarized = 0;
        for (const [since, until] of PERIODS) {
          const q = { since, until };
          const read = await store.history.reportEvents(since, until);
          summarized += read.devices?.days.length ?? 0;
          expect(buildReport(read, q), `${label}: ${since - D0} .. ${until - D0}`).toEqual(
            buildReport(
              whole.filter((e) => e.ts <= until),
              q,
            ),
          );
        }
        return summarized;
      };
      const used = await same('summarized');
      expect(used, 'the reports read day summaries').toBeGreaterThan(20);
      const read = await store.history.reportEvents(D0 + 12 * H, D0 + DAYS * DAY);
      const changes = read.events.filter((e) => e.type === 'device.state' && e.ts >= D0 + DAY && e.ts < D0 + 5 * DAY);
      expect(new Set(changes.map((e) => e.device)), "in summarized days only the changes of a show's devices travel").toEqual(
        new Set(['cam-1', 'cam-2']),
      );

      // Written into a summarized day afterwards (held through a database outage, committed late; its
      // number still in time order): that day is read from the log until it is summarized again.
      const after =
        Math.max(
          ...history(11)
            .filter((e) => e.device === 'cam-3')
            .map((e) => e.ts),
        ) + 1;
      store.appendEvent({
        type: 'device.state',
        ts: after,
        agent: 'agent-a',
        device: 'cam-3',
        reason: 'late',
        data: { from: 'ok', to: 'offline', failingSince: after - 2 * H },
      });
      expect(await store.durable(10_000)).toBe(true);
      await same('a late change');

      // Retention prunes day 0 and part of day 1: what is left, summarized again or not, gives the same reports.
      while ((await store.history.prune(D0 + DAY + 7 * H, 50)) > 0);
      expect(
        (await client.query('SELECT day FROM history_days WHERE day <= $1', [D0 / DAY + 1])).rowCount,
        'the pruned days are no longer summarized',
      ).toBe(0);
      await same('pruned');
      expect(await hist.summarize(), 'the day pruned in part and the day written into late are summarized again').toBe(2);
      await same('pruned, summarized again');
    } finally {
      await client.end();
      await opened.store.close();
      await leadership.release();
    }
  },
  120_000,
);
