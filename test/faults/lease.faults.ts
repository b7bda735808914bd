/**
 * The pair's lease on a loaded machine (issue 20.6). Two `onair controller` processes on a
 * scram-sha-256 PostgreSQL cluster, each through its own TCP proxy (to cut its link without a FIN),
 * Debian's Mosquitto, two agents; the machine loaded with LEASE_LOAD `yes > /dev/null` processes
 * (nice 0) on top of whatever else runs. Measured, in order:
 *   1. LEASE_QUIET_MS (10 min) with no fault at all: leader changes (goal 0), late renewals;
 *   2. LEASE_KILLS SIGKILLs of the leader: kill → new leader announced (goal p99 ≤ 1 s, LEASE_KILL_P99_MS);
 *   3. LEASE_PAUSES SIGSTOPs and as many cuts of the leader's database link: → new leader (goal ≤ 5 s).
 * The load average is sampled every 10 s. Writes .faults/lease.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordResults } from './results.ts';
import { eventually, registerGear, removeDir, startAgent, tempDir, waitUntil } from '../integration/helpers.ts';
import type { Agent } from '../../agent/agent.ts';
import { hasMosquitto } from '../support/processes.ts';
import { hasPostgres, hasSession } from '../support/postgres.ts';
import { startProxiedPair } from '../support/proxied-pair.ts';

const QUIET_MS = Number(process.env.LEASE_QUIET_MS ?? 600_000);
const KILLS = Number(process.env.LEASE_KILLS ?? 30);
const PAUSES = Number(process.env.LEASE_PAUSES ?? 3);
const LOAD = Number(process.env.LEASE_LOAD ?? 8);
/** The goal; CI runs a shorter, lighter round with a regression bound instead (.ci/run). */
const KILL_P99_MS = Number(process.env.LEASE_KILL_P99_MS ?? 1_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const loadSamples: number[] = [];
const figures: Record<string, unknown> = {};
const dirs: string[] = [];
recordResults('lease', () => ({
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  at: new Date().toISOString(),
  extraLoad: LOAD,
  loadAverage: {
    min: Math.min(...loadSamples),
    median: percentile(loadSamples, 50),
    max: Math.max(...loadSamples),
    samples: loadSamples.length,
  },
  ...figures,
}));
afterAll(() => {
  if (!process.env.LEASE_KEEP_DIRS) for (const d of dirs) removeDir(d);
});

describe.runIf(hasPostgres() && hasMosquitto())('the lease on a loaded machine', () => {
  it('no leader change without a fault; kill → new leader p99 ≤ 1 s; pause or cut → new leader ≤ 5 s', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const burners: ChildProcess[] = [];
    const sampler = setInterval(() => loadSamples.push(Math.round(os.loadavg()[0]! * 10) / 10), 10_000);
    const cleanup: Array<() => Promise<unknown>> = [
      async () => burners.forEach((b) => b.kill('SIGKILL')),
      async () => clearInterval(sampler),
    ];
    try {
      const {
        broker,
        url,
        seats: members,
        watch,
      } = await startProxiedPair(dir, (work) => cleanup.unshift(work), {
        controller: { http: { enabled: false }, onAir: true, detection: { recoverAfterMs: 1_000, restartGraceMs: 5_000 } },
        leadWithinMs: 30_000,
      });
      // The load once the pair runs: its cluster's initdb and first start are not what is measured (initdb timed out, 30 s, at load average ~28).
      burners.push(...Array.from({ length: LOAD }, () => spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' })));
      const agents: Agent[] = [await startAgent(broker.url, 'agent-a', []), await startAgent(broker.url, 'agent-b', [])];
      cleanup.unshift(...agents.map((a) => () => a.stop()));
      await registerGear(
        broker.url,
        [
          { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
          { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
        ],
        [{ id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
      );
      const standingBy = (name: string) => eventually(() => hasSession(url, name), 30_000, `${name} standing by`);
      await standingBy('ctl-b');
      const other = (name: string) => (name === 'ctl-a' ? 'ctl-b' : 'ctl-a');
      const logOf = (name: string) => readFileSync(path.join(dir, name, 'controller.log'), 'utf8');
      const count = (re: RegExp) => ['ctl-a', 'ctl-b'].reduce((n, name) => n + (logOf(name).match(re)?.length ?? 0), 0);

      // 1. Nothing happens but the load: the leader must stay.
      const quietFrom = watch.leader()!;
      const lateBefore = count(/a lease renewal ran late/g);
      const quietStart = Date.now();
      await sleep(QUIET_MS);
      const changes =
        new Set(watch.leaders.filter((l) => l.at >= quietStart).map((l) => l.term)).size -
        (watch.leaders.some((l) => l.at >= quietStart && l.term === quietFrom.term) ? 1 : 0);
      figures.quiet = {
        ms: QUIET_MS,
        leaderChanges: changes,
        lateRenewals: count(/a lease renewal ran late/g) - lateBefore,
        notProven: count(/the lead is not proven/g),
        loadDuring: [...loadSamples],
      };

      // 2. Kills: the socket closes, the lock is free at once; the standby takes it at its next poll.
      const timelines = () =>
        ['ctl-a', 'ctl-b'].flatMap((name) =>
          logOf(name)
            .split('\n')
            .filter((l) => l.includes('"takeover timeline"'))
            .map(
              (l) => JSON.parse(l) as { term: number; lockedAtWall: number; steps: Record<string, number>; cpu?: Record<string, number> },
            ),
        );
      const timelinesBefore = timelines().length;
      const kills: number[] = [];
      const killedAtOf = new Map<number, number>(); // the new term → when its predecessor was killed
      for (let i = 0; i < KILLS; i += 1) {
        const before = watch.leader()!;
        const victim = members.get(before.name)!.proc;
        const killedAt = Date.now();
        killedAtOf.set(before.term + 1, killedAt);
        await victim.kill();
        await waitUntil(
          () => watch.leader()?.term === before.term + 1 && watch.leader()?.name === other(before.name),
          15_000,
          'a new leader after the kill',
        );
        kills.push(watch.leaders.find((l) => l.term === before.term + 1)!.at - killedAt);
        victim.start();
        await standingBy(before.name);
        await sleep(1_000);
      }
      figures.kill = { n: kills.length, p50: percentile(kills, 50), p99: percentile(kills, 99), max: percentile(kills, 100), all: kills };
      // Where the new leaders' time went, lock → announced (controller/pair/takeover-timeline.ts): p50 / p99 of each step.
      const steps = timelines()
        .slice(timelinesBefore)
        .map((t) => ({ killToLock: t.lockedAtWall - (killedAtOf.get(t.term) ?? NaN), ...t.steps }));
      const names = [...new Set(steps.flatMap((s) => Object.keys(s)))];
      figures.killTimelines = steps;
      // The new leader's CPU from the lock to each step (ms of user + system time).
      const cpu = timelines()
        .slice(timelinesBefore)
        .map((t) => t.cpu ?? {});
      figures.killCpu = Object.fromEntries(
        [...new Set(cpu.flatMap((c) => Object.keys(c)))].map((n) => {
          const v = cpu.map((c) => c[n]).filter((x): x is number => x !== undefined);
          return [n, { p50: percentile(v, 50), p99: percentile(v, 99) }];
        }),
      );
      figures.killSteps = Object.fromEntries(
        names.map((n) => {
          const v = steps.map((s) => (s as Record<string, number>)[n]).filter((x): x is number => x !== undefined && !Number.isNaN(x));
          return [n, { p50: percentile(v, 50), p99: percentile(v, 99), max: percentile(v, 100) }];
        }),
      );

      // 3. Pauses and cuts: only the server's idle timeout frees the lock.
      const pauses: number[] = [];
      const cuts: number[] = [];
      for (let i = 0; i < PAUSES * 2; i += 1) {
        const before = watch.leader()!;
        const member = members.get(before.name)!;
        const lostBefore = logOf(before.name).match(/lost the lead: stopping without a word/g)?.length ?? 0;
        const at = Date.now();
        if (i % 2 === 0) await member.proc.signal('SIGSTOP');
        else member.proxy.cut();
        await waitUntil(() => watch.leader()?.term === before.term + 1, 20_000, 'a new leader after the pause or cut');
        (i % 2 === 0 ? pauses : cuts).push(watch.leaders.find((l) => l.term === before.term + 1)!.at - at);
        await sleep(1_000);
        if (i % 2 === 0) await member.proc.signal('SIGCONT');
        else member.proxy.restore();
        await waitUntil(
          () => (logOf(before.name).match(/lost the lead: stopping without a word/g)?.length ?? 0) > lostBefore,
          30_000,
          `${before.name} to stand by`,
        );
        await standingBy(before.name);
        await sleep(1_000);
      }
      figures.pause = { n: pauses.length, max: Math.max(...pauses), all: pauses };
      figures.cut = { n: cuts.length, max: Math.max(...cuts), all: cuts };
      figures.staleCommands = watch.staleCommands();
      console.log(JSON.stringify({ loadSamples, ...figures }, null, 2));

      expect(changes).toBe(0);
      expect(percentile(kills, 99)!).toBeLessThanOrEqual(KILL_P99_MS);
      expect(Math.max(...pauses, ...cuts)).toBeLessThanOrEqual(5_000);
      expect(figures.staleCommands).toEqual({ sent: 0, executed: 0 });
    } finally {
      for (const c of cleanup) await c().catch(() => undefined);
    }
  }, 3_600_000);
});
