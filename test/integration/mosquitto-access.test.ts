/**
 * The same forgeries as broker-access.test.ts, against Debian's Mosquitto 2 run with the files
 * `onair broker mosquitto-config` writes from the enrolled identities (issue 11). Mosquitto drops a
 * publish the ACL refuses without telling the client (MQTT 3.1.1 has no refusal for a publish) and
 * logs it; nothing of it is delivered or retained, and the controller changes nothing.
 */
import { readFileSync, statSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import { Controller } from '../../controller/controller.ts';
import { StandbyPicture } from '../../controller/pair/standby-picture.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { Store } from '../../controller/store/store.ts';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { topic, userRequestTopic, userResponseTopic } from '../../protocols/contract.ts';
import { freePort, hasMosquitto, mosquittoProcess, waitForPort, type MosquittoProcess } from '../support/processes.ts';
import { closeClient, rawClient, removeDir, runOnair, tempDir, waitUntil } from './helpers.ts';
import { PASSWORDS, SLOT, ask, forgeryFleet, loginRefusal, logins } from '../support/forgery.ts';
import { TAKEOVER_IDS, attempt, victim, type Victim } from '../support/takeover.ts';
import { systemUser } from '../../controller/broker/mosquitto-files.ts';

/** Logins that take part only as takers (under use_username_as_clientid a taker that is also a victim would replace its own session). */
const TAKERS = { viewer: 'val', tool: 'tok', agent: 'agent-t' } as const;
const SECRET = 'a long test password 1';

let dir: string;
let broker: MosquittoProcess;
let controller: Controller;
let agents: Agent[] = [];
let controllerSecret: string;
const victims: Victim[] = [];

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
    controllerSecret = /^ {2}(\S{43})$/m.exec(login.stdout)![1]!;
    const store = new Store(data);
    const ids = store.identities(systemClock);
    for (const id of ['agent-a', 'agent-b', 'agent-b2', TAKERS.agent]) credentials[id] = await ids.enrollAgent(id);
    await ids.addUser('eve', 'engineer', PASSWORDS.eve);
    await ids.addUser('vic', 'viewer', PASSWORDS.vic);
    await ids.addUser('deck', 'engineer', SECRET);
    await ids.addUser(TAKERS.viewer, 'viewer', SECRET);
    await ids.addUser(TAKERS.tool, 'engineer', SECRET);
    await store.close();
    const port = await freePort();
    const written = await runOnair(
      'mqtt://127.0.0.1:1',
      'broker',
      'mosquitto-config',
      '--data',
      data,
      '--out',
      path.join(dir, 'mosquitto-onair'),
      '--listener',
      `127.0.0.1:${port}`,
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/4 agents, 5 people, 1 controller login/);
    expect(written.stdout).toMatch(/are mosquitto:mosquitto, mode 0600/);

    // As Debian's packaged Mosquitto runs: started as root, reading the files as user mosquitto.
    broker = await mosquittoProcess(path.join(dir, 'mosquitto'), {
      includeDir: path.join(dir, 'mosquitto-onair'),
      ownUser: true,
      port,
      listenerIncluded: true,
    });
    broker.start();
    await waitForPort(broker.port, 5_000);
    const config = parseControllerConfig(
      JSON.stringify({
        broker: { embedded: false, url: url(), username: 'controller/main', passwordEnv: 'UNUSED' },
        dataDir: data,
        http: { enabled: false },
      }),
      '(test)',
    );
    controller = await Controller.start({ config, clock: systemClock, log: silentLogger(), brokerSecrets: { password: controllerSecret } });
    agents = await forgeryFleet(controller, l);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(victims.map((v) => v.client.endAsync(true)));
    await Promise.all(agents.map((a) => a.stop()));
    await controller?.stop();
    await broker?.kill();
    if (!process.env.KEEP_TEST_DIR) removeDir(dir);
  });

  it('keeps the password file private to the broker’s user and holds no secret in clear', () => {
    const passwd = path.join(dir, 'mosquitto-onair', 'onair.passwd');
    expect(statSync(passwd).mode & 0o077, 'no access for group or others').toBe(0);
    const mosquitto = systemUser('mosquitto')!;
    for (const file of [passwd, path.join(dir, 'mosquitto-onair', 'onair.acl')])
      expect([statSync(file).uid, statSync(file).gid, statSync(file).mode & 0o777]).toEqual([mosquitto.uid, mosquitto.gid, 0o600]);
    expect(mosquittoLog()).not.toMatch(/Unable to open pwfile|Error opening/);
    // The broker runs as mosquitto, not root.
    const pid = readFileSync(`/proc/${broker.pid}/status`, 'utf8');
    expect(/^Uid:\s+(\d+)/m.exec(pid)?.[1]).toBe(String(mosquitto.uid));
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
    // Another agent's login (Mosquitto gives one connection per login: agent-b's would replace agent-b itself).
    const forger = await rawClient(asAgent('agent-b2'));
    await forger.publishAsync(topic.agentState('agent-a'), JSON.stringify({ online: false, session, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
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
    await forger.publishAsync(
      topic.deviceHealth('agent-a', 'cam-1'),
      JSON.stringify({
        status: 'failed',
        checks: [],
        metrics: {},
        consecutiveFailures: 99,
        ts: Date.now(),
        seq: 1e6,
        session: agentOnline('agent-a')!.session,
      }),
      { qos: 1 },
    );
    await forger.publishAsync(
      topic.command('agent-a'),
      JSON.stringify({
        id: 'forged-1',
        device: 'cam-1',
        action: 'simulate.fault',
        params: { mode: 'dead' },
        ttlMs: 5_000,
        issuedBy: 'eve',
      }),
      { qos: 1 },
    );
    await closeClient(forger);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(controller.status().devices.find((d) => d.device === 'cam-1')?.status).toBe('ok');
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    expect(mosquittoLog()).toMatch(/Denied PUBLISH from \S+ \(d0, q1, r0, m\d+, 'onair\/v1\/agents\/agent-a\/commands'/);
  });

  it('binds client ids to logins (use_username_as_clientid): a viewer, an agent and a tool with every other identity’s id close nobody and resume no session', async () => {
    // The controller's standby login (same credential) watches everything and plays the controller's part.
    const standby = url('controller/main/standby', controllerSecret);
    const watcher: MqttClient = await rawClient(standby);
    // Closed whatever happens: left connected, it would hold the standby's login for the next test.
    onTestFinished(() => closeClient(watcher));
    const heardAll: string[] = [];
    watcher.on('message', (t, p) => heardAll.push(`${t} ${p.toString()}`));
    await watcher.subscribeAsync('onair/v1/#', { qos: 1 });
    victims.push(
      await victim(asAgent('agent-b2'), TAKEOVER_IDS['agent agent-b2'], {
        subscribe: 'onair/v1/agents/agent-b2/state',
        will: { topic: 'onair/v1/agents/agent-b2/heartbeat', payload: 'will:agent-b2' },
      }),
      await victim(asUser('vic'), TAKEOVER_IDS['user vic'], {
        subscribe: userResponseTopic('vic', 'status'),
        will: { topic: userRequestTopic('vic', 'status'), payload: 'will:vic' },
      }),
      await victim(url('deck', SECRET), TAKEOVER_IDS['user deck'], {
        subscribe: userResponseTopic('deck', 'status'),
        will: { topic: userRequestTopic('deck', 'status'), payload: 'will:deck' },
      }),
    );
    const sessions = Object.fromEntries(['agent-a', 'agent-b'].map((id) => [id, agentOnline(id)!.session]));
    const logFrom = mosquittoLog().length;
    const takers = [url(TAKERS.viewer, SECRET), url(TAKERS.tool, SECRET), asAgent(TAKERS.agent)];
    for (const taker of takers) {
      for (const [n, id] of Object.values(TAKEOVER_IDS).entries()) {
        const outcome = await attempt(taker, id);
        expect(outcome.refused, `${taker.split('@')[0]} as ${id}: Mosquitto gives it its username as id`).toBe(false);
        if (outcome.refused !== false) continue;
        // Its first connection finds no stored session (later ones may find the taker's own, under its username).
        if (n === 0) expect(outcome.sessionPresent, `${id}: no stored session resumed`).toBe(false);
        await outcome.client.endAsync();
      }
    }
    const log = mosquittoLog().slice(logFrom);
    // Every taker's connection had its username for id [mosquitto.conf(5) use_username_as_clientid], none a victim's id.
    const ids = [...log.matchAll(/New client connected from \S+ as (\S+) \(/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(3 * Object.keys(TAKEOVER_IDS).length);
    expect(new Set(ids)).toEqual(new Set([TAKERS.viewer, TAKERS.tool, `agent/${TAKERS.agent}`]));
    // Nobody was closed: no victim's id taken over in Mosquitto's log, every victim connected, no will, nothing failed over.
    expect(log).not.toMatch(/Client (agent\/agent-a|agent\/agent-b2?|vic|deck|controller\/main) already connected/);
    await watcher.publishAsync(userResponseTopic('vic', 'status'), 'still-there', { qos: 1 });
    await waitUntil(
      () => victims[1]!.received.some((m) => m.endsWith('still-there')),
      5_000,
      'vic’s panel still subscribed on its own session',
    );
    expect(victims.filter((v) => v.closed).map((v) => v.id)).toEqual([]);
    expect(
      heardAll.filter((m) => / will:/.test(m) || /"online":false/.test(m)),
      'no will published',
    ).toEqual([]);
    for (const id of ['agent-a', 'agent-b']) expect(agentOnline(id)).toMatchObject({ online: true, session: sessions[id] });
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');

    // A persistent session left by its owner: another login with its id gets a fresh session; the queued answer waits for the owner.
    const goneFrom = mosquittoLog().length;
    await victims[1]!.client.endAsync();
    // Mosquitto reads each socket in its own time: publish only once it has seen vic go, or the
    // answer may reach vic's old connection instead of being queued (seen on a loaded machine).
    await waitUntil(() => /Client vic disconnected/.test(mosquittoLog().slice(goneFrom)), 5_000, 'Mosquitto to see vic disconnect');
    await watcher.publishAsync(userResponseTopic('vic', 'status'), 'queued-for-vic', { qos: 1 });
    const taken = await attempt(asAgent(TAKERS.agent), TAKEOVER_IDS['user vic']);
    if (taken.refused !== false) throw new Error(`refused: ${taken.refused}`);
    // The owner's session is keyed by its username under use_username_as_clientid: vic comes back to it.
    const back = await victim(asUser('vic'), 'any-id-mosquitto-replaces', {
      subscribe: userResponseTopic('vic', 'status'),
      will: { topic: userRequestTopic('vic', 'status'), payload: 'will:vic' },
    });
    victims[1] = back;
    await waitUntil(() => back.received.some((m) => m.endsWith('queued-for-vic')), 5_000, 'the owner’s queued answer');
    expect(taken.received, 'the taker, connected all along, got none of it').toEqual([]);
    await taken.client.endAsync();
    await closeClient(watcher);
  });

  it('a controller seat’s standby session, on the same controller login, and its leader session never close each other', async () => {
    const logFrom = mosquittoLog().length;
    const config = parseControllerConfig(
      JSON.stringify({
        name: 'ctl-b',
        broker: { embedded: false, url: url(), username: 'controller/main', passwordEnv: 'UNUSED' },
        dataDir: path.join(dir, 'standby'),
        http: { enabled: false },
      }),
      '(test)',
    );
    const picture = StandbyPicture.start({
      config,
      secrets: { password: controllerSecret },
      name: 'ctl-b',
      clock: systemClock,
      log: silentLogger(),
    });
    try {
      await waitUntil(
        () => picture.summary().connected && picture.summary().agentsHeard === 2,
        10_000,
        'the standby to hear both agents, logged in as controller/main/standby',
      );
      const log = mosquittoLog().slice(logFrom);
      expect(log).toMatch(/New client connected from \S+ as controller\/main\/standby \(/);
      expect(log, 'neither session closed the other').not.toMatch(/already connected/);
      expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    } finally {
      await picture.close();
    }
  });

  it('lets a viewer read but not fail over or read commands; an engineer fails over, recorded as the logged-in user', async () => {
    await expect(ask(asUser('vic'), 'status', {})).resolves.toMatchObject({ onAir: true });
    await expect(ask(asUser('vic'), 'failover', { slot: SLOT, reason: 'viewer tries' }, 1_500)).rejects.toThrow(
      /did not answer "failover" within 1500 ms \(if vic's role may not ask "failover", a broker such as Mosquitto drops the request/,
    );
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    // A viewer listening on every topic hears the fleet, never a command or a request.
    const everything = await heard(asUser('vic'), 'onair/v1/#', 1_500, async () => {
      const eve = await rawClient(asUser('eve'));
      await eve.publishAsync(userRequestTopic('eve', 'status'), JSON.stringify({ transaction: 'seen?', params: {} }), { qos: 1 });
      await closeClient(eve);
    });
    expect(
      everything.some((m) => m.startsWith('onair/v1/agents/agent-a/state ')),
      'the fleet picture',
    ).toBe(true);
    expect(
      everything.filter((m) => /\/commands |\/config |\/requests\/|\/users\/eve\/responses\//.test(m)),
      'no command, request or answer to another',
    ).toEqual([]);
    const impostor = await rawClient(asUser('vic'));
    await impostor.publishAsync(
      userRequestTopic('eve', 'failover'),
      JSON.stringify({ transaction: 'x', params: { slot: SLOT, reason: 'in eve’s name' } }),
      { qos: 1 },
    );
    await closeClient(impostor);
    await new Promise((r) => setTimeout(r, 700));
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');

    await ask(asUser('eve'), 'failover', { slot: SLOT, reason: 'rehearsal' }, 5_000);
    expect(controller.status().slots[0]!.active?.device).toBe('cam-2');
    const started = controller
      .events({})
      .filter((e) => e.type === 'failover.started')
      .at(-1);
    expect(started?.by).toBe('eve (via stream-deck)');
  });
});
