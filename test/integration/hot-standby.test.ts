/**
 * The standby of a pair is hot: while the other leads, it listens to the fleet on its own broker
 * connection and keeps the registry and the slot picture current, deciding nothing. Two `onair
 * controller` processes, one PostgreSQL database, a real aedes broker in the test process, real agents.
 *
 * - Agents heard by the standby are reachable the moment it leads: with heartbeats and health every
 *   10 s and a 20 s restart grace, a standby that started blind would wait up to 10 s to hear the
 *   backup's agent before failing over; a hot one fails over at once.
 * - A live member the last leader published but never stored (it died between the switch and the
 *   commit) stands: recorded once, no second failover, no command.
 * - A live member the last leader kept on air on purpose (black, its slot says onContentFault: alarm)
 *   stays live: the standby, which knows no slot, left its content fault for the new leader to judge.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import type { Agent } from '../../agent/agent.ts';
import { controllerProcess, type ControllerProcess } from '../support/processes.ts';
import { hasPostgres, queryRows as query, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { PairWatch } from '../support/pair-watch.ts';
import { request, withController } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { fakeMediaAgent } from '../support/media-agent.ts';
import { topic } from '../../protocols/contract.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';
import { closeClient, collect, eventually, registerGear, removeDir, simulate, startAgent, tempDir, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const GEAR = [
  { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' as const }] },
  { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' as const }] },
];
let server: TestPostgres;
let dir: string;
const cleanup: Array<() => Promise<unknown>> = [];

/** A pair on its own broker and database, the standby listening: each test sees only its own controllers. */
async function controllers(label: string, restartGraceMs: number) {
  const url = await server.database();
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
  cleanup.push(() => broker.close());
  const watch = await PairWatch.start(broker.url);
  cleanup.push(() => closeClient(watch.client));
  const member = async (name: string): Promise<ControllerProcess> => {
    const proc = await controllerProcess(path.join(dir, `${label}-${name}`), {
      name,
      postgres: server.login(url, dir),
      broker: { embedded: false, url: broker.url },
      http: { enabled: false },
      onAir: true,
      detection: { restartGraceMs, recoverAfterMs: 500 },
    });
    cleanup.push(() => proc.stop());
    return proc;
  };
  const a = await member('ctl-a');
  a.start();
  await waitUntil(() => watch.leader()?.name === 'ctl-a', 20_000, 'ctl-a to lead');
  const b = await member('ctl-b');
  b.start();
  const logOf = (name: string): string => readFileSync(path.join(dir, `${label}-${name}`, 'controller.log'), 'utf8');
  await waitUntil(() => /standing by: listening to the fleet/.test(logOf('ctl-b')), 10_000, 'ctl-b to listen to the fleet');
  return { url, broker, watch, a, b, logOf };
}

/** The pair, then real agents (started after the standby listens: it hears their births live) and the slot. */
async function pair(label: string, agentSettings: Record<string, unknown>, restartGraceMs: number) {
  const p = await controllers(label, restartGraceMs);
  const agents: Agent[] = [];
  for (const g of GEAR) agents.push(await startAgent(p.broker.url, g.agent, g.devices, agentSettings));
  cleanup.push(...agents.map((ag) => () => ag.stop()));
  await registerGear(p.broker.url, GEAR, [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }]);
  return p;
}

beforeAll(async () => {
  if (!hasPostgres()) return;
  server = await startPostgres();
  dir = tempDir();
}, 60_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await server?.close();
  if (dir) removeDir(dir);
}, 60_000);

