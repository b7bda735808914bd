/**
 * The same forgeries as broker-access.test.ts, against Debian's Mosquitto 2 run with the files
 * `onair broker mosquitto-config` writes from the enrolled identities (issue 11). Mosquitto drops a
 * publish the ACL refuses without telling the client (MQTT 3.1.1 has no refusal for a publish) and
 * logs it; nothing of it is delivered or retained, and the controller changes nothing.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { Controller } from '../../controller/controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { Store } from '../../controller/store.ts';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { topic, userRequestTopic } from '../../protocols/contract.ts';
import { hasMosquitto, mosquittoProcess, waitForPort, type MosquittoProcess } from '../support/processes.ts';
import { closeClient, rawClient, removeDir, runOnair, tempDir, waitUntil } from './helpers.ts';
import { PASSWORDS, SLOT, ask, forgeryFleet, loginRefusal, logins } from '../support/forgery.ts';

let dir: string;
let broker: MosquittoProcess;
let controller: Controller;
let agents: Agent[] = [];

const l = logins(() => broker.port);
const { url, asUser, asAgent, credentials } = l;
const agentOnline = (id: string) => controller.status().agents.find((a) => a.agent === id);
const mosquittoLog = () => readFileSync(path.join(dir, 'mosquitto', 'mosquitto.log'), 'utf8');
/** What a fresh reader of `filter` gets within `ms` (retained messages and anything published meanwhile). */
async function heard(reader: string, filter: string, ms: number, during?: () => Promise<void>): Promise<string[]> {
  const client = await rawClient(reader);
  const got: string[] = [];
  client.on('message', (t, p) => got.push(`${t} ${p.toString()}`));
  await client.subscribeAsync(filter, { qos: 1 });
  await during?.();
  await new Promise((r) => setTimeout(r, ms));
  await closeClient(client);
  return got;
}

