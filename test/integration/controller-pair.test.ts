/**
 * Two `onair controller` processes on one PostgreSQL database and one broker (a real aedes broker
 * in the test process, which outlives them): one leads, the other stands by. The leader is killed
 * with SIGKILL and paused with SIGSTOP; the standby must lead within 2 s with a newer term, and a
 * leader resumed with SIGCONT must not act: no command of its term, no state of its own on the
 * broker, no row in the database.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker.ts';
import type { Agent } from '../../agent/agent.ts';
import { controllerProcess, type ControllerProcess } from '../support/processes.ts';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { PairWatch } from '../support/pair-watch.ts';
import { closeClient, registerGear, removeDir, runOnair, simulate, startAgent, tempDir, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
let server: TestPostgres;
let broker: EmbeddedBroker;
let dir: string;
const cleanup: Array<() => Promise<unknown>> = [];

async function pairMember(name: string, url: string, brokerUrl = broker.url): Promise<ControllerProcess> {
  const proc = await controllerProcess(path.join(dir, name), {
    name,
    postgres: { url },
    broker: { embedded: false, url: brokerUrl },
    http: { enabled: false },
    onAir: true,
    detection: { restartGraceMs: 3_000, recoverAfterMs: 500 },
  });
  cleanup.push(() => proc.stop());
  return proc;
}

async function eventsInDatabase(url: string): Promise<Array<{ seq: number; type: string; slot: string | null; by: string | null }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ seq: string; type: string; slot: string | null; by: string | null }>('SELECT seq, type, slot, by FROM events ORDER BY seq')).rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!hasPostgres()) return;
  server = await startPostgres();
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
  dir = tempDir();
}, 60_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await broker?.close();
  await server?.close();
  if (dir) removeDir(dir);
}, 60_000);

describe.skipIf(!hasPostgres())('two controllers on one PostgreSQL database', () => {
  it('the standby leads within 2 s of a SIGKILL and of a SIGSTOP; a leader resumed with SIGCONT does not act', async () => {
    const url = await server.database();
    const watch = await PairWatch.start(broker.url);
    cleanup.push(() => closeClient(watch.client));
    const a = await pairMember('ctl-a', url);
    a.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    const b = await pairMember('ctl-b', url);
    b.start();
    const agents: Agent[] = [await startAgent(broker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }]), await startAgent(broker.url, 'agent-b', [{ id: 'cam-2', kind: 'camera' }])];
    cleanup.push(...agents.map((ag) => () => ag.stop()));
    await registerGear(broker.url, [{ agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] }, { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] }], [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }]);
    await new Promise((r) => setTimeout(r, 1_000)); // b connected and standing by
    const firstTerm = watch.leader()!.term;

    // 1. SIGKILL: the socket closes, PostgreSQL frees the lock, the standby takes it at its next poll.
    const killedAt = Date.now();
    await a.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 5_000, 'ctl-b to lead after the kill');
    const afterKill = Date.now() - killedAt;
    expect(watch.leader()!.term).toBe(firstTerm + 1);
    expect(afterKill).toBeLessThan(2_000);
    // onair status names the leader, its term and since when.
    const status = await runOnair(broker.url, 'status');
    expect(status.stdout).toMatch(new RegExp(`leader: ctl-b \\(term ${firstTerm + 1}\\) since \\d{4}-\\d\\d-\\d\\d`));

    // The new leader acts: a real failure is failed over once, by it, with its term.
    await new Promise((r) => setTimeout(r, 1_500)); // its fleet settles (agents heard again)
    await simulate(broker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate'), 5_000, 'ctl-b to activate the backup');
    const activate = watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate')!;
    expect(activate.command.term).toBe(firstTerm + 1);

    // 2. SIGSTOP: the paused leader stops renewing; the server ends its session after the lease.
    a.start(); // back as the standby
    await new Promise((r) => setTimeout(r, 1_500));
    const pausedAt = Date.now();
    await b.signal('SIGSTOP');
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 5_000, 'ctl-a to lead after the pause');
    const afterPause = Date.now() - pausedAt;
    const thirdTerm = watch.leader()!.term;
    expect(thirdTerm).toBe(firstTerm + 2);
    expect(afterPause).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 1_500));

    // 3. SIGCONT: every deadline of the resumed leader has passed; it must see that it no longer leads.
    const resumedAt = Date.now();
    await b.signal('SIGCONT');
    await new Promise((r) => setTimeout(r, 3_000));
    const stale = watch.commands.filter((c) => c.at >= resumedAt && c.command.term !== undefined && c.command.term < thirdTerm);
    expect(stale).toEqual([]);
    expect(watch.slotStates.filter((s) => s.at >= resumedAt && s.term !== undefined && s.term < thirdTerm)).toEqual([]);
    expect(watch.leader()).toMatchObject({ name: 'ctl-a', term: thirdTerm });
    // It noticed at once (its lease was older than the lease when its timers ran again) and said nothing.
    const bLog = readFileSync(path.join(dir, 'ctl-b', 'controller.log'), 'utf8');
    expect(bLog).toMatch(/lost the lead: stopping without a word/);
    const events = await eventsInDatabase(url);
    // Each event number once, in order; the one failover of the one real failure.
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'failover.succeeded' && e.slot === SLOT)).toHaveLength(1);
    console.log(`takeover after SIGKILL ${afterKill} ms, after SIGSTOP ${afterPause} ms`);
  }, 90_000);

  it('a leader cut off from PostgreSQL for 5 s (no FIN, no RST) stops acting before the standby takes over, and stands by once the link is back', async () => {
    const url = await server.database();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    cleanup.push(() => proxy.close());
    const ownBroker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    cleanup.push(() => ownBroker.close());
    const watch = await PairWatch.start(ownBroker.url);
    cleanup.push(() => closeClient(watch.client));
    const viaProxy = url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const c = await pairMember('ctl-c', viaProxy, ownBroker.url);
    c.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-c', 20_000, 'ctl-c to lead');
    const d = await pairMember('ctl-d', url, ownBroker.url);
    d.start();
    const agents: Agent[] = [await startAgent(ownBroker.url, 'agent-a', [{ id: 'cam-1', kind: 'camera' }]), await startAgent(ownBroker.url, 'agent-b', [{ id: 'cam-2', kind: 'camera' }])];
    cleanup.push(...agents.map((ag) => () => ag.stop()));
    await registerGear(ownBroker.url, [{ agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] }, { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] }], [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }]);
    await new Promise((r) => setTimeout(r, 1_500));
    const oldTerm = watch.leader()!.term;

    const cutAt = Date.now();
    proxy.cut();
    await waitUntil(() => watch.leader()?.name === 'ctl-d', 5_000, 'ctl-d to lead while ctl-c is cut off');
    const takeover = Date.now() - cutAt;
    expect(takeover).toBeLessThan(2_500);
    await new Promise((r) => setTimeout(r, 1_500)); // the new leader's fleet settles
    // ctl-c still hears the broker: the failure tempts it, and only its own lease stops it.
    await simulate(ownBroker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => watch.commands.find((x) => x.agent === 'agent-b' && x.command.action === 'activate'), 5_000, 'ctl-d to activate the backup');
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - cutAt))));
    proxy.restore();
    await new Promise((r) => setTimeout(r, 2_000));

    expect(watch.commands.filter((x) => x.at >= cutAt && x.command.term === oldTerm)).toEqual([]);
    expect(watch.commands.filter((x) => x.command.action === 'activate').map((x) => x.command.term)).toEqual([oldTerm + 1]);
    expect(watch.leader()).toMatchObject({ name: 'ctl-d', term: oldTerm + 1 });
    const events = await eventsInDatabase(url);
    expect(events.filter((e) => e.type === 'failover.succeeded' && e.slot === SLOT)).toHaveLength(1);

    // The cut-off controller stands by again: it leads when ctl-d goes.
    await d.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-c', 5_000, 'ctl-c to lead again');
    expect(watch.leader()!.term).toBe(oldTerm + 2);
    console.log(`takeover from a leader cut off from PostgreSQL: ${takeover} ms`);
  }, 90_000);
});