describe.skipIf(!hasPostgres())('a hot standby', () => {
  it('leads with the fleet already in view: the live camera dying with the leader is failed over at once, not after the agents are heard again', async () => {
    // Quiet agents: a heartbeat and a health republish every 10 s, and a 20 s grace after a restart.
    const { url, broker, watch, a, logOf } = await pair('quiet', { heartbeatIntervalMs: 10_000, healthIntervalMs: 10_000 }, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const term = watch.leader()!.term;
    expect(watch.commands.filter((c) => c.command.term !== term)).toEqual([]); // the standby sent nothing

    const killedAt = Date.now();
    await Promise.all([a.kill(), simulate(broker.url, 'agent-a', 'cam-1', { mode: 'dead' })]);
    await waitUntil(
      () => watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate'),
      12_000,
      'ctl-b to activate the backup',
    );
    const activate = watch.commands.find((c) => c.agent === 'agent-b' && c.command.action === 'activate')!;
    const backupAfter = activate.at - killedAt;
    expect(activate.command.term).toBe(term + 1);
    expect(backupAfter).toBeLessThan(2_000);

    const bLog = logOf('ctl-b');
    const tookOver = bLog.split('\n').find((l) => l.includes('took over the fleet as seen while standing by'));
    expect(tookOver, 'ctl-b logs the picture it took over').toBeDefined();
    expect(JSON.parse(tookOver!)).toMatchObject({ agents: 2, agentsHeard: 2, devices: 2, slots: 1 });
    await eventually(
      async () => (await query<{ n: string }>(url, "SELECT count(*) AS n FROM events WHERE type = 'failover.succeeded'"))[0]!.n === '1',
      5_000,
      'the failover in the database',
    );
    console.log(
      `hot standby: backup activated ${backupAfter} ms after the leader and the live camera died together (agents heard every 10 s)`,
    );
  }, 90_000);

  it('a member the last leader put live but never stored stands: recorded once, no second failover', async () => {
    const { url, broker, watch, a } = await pair('unstored', {}, 3_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const term = watch.leader()!.term;
    await simulate(broker.url, 'agent-a', 'cam-1', { mode: 'dead' });
    await eventually(
      async () =>
        (await query<{ active_device: string }>(url, 'SELECT active_device FROM slot_assignments WHERE slot = $1', [SLOT]))[0]
          ?.active_device === 'cam-2',
      5_000,
      'ctl-a to fail over to cam-2',
    );

    // ctl-a freezes; what it wrote from the failover on is lost, as if it died before the commit.
    await a.signal('SIGSTOP');
    await query(url, "UPDATE slot_assignments SET active_agent = 'agent-a', active_device = 'cam-1' WHERE slot = $1", [SLOT]);
    await query(url, "DELETE FROM events WHERE seq >= (SELECT min(seq) FROM events WHERE type = 'failover.started')");
    const lostAt = Date.now();
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 5_000, 'ctl-b to lead');
    await new Promise((r) => setTimeout(r, 2_500)); // its fleet settles: a decision on cam-1 would be made by now
    await a.kill();

    expect(
      watch.commands.filter(
        (c) => c.at >= lostAt && c.command.term === term + 1 && c.command.action !== 'tally-on' && c.command.action !== 'tally-off',
      ),
    ).toEqual([]);
    expect(
      (await query<{ active_device: string }>(url, 'SELECT active_device FROM slot_assignments WHERE slot = $1', [SLOT]))[0]?.active_device,
    ).toBe('cam-2');
    const failovers = await query<{ by: string; reason: string; data: string }>(
      url,
      "SELECT by, reason, data FROM events WHERE type = 'failover.succeeded'",
    );
    expect(failovers).toHaveLength(1);
    expect(failovers[0]!.by).toBe(`ctl-a (term ${term})`);
    expect(failovers[0]!.reason).toMatch(/never reached the database/);
    expect(JSON.parse(failovers[0]!.data)).toMatchObject({ from: 'agent-a/cam-1', to: 'agent-b/cam-2' });
  }, 90_000);

  it('a black member its slot keeps on air (onContentFault: alarm) stays live through the takeover: no failover, same member', async () => {
    const { url, broker, watch, a, logOf } = await controllers('content', 3_000);
    // An agent with a media watch: cam-1's gear answers while its picture can go black.
    const agent = await fakeMediaAgent(broker.url, 'agent-a', ['cam-1', 'cam-2'], (stop) => cleanup.push(stop));
    const ask = { broker: broker.url, timeoutMs: 10_000, issuedBy: 'test' };
    const devices = ['cam-1', 'cam-2'].map((device) => ({ agent: 'agent-a', device, profile: 'simulated-camera', studio: 'studio-a' }));
    await registerStudio(broker.url, { devices, slots: [], by: 'test' });
    const slot = { slot: SLOT, primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], params: {}, onContentFault: 'alarm' as const };
    await withController(ask, (c) => request(c, 'slot.add', slot, ask));
    const term = watch.leader()!.term;
    const live = (t: number) => watch.slotStates.filter((s) => s.slot === SLOT && s.term === t).at(-1)?.active;
    await waitUntil(() => live(term) === 'agent-a/cam-1', 10_000, 'cam-1 live');
    await eventually(async () => (await statusOf(url, 'cam-2')) === 'ok', 5_000, 'cam-2 ok');

    const reports = await collect(watch.client, topic.deviceHealth('agent-a', 'cam-1'));
    agent.set('cam-1', { picture: 'black' });
    // ctl-a keeps it live as degraded (stored) at the first black report; the standby, judging without
    // the slot, calls it failed after failAfterProbes (2) of them: the broker hands it each one as it hands ours.
    await eventually(async () => (await statusOf(url, 'cam-1')) === 'degraded', 5_000, 'ctl-a to keep cam-1 live as degraded');
    const blackFor = (probes: number) => reports.some((r) => (r.payload as DeviceHealth).consecutiveFailures >= probes);
    await waitUntil(() => blackFor(3), 5_000, 'three black reports in a row');
    const killedAt = Date.now();
    await a.kill();
    await waitUntil(() => watch.leader()?.name === 'ctl-b', 10_000, 'ctl-b to lead');
    await waitUntil(
      () => logOf('ctl-b').includes('took over the fleet as seen while standing by'),
      5_000,
      'ctl-b to take its picture over',
    );
    await new Promise((r) => setTimeout(r, 2_500)); // its fleet settles and each slot is evaluated: a failover would be sent by now

    const sent = watch.commands.filter((c) => c.at >= killedAt && !['tally-on', 'tally-off'].includes(c.command.action));
    expect(sent.map((c) => `${c.command.action} ${c.command.device}`)).toEqual([]);
    expect(live(term + 1), 'the slot state ctl-b publishes').toBe('agent-a/cam-1');
    // Stored: no assignment away from the primary (a slot on its primary has no row until a failover moves it).
    const stored = await query<{ active_device: string }>(url, 'SELECT active_device FROM slot_assignments WHERE slot = $1', [SLOT]);
    expect(stored.filter((r) => r.active_device !== 'cam-1')).toEqual([]);
    expect(await statusOf(url, 'cam-1')).toBe('degraded');
    expect(await query(url, "SELECT seq FROM events WHERE type LIKE 'failover.%'")).toEqual([]);
  }, 90_000);
});

async function statusOf(url: string, device: string): Promise<string | undefined> {
  return (await query<{ status: string }>(url, "SELECT status FROM devices WHERE agent = 'agent-a' AND device = $1", [device]))[0]?.status;
}