describe.skipIf(!hasMosquitto())('Mosquitto with the files onair broker mosquitto-config writes', () => {
  beforeAll(async () => {
    dir = tempDir();
    const data = path.join(dir, 'data');
    // Enrolment as on the controller machine: the controller's own login by the CLI, agents and people by the same store.
    const login = await runOnair('mqtt://127.0.0.1:1', 'broker', 'controller-login', '--data', data);
    expect(login.code, login.stderr).toBe(0);
    const controllerSecret = /^ {2}(\S{43})$/m.exec(login.stdout)![1]!;
    const store = new Store(data);
    const ids = store.identities(systemClock);
    for (const id of ['agent-a', 'agent-b']) credentials[id] = await ids.enrollAgent(id);
    await ids.addUser('eve', 'engineer', PASSWORDS.eve);
    await ids.addUser('vic', 'viewer', PASSWORDS.vic);
    store.close();
    const written = await runOnair('mqtt://127.0.0.1:1', 'broker', 'mosquitto-config', '--data', data, '--out', path.join(dir, 'mosquitto-onair'));
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/2 agents, 2 people, 1 controller login/);

    broker = await mosquittoProcess(path.join(dir, 'mosquitto'), { includeDir: path.join(dir, 'mosquitto-onair') });
    broker.start();
    await waitForPort(broker.port, 5_000);
    const config = parseControllerConfig(JSON.stringify({ broker: { embedded: false, url: url(), username: 'controller/main', passwordEnv: 'UNUSED' }, dataDir: data, http: { enabled: false } }), '(test)');
    controller = await Controller.start({ config, clock: systemClock, log: silentLogger(), brokerSecrets: { password: controllerSecret } });
    agents = await forgeryFleet(controller, l);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await controller?.stop();
    await broker?.kill();
    if (!process.env.KEEP_TEST_DIR) removeDir(dir);
  });

  it('keeps the password file private and holds no secret in clear', () => {
    const passwd = path.join(dir, 'mosquitto-onair', 'onair.passwd');
    expect(statSync(passwd).mode & 0o077, 'no access for group or others').toBe(0);
    const text = readFileSync(passwd, 'utf8');
    expect(text).toMatch(/^agent\/agent-a:\$7\$101\$/m);
    expect(text).toMatch(/^eve:\$7\$10000\$/m);
    for (const secret of [...Object.values(credentials), ...Object.values(PASSWORDS)]) expect(text).not.toContain(secret);
  });

  it('refuses a client without a login and a wrong password', async () => {
    expect(await loginRefusal(url())).toMatch(/Not authorized/i);
    expect(await loginRefusal(url('eve', 'not the password'))).toMatch(/Not authorized|Bad username or password/i);
    expect(await loginRefusal(url('agent/agent-a', credentials['agent-b']))).toMatch(/Not authorized|Bad username or password/i);
  });

  it('closes a client that sends a packet over the bound the embedded broker keeps too', async () => {
    const client = await rawClient(asUser('vic'));
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3_000);
      client.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    client.publish(userRequestTopic('vic', 'status'), Buffer.alloc(1_100_000, 0x20), { qos: 0 });
    expect(await closed).toBe(true);
    await closeClient(client);
    await waitUntil(() => /disconnected due to oversize packet/.test(mosquittoLog()), 3_000, 'Mosquitto logging why it closed the client');
  });

  it('drops a forged retained death of another agent: not stored, the agent stays online, no failover', async () => {
    const session = agentOnline('agent-a')!.session;
    const forger = await rawClient(asAgent('agent-b'));
    await forger.publishAsync(topic.agentState('agent-a'), JSON.stringify({ online: false, session, ts: Date.now() }), { qos: 1, retain: true });
    await closeClient(forger);
    await new Promise((r) => setTimeout(r, 700));
    expect(agentOnline('agent-a')).toMatchObject({ online: true, session });
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    const retained = await heard(asUser('vic'), topic.agentState('agent-a'), 300);
    expect(retained).toHaveLength(1);
    expect(JSON.parse(retained[0]!.slice(retained[0]!.indexOf(' ') + 1))).toMatchObject({ online: true, session });
    expect(mosquittoLog()).toMatch(/Denied PUBLISH from \S+ \(d0, q1, r1, m\d+, 'onair\/v1\/agents\/agent-a\/state'/);
  });

  it('drops forged failed health and a command sent straight to an agent', async () => {
    const forger = await rawClient(asUser('eve'));
    await forger.publishAsync(topic.deviceHealth('agent-a', 'cam-1'), JSON.stringify({ status: 'failed', checks: [], metrics: {}, consecutiveFailures: 99, ts: Date.now(), seq: 1e6, session: agentOnline('agent-a')!.session }), { qos: 1 });
    await forger.publishAsync(topic.command('agent-a'), JSON.stringify({ id: 'forged-1', device: 'cam-1', action: 'simulate.fault', params: { mode: 'dead' }, ttlMs: 5_000, issuedBy: 'eve' }), { qos: 1 });
    await closeClient(forger);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(controller.status().devices.find((d) => d.device === 'cam-1')?.status).toBe('ok');
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    expect(mosquittoLog()).toMatch(/Denied PUBLISH from \S+ \(d0, q1, r0, m\d+, 'onair\/v1\/agents\/agent-a\/commands'/);
  });

  it('lets a viewer read but not fail over or read commands; an engineer fails over, recorded as the logged-in user', async () => {
    await expect(ask(asUser('vic'), 'status', {})).resolves.toMatchObject({ onAir: true });
    await expect(ask(asUser('vic'), 'failover', { slot: SLOT, reason: 'viewer tries' }, 1_500)).rejects.toThrow(/did not answer "failover" within 1500 ms \(if vic's role may not ask "failover", a broker such as Mosquitto drops the request/);
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    // A viewer listening on every topic hears the fleet, never a command or a request.
    const everything = await heard(asUser('vic'), 'onair/v1/#', 1_500, async () => {
      const eve = await rawClient(asUser('eve'));
      await eve.publishAsync(userRequestTopic('eve', 'status'), JSON.stringify({ transaction: 'seen?', params: {} }), { qos: 1 });
      await closeClient(eve);
    });
    expect(everything.some((m) => m.startsWith('onair/v1/agents/agent-a/state ')), 'the fleet picture').toBe(true);
    expect(everything.filter((m) => /\/commands |\/config |\/requests\/|\/users\/eve\/responses\//.test(m)), 'no command, request or answer to another').toEqual([]);
    const impostor = await rawClient(asUser('vic'));
    await impostor.publishAsync(userRequestTopic('eve', 'failover'), JSON.stringify({ transaction: 'x', params: { slot: SLOT, reason: 'in eve’s name' } }), { qos: 1 });
    await closeClient(impostor);
    await new Promise((r) => setTimeout(r, 700));
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');

    await ask(asUser('eve'), 'failover', { slot: SLOT, reason: 'rehearsal' }, 5_000);
    expect(controller.status().slots[0]!.active?.device).toBe('cam-2');
    const started = controller.events({}).filter((e) => e.type === 'failover.started').at(-1);
    expect(started?.by).toBe('eve (via stream-deck)');
  });
});
