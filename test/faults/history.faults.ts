/**
 * A pair with a long history (issue 20, point 0): two `onair controller` processes on one
 * PostgreSQL database and one broker, two agents and a slot. For each history size (HISTORY_SIZES,
 * default 0 and 1,000,000 events; 10,000,000 with HISTORY_SIZES=0,1000000,10000000), the events
 * are made in PostgreSQL with INSERT … SELECT generate_series, cloned from the pair's own real
 * device.state and slot.state rows (what a report reads: the hardest case) and spread over a year;
 * then the leader is killed HISTORY_KILLS times (kill → the new leader announced; its load time
 * and resident memory after), and `onair report --since 1d` and `--since 90d` are asked 3 times
 * each while counting leader changes (a missed renewal costs the lead). Writes .faults/history.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import type { Agent } from '../../agent/agent.ts';
import { recordResults } from './results.ts';
import { closeClient, registerGear, removeDir, runOnair, startAgent, tempDir, waitUntil } from '../integration/helpers.ts';
import { controllerProcess, type ControllerProcess } from '../support/processes.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { PairWatch } from '../support/pair-watch.ts';

const SIZES = (process.env.HISTORY_SIZES ?? '0,1000000').split(',').map(Number);
const KILLS = Number(process.env.HISTORY_KILLS ?? 5);
const YEAR = 365 * 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const figures: Array<Record<string, unknown>> = [];
recordResults('history', () => ({ date: new Date().toISOString(), sizes: figures }));

const median = (xs: number[]): number | null => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]! : null);
const rssMb = (pid: number): number =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 102.4) / 10;
/** The new leader's own figures, from its last "leading" log line. */
function leadingLine(dir: string): { loadedRows?: number; loadMs?: number; startMs?: number } {
  const lines = readFileSync(path.join(dir, 'controller.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('leading: deciding from now on'));
  return lines.length ? (JSON.parse(lines.at(-1)!) as { loadedRows?: number; loadMs?: number; startMs?: number }) : {};
}
const renewalsMissed = (dir: string): number =>
  (readFileSync(path.join(dir, 'controller.log'), 'utf8').match(/no renewal for|lost the lead/g) ?? []).length;

let server: TestPostgres | undefined;
let broker: EmbeddedBroker | undefined;
const cleanup: Array<() => Promise<unknown>> = [];
let dir = '';
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await broker?.close();
  await server?.close();
  if (dir && !process.env.KEEP_TEST_DIR) removeDir(dir);
}, 120_000);

