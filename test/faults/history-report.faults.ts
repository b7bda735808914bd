/**
 * `node test/run.mjs --config vitest.faults.config.ts test/faults/history-report.faults.ts` after
 * `npm run -s build`. Where a report's time goes on a long history (issue 20, point 0): a throwaway PostgreSQL with
 * HISTORY_EVENTS (default 1,000,000) device.state events over a year, cloned with generate_series;
 * then the time to summarize the days that are over (state changes copied, each device's day folded
 * into a DeviceDay), where a 90-day report's time would go reading every row (transfer, events,
 * report: what reports did before the day summaries), and the report of the last day and of the last 90 days,
 * in-process and in the worker, timed, with the longest stall of this process's event loop while each ran.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { Leadership } from '../../controller/pair/leadership.ts';
import { openPostgresStore } from '../../controller/store/store-postgres.ts';
import { it } from 'vitest';
import { startPostgres } from '../support/postgres.ts';

const N = Number(process.env.HISTORY_EVENTS ?? 1_000_000);
/**
 * HISTORY_KIND=repeats (default): every event the same failure of its device, said again — the
 * repeats a report collapses; HISTORY_KIND=changes: each device's events alternate failed and ok,
 * every one a change (the worst case: nothing collapses, every event of the period is read).
 */
const CHANGES = process.env.HISTORY_KIND === 'changes';
const DAY = 86_400_000;

it(
  'times the reports of a day and of 90 days over a long history, in-process and in the worker',
  async () => {
    const server = await startPostgres();
    try {
      const url = await server.database();
      const leadership = await Leadership.acquire({ url, name: 'bench', clock: systemClock, log: silentLogger() });
      const opened = await openPostgresStore({
        client: leadership.client,
        term: leadership.term,
        onFenced: () => undefined,
        connection: { url },
      });
      opened.store.appendEvent({
        type: 'device.state',
        ts: Date.now(),
        agent: 'agent-a',
        device: 'cam-1',
        reason: 'no reply',
        data: { from: 'ok', to: 'failed' },
      }); // the model of every event made
      await opened.store.durable(5_000);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const now = Date.now();
      let t = performance.now();
      await client.query(
        `INSERT INTO events (seq, ts, type, agent, device, slot, by, reason, data) SELECT e.seq + g, $2::bigint - $3::bigint + g * ($3::bigint / $1::bigint), e.type, e.agent, 'cam-' || (g % 50), e.slot, e.by, e.reason, CASE WHEN $4 AND (g / 50) % 2 = 1 THEN '{"from":"failed","to":"ok"}' ELSE e.data END FROM events e, generate_series(1, $1::bigint) g WHERE e.seq = 1`,
        [N, now, 365 * DAY, CHANGES],
      );
      // The store's history builds its indexes concurrently meanwhile: an ANALYZE can meet it in a deadlock, and is asked again.
      for (let i = 0; ; i += 1) {
        try {
          await client.query('ANALYZE events');
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== '40P01' || i >= 5) throw err;
        }
      }
      console.log(`inserted ${N} events (${CHANGES ? 'changes' : 'repeats'}) in ${Math.round(performance.now() - t)} ms`);
      // From the build: the worker thread exists only there.
      const { PostgresHistory } = (await import(
        '../../dist/controller/store/history-postgres.js' as string
      )) as typeof import('../../controller/store/history-postgres.ts');
      const history = new PostgresHistory(
        { url },
        () => [],
        () => undefined,
      );
      t = performance.now();
      await history.ready(); // its indexes, then the summaries of the days that are over (controller/store/history-days.ts)
      console.log(`indexes and day summaries ready in ${Math.round(performance.now() - t)} ms`);
      // Where the time of a 90-day report would go reading every row of its period (what reports did before the day summaries): PostgreSQL's scan and the rows' transfer, making events of them (JSON, schema), the report's own work.
      {
        const { REPORT_TYPES, rowsToEvents } = await import('../../controller/store/history.ts');
        const { buildReport } = await import('../../controller/plan/report.ts');
        const q = { since: now - 90 * DAY, until: now };
        t = performance.now();
        const rows: Array<import('../../controller/store/history.ts').EventRow> = [];
        for (let after = [q.since, -1]; ;) {
          const page = (
            await client.query(
              `SELECT * FROM events WHERE (ts, seq) > ($1, $2) AND ts <= $3 AND type = ANY($4::text[]) ORDER BY ts, seq LIMIT 50000`,
              [...after, q.until, REPORT_TYPES],
            )
          ).rows;
          rows.push(...page);
          if (page.length < 50_000) break;
          after = [Number(page.at(-1).ts), Number(page.at(-1).seq)];
        }
        const sqlMs = performance.now() - t;
        t = performance.now();
        const events = rowsToEvents(rows, () => undefined);
        const eventsMs = performance.now() - t;
        t = performance.now();
        buildReport(events, q);
        console.log(
          `90d every row, phases (${rows.length} rows): PostgreSQL and transfer ${Math.round(sqlMs)} ms, rows to events ${Math.round(eventsMs)} ms, report ${Math.round(performance.now() - t)} ms`,
        );
      }
      for (const days of [1, 90]) {
        for (const how of ['events', 'in-process', 'worker'] as const) {
          const delay = monitorEventLoopDelay({ resolution: 10 });
          delay.enable();
          t = performance.now();
          const q = { since: now - days * DAY, until: now };
          const read = how === 'events' ? await history.reportEvents(q.since, q.until) : undefined;
          const n = read
            ? `${read.events.length} events, ${read.devices?.days.length ?? 0} device days`
            : how === 'worker'
              ? (await history.report(q)).devices.length
              : -1;
          if (how === 'in-process') {
            const { buildReport } = await import('../../controller/plan/report.ts');
            buildReport(await history.reportEvents(q.since, q.until), q);
          }
          delay.disable();
          console.log(
            `${days}d ${how}: ${Math.round(performance.now() - t)} ms (${n}), longest event-loop stall ${Math.round(delay.max / 1e6)} ms`,
          );
        }
      }
      await client.end();
      await opened.store.close();
      await leadership.release();
    } finally {
      await server.close();
    }
  },
  Number(process.env.HISTORY_TIMEOUT_MS ?? 600_000),
);
