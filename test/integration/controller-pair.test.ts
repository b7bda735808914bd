/**
 * Two `onair controller` processes on one PostgreSQL database and one broker (a real aedes broker
 * in the test process, which outlives them): one leads, the other stands by. The cluster requires
 * scram-sha-256 passwords; the controllers log in as production does (a password-less URL and
 * postgres.passwordFile). The leader is killed with SIGKILL (the standby leads within 2 s: its
 * socket closed, the lock is free at once) and paused with SIGSTOP (within 5 s: the 3 s lease runs
 * out on the server), and a leader resumed with SIGCONT must not act: no command of its term, no
 * state of its own on the broker, no row in the database. A new leader of a pair on air never
 * announces itself or a slot off air. PostgreSQL stopped for 6 s mid-show costs nothing: the leader
 * takes its own term up again, nothing is ever announced off air, the writes held are written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import type { ControllerProcess } from '../support/processes.ts';
import { hasPostgres, hasSession } from '../support/postgres.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { pairOnPostgres } from '../support/pair-on-postgres.ts';
import { eventually, registerGear, runOnair, simulate, startAgent, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const fixture = pairOnPostgres();
const { defer } = fixture;

function pairMember(name: string, url: string, brokerUrl?: string): Promise<ControllerProcess> {
  return fixture.seat(
    name,
    {
      postgres: fixture.server.login(url, fixture.dir),
      http: { enabled: false },
      onAir: true,
      detection: { restartGraceMs: 3_000, recoverAfterMs: 500 },
    },
    brokerUrl,
  );
}

/** agent-a with cam-1, the slot's primary, and agent-b with cam-2, its backup, on `brokerUrl`. */
async function twoCameras(brokerUrl: string): Promise<void> {
  for (const [agent, device] of [
    ['agent-a', 'cam-1'],
    ['agent-b', 'cam-2'],
  ] as const) {
    const started = await startAgent(brokerUrl, agent, [{ id: device, kind: 'camera' }]);
    defer(() => started.stop());
  }
  await registerGear(
    brokerUrl,
    [
      { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
      { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
    ],
    [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
  );
}

async function eventsInDatabase(url: string): Promise<Array<{ seq: number; type: string; slot: string | null; by: string | null }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      await client.query<{ seq: string; type: string; slot: string | null; by: string | null }>(
        'SELECT seq, type, slot, by FROM events ORDER BY seq',
      )
    ).rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres())('two controllers on one PostgreSQL database', () => {
  it('the standby leads within 2 s of a SIGKILL and of a SIGSTOP; a leader resumed with SIGCONT does not act', async () => {
    const { server, broker, dir } = fixture;
    const url = await server.database();
    const watch = await fixture.watch();
    const a = await pairMember('ctl-a', url);
    a.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
    const b = await pairMember('ctl-b', url);
    b.start();
    await twoCameras(broker.url);
    await eventually(() => hasSession(url, 'ctl-b'), 30_000, 'ctl-b standing by');
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
    await waitUntil(
      () => watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate'),
      5_000,
      'ctl-b to activate the backup',
    );
    const activate = watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate')!;
    expect(activate.command.term).toBe(firstTerm + 1);

    // 2. SIGSTOP: the paused leader stops renewing; the server ends its session after the lease.
    a.start(); // back as the standby
    await eventually(() => hasSession(url, 'ctl-a'), 30_000, 'ctl-a standing by');
    const pausedAt = Date.now();
    await b.signal('SIGSTOP');
    await waitUntil(() => watch.leader()?.name === 'ctl-a', 10_000, 'ctl-a to lead after the pause');
    const afterPause = Date.now() - pausedAt;
    const thirdTerm = watch.leader()!.term;
    expect(thirdTerm).toBe(firstTerm + 2);
    expect(afterPause).toBeLessThan(5_000);
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
    // On air (config) all along: no leader ever said otherwise, its first word after a takeover included.
    expect(watch.states.filter((x) => x.online && x.onAir !== true)).toEqual([]);
    expect(watch.slotStates.filter((x) => !x.onAir)).toEqual([]);
    console.log(`takeover after SIGKILL ${afterKill} ms, after SIGSTOP ${afterPause} ms`);
  }, 90_000);

  it('a leader cut off from PostgreSQL for 5 s (no FIN, no RST) stops acting before the standby takes over, and stands by once the link is back', async () => {
    const { server, dir } = fixture;
    const url = await server.database();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    defer(() => proxy.close());
    const ownBroker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    defer(() => ownBroker.close());
    const watch = await fixture.watch(ownBroker.url);
    const viaProxy = url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const c = await pairMember('ctl-c', viaProxy, ownBroker.url);
    c.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-c', 20_000, 'ctl-c to lead');
    const d = await pairMember('ctl-d', url, ownBroker.url);
    d.start();
    await twoCameras(ownBroker.url);
    await eventually(() => hasSession(url, 'ctl-d'), 30_000, 'ctl-d standing by');
    const oldTerm = watch.leader()!.term;

    const cutAt = Date.now();
    proxy.cut();
    await waitUntil(() => watch.leader()?.name === 'ctl-d', 10_000, 'ctl-d to lead while ctl-c is cut off');
    const takeover = Date.now() - cutAt;
    expect(takeover).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 1_500)); // the new leader's fleet settles
    // ctl-c still hears the broker: the failure tempts it, and only its own lease stops it.
    await simulate(ownBroker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(
      () => watch.commands.find((x) => x.agent === 'agent-b' && x.command.action === 'activate'),
      5_000,
      'ctl-d to activate the backup',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, 6_000 - (Date.now() - cutAt))));
    proxy.restore();
    // Back on the link, it finds the lock taken: it stands by again (its session open, asking for the lock).
    await waitUntil(
      () => /lost the lead: stopping without a word/.test(readFileSync(path.join(dir, 'ctl-c', 'controller.log'), 'utf8')),
      20_000,
      'ctl-c to give the lead up',
    );

    expect(watch.commands.filter((x) => x.at >= cutAt && x.command.term === oldTerm)).toEqual([]);
    // Every activate from the new term (a loaded machine may make the leader send it again after a timeout).
    const activates = watch.commands.filter((x) => x.command.action === 'activate').map((x) => x.command.term);
    expect(activates.length).toBeGreaterThan(0);
    expect(new Set(activates)).toEqual(new Set([oldTerm + 1]));
    // Its broker session's will (controller/state offline) may come as it stops: the leader answers it with its own announcement.
    await waitUntil(() => watch.leader()?.name === 'ctl-d', 10_000, 'ctl-d still named the leader');
    expect(watch.leader()).toMatchObject({ name: 'ctl-d', term: oldTerm + 1 });
    const events = await eventsInDatabase(url);
    expect(events.filter((e) => e.type === 'failover.succeeded' && e.slot === SLOT)).toHaveLength(1);

    // The cut-off controller stands by again: it leads when ctl-d goes.
    await eventually(() => hasSession(url, 'ctl-c'), 30_000, 'ctl-c standing by again');
    await d.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-c', 10_000, 'ctl-c to lead again');
    expect(watch.leader()!.term).toBe(oldTerm + 2);
    console.log(`takeover from a leader cut off from PostgreSQL: ${takeover} ms`);
  }, 90_000);

  it('PostgreSQL stopped for 6 s mid-show: the leader takes its own term up again, nothing is announced off air, the writes held are written', async () => {
    const { server, dir } = fixture;
    const url = await server.database();
    const ownBroker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    defer(() => ownBroker.close());
    const watch = await fixture.watch(ownBroker.url);
    const e = await pairMember('ctl-e', url, ownBroker.url);
    e.start();
    await waitUntil(() => watch.leader()?.name === 'ctl-e', 20_000, 'ctl-e to lead');
    const f = await pairMember('ctl-f', url, ownBroker.url);
    f.start();
    await twoCameras(ownBroker.url);
    await eventually(() => hasSession(url, 'ctl-f'), 30_000, 'ctl-f standing by');
    await waitUntil(() => watch.slotStates.find((x) => x.slot === SLOT && x.state === 'ok' && x.onAir), 10_000, 'the slot on air');
    const term = watch.leader()!.term;

    // Longer than every retry interval of the pair (renewals 250 ms, lease 3 s, reconnects 250 ms, standby backoff up to 5 s).
    const stoppedAt = Date.now();
    await server.stop();
    await new Promise((r) => setTimeout(r, 6_000));
    await server.restart();
    const logOf = (name: string): string => readFileSync(path.join(dir, name, 'controller.log'), 'utf8');
    await waitUntil(() => /took the same term up again/.test(logOf('ctl-e')), 20_000, 'ctl-e to take its term up again');

    // Still the leader, still on air; and it acts: a real failure after the outage is failed over by it, in its term.
    await simulate(ownBroker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(
      () => watch.slotStates.find((x) => x.at > stoppedAt && x.slot === SLOT && x.state === 'ok' && x.active === 'agent-b/cam-2'),
      10_000,
      'the backup live',
    );
    expect(watch.commands.filter((x) => x.command.action === 'activate').map((x) => x.command.term)).toEqual([term]);
    expect(watch.leaders.filter((l) => l.at > stoppedAt).every((l) => l.term === term && l.name === 'ctl-e')).toBe(true);
    expect(watch.leader()).toMatchObject({ name: 'ctl-e', term });
    // Every controller/state and slot state ever published said on air (the retained ones included).
    expect(watch.states.filter((x) => !x.online || x.onAir !== true)).toEqual([]);
    expect(watch.slotStates.filter((x) => !x.onAir)).toEqual([]);
    // What the leader wrote while PostgreSQL was away (its storage alarm) was held and written afterwards, in order, with the failover.
    await eventually(
      async () => (await eventsInDatabase(url)).some((x) => x.type === 'failover.succeeded' && x.slot === SLOT),
      10_000,
      'the failover stored',
    );
    const events = await eventsInDatabase(url);
    expect(new Set(events.map((x) => x.seq)).size).toBe(events.length);
    expect(events.filter((x) => x.type === 'alarm').length).toBeGreaterThanOrEqual(2); // raised during the outage, cleared after
    expect(/lost the lead/.test(logOf('ctl-e'))).toBe(false);
    expect(/leading: deciding from now on/.test(logOf('ctl-f'))).toBe(false);
  }, 120_000);
});