describe.skipIf(!hasPostgres())('a pair with a long history', () => {
  it('takes over as fast with 1,000,000 events as with none, and answers reports without losing the lead', async () => {
    server = await startPostgres();
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    dir = tempDir();
    const url = await server.database();
    const sql = async <R extends pg.QueryResultRow>(text: string, args: unknown[] = []): Promise<R[]> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<R>(text, args)).rows;
      } finally {
        await client.end();
      }
    };
    const watch = await PairWatch.start(broker.url);
    cleanup.push(() => closeClient(watch.client));
    const seats: Record<string, ControllerProcess> = {};
    for (const name of ['ctl-a', 'ctl-b']) {
      seats[name] = await controllerProcess(path.join(dir, name), {
        name,
        postgres: { url },
        broker: { embedded: false, url: broker.url },
        http: { enabled: false },
        onAir: true,
        detection: { restartGraceMs: 3_000 },
      });
      cleanup.push(() => seats[name]!.stop());
    }
    seats['ctl-a']!.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 30_000, 'ctl-a to lead');
    seats['ctl-b']!.start();
    const agents: Agent[] = [
      await startAgent(broker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }]),
      await startAgent(broker.url, 'agent-b', [{ id: 'cam-2', kind: 'camera' }]),
    ];
    cleanup.push(...agents.map((a) => () => a.stop()));
    await registerGear(
      broker.url,
      [
        { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
        { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
      ],
      [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
    );
    await sleep(3_000);

    for (const size of SIZES) {
      const real = await sql<{ n: string }>('SELECT COUNT(*) AS n FROM events');
      const made = Math.max(0, size - Number(real[0]!.n));
      const insertStarted = performance.now();
      if (made > 0) {
        // Cloned from the pair's real state changes, round-robin, oldest first over the past year.
        await sql(
          `WITH r AS (SELECT *, row_number() OVER (ORDER BY seq) - 1 AS i, COUNT(*) OVER () AS k FROM events WHERE type IN ('device.state', 'slot.state')),
                top AS (SELECT COALESCE(MAX(seq), 0) AS s FROM events)
           INSERT INTO events (seq, ts, type, agent, device, slot, by, reason, data)
           SELECT top.s + g, $2::bigint - $3::bigint + (g * ($3::bigint / $1::bigint)), r.type, r.agent, r.device, r.slot, r.by, r.reason, r.data
           FROM generate_series(1, $1::bigint) g CROSS JOIN top JOIN r ON r.i = g % r.k`,
          [made, Date.now() - 86_400_000 * 2, YEAR],
        );
        await sql('ANALYZE events');
      }
      const insertMs = Math.round(performance.now() - insertStarted);
      const bytes = await sql<{ size: string }>("SELECT pg_size_pretty(pg_total_relation_size('events')) AS size");
      const takeovers: Array<{ ms: number; loadMs?: number; loadedRows?: number; rssMb: number }> = [];
      for (let k = 0; k < KILLS; k += 1) {
        const leader = watch.leader()!;
        const next = leader.name === 'ctl-a' ? 'ctl-b' : 'ctl-a';
        const seen = watch.leaders.length;
        const killedAt = Date.now();
        await seats[leader.name]!.kill();
        const announced = await waitUntil(
          () => watch.leaders.slice(seen).find((l) => l.name === next && l.term > leader.term),
          30_000,
          `${next} to lead`,
        );
        await sleep(2_000);
        takeovers.push({ ms: announced.at - killedAt, ...leadingLine(path.join(dir, next)), rssMb: rssMb(seats[next]!.pid!) });
        seats[leader.name]!.start();
        await sleep(2_000); // standing by again
      }
      process.stdout.write(`history ${size}: takeovers ${JSON.stringify(takeovers)}\n`);
      const leaderName = watch.leader()!.name;
      const termsBefore = watch.leaders.length;
      const missedBefore = renewalsMissed(path.join(dir, leaderName));
      const reports: Record<string, number[]> = { '1d': [], '90d': [], cliStart: [] };
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        await runOnair(broker.url, '--version');
        reports.cliStart!.push(Math.round(performance.now() - started)); // the CLI's own start, part of every figure below
      }
      for (const since of ['1d', '90d']) {
        for (let i = 0; i < 3; i += 1) {
          const started = performance.now();
          const r = await runOnair(broker.url, 'report', '--since', since, '--format', 'json', '--timeout', '60000');
          reports[since]!.push(Math.round(performance.now() - started));
          if (r.code !== 0)
            process.stdout.write(
              `report --since ${since} failed: ${r.stdout}${r.stderr}\n${readFileSync(path.join(dir, leaderName, 'controller.log'), 'utf8')
                .split('\n')
                .filter((l) => /"level":(40|50)/.test(l))
                .slice(-5)
                .join('\n')}\n`,
            );
          expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
        }
      }
      const entry = {
        events: size,
        eventsTable: bytes[0]!.size,
        insertMs,
        takeoverMs: takeovers.map((t) => t.ms),
        takeoverP50: median(takeovers.map((t) => t.ms)),
        loadMs: takeovers.map((t) => t.loadMs),
        loadedRows: takeovers.map((t) => t.loadedRows),
        leaderRssMb: takeovers.map((t) => t.rssMb),
        reportMs: reports,
        leaderChangesDuringReports: watch.leaders.length - termsBefore,
        renewalsMissedDuringReports: renewalsMissed(path.join(dir, leaderName)) - missedBefore,
      };
      figures.push(entry);
      process.stdout.write(`history ${JSON.stringify(entry)}\n`);
      expect(entry.leaderChangesDuringReports).toBe(0);
    }
  }, 3_600_000);
});
