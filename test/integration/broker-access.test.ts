/**
 * The embedded broker enforces who may say what (issue 11's forgeries, tried as a plain MQTT client
 * would): logins required (allowAnonymous: false), agents enrolled with their own credential, people
 * with a role. Each forgery is refused, changes nothing, and the controller carries on.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { topic, userRequestTopic, userResponseTopic } from '../../protocols/contract.ts';
import { request, withController } from '../../client/request-client.ts';
import {
  closeClient,
  rawClient,
  recordingLogger,
  removeDir,
  runOnair,
  runOnairWith,
  startController,
  tempDir,
  waitUntil,
} from './helpers.ts';
import { PASSWORDS, SLOT, ask, forgeryFleet, loginRefusal, logins } from '../support/forgery.ts';

let dir: string;
let controller: Controller;
let agents: Agent[];
let port: number;

/** Resolves true if the broker closes the client within `ms` (a refused publish closes it [aedes authorizePublish]). */
const closedWithin = (client: MqttClient, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => (clearTimeout(timer), resolve(true)));
  });
const onairAs = (env: Record<string, string>, ...args: string[]) => runOnairWith(env, url(), ...args);
const l = logins(() => port);
const { url, asUser, asAgent, credentials } = l;
const logged = recordingLogger();
const agentOnline = (id: string) => controller.status().agents.find((a) => a.agent === id);

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({
    dataDir: dir,
    log: logged.log,
    config: { broker: { embedded: true, port: 0, host: '127.0.0.1', allowAnonymous: false } },
  });
  port = Number(new URL(controller.brokerUrl).port);
  for (const id of ['agent-a', 'agent-b']) credentials[id] = await controller.identities.enrollAgent(id);
  await controller.identities.addUser('eve', 'engineer', PASSWORDS.eve);
  await controller.identities.addUser('vic', 'viewer', PASSWORDS.vic);
  await controller.identities.addUser('ada', 'admin', PASSWORDS.ada);
  agents = await forgeryFleet(controller, l);
}, 30_000);

afterAll(async () => {
  await Promise.all((agents ?? []).map((a) => a.stop()));
  await controller?.stop();
  removeDir(dir);
});

describe('enrolment with the CLI on the controller machine, and the CLI logging in', () => {
  it('onair agent add prints a credential the running controller accepts at once; onair status logs in with the URL’s credentials', async () => {
    const enrolled = await runOnair(url(), 'agent', 'add', 'agent-c', '--data', dir);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const credential = /^ {2}(\S{43})$/m.exec(enrolled.stdout)?.[1];
    expect(credential).toBeDefined();
    const client = await rawClient(url('agent/agent-c', credential));
    await closeClient(client);
    const denied = await runOnair(url(), 'status');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/refused the login \(.*Not authorized.*\): log in with ONAIR_USER and ONAIR_PASSWORD/i);
    const byEnv = await onairAs({ ONAIR_USER: 'vic', ONAIR_PASSWORD: PASSWORDS.vic }, 'status', '--json');
    expect(byEnv.code, byEnv.stderr).toBe(0);
    const byOption = await onairAs({ ONAIR_PASSWORD: PASSWORDS.vic }, 'status', '--user', 'vic', '--json');
    expect(byOption.code, byOption.stderr).toBe(0);
    const noPassword = await onairAs({ ONAIR_USER: 'vic' }, 'status');
    expect(noPassword.stderr).toMatch(/a password for vic: set ONAIR_PASSWORD, or run on a terminal to be asked/);
    const status = await runOnair(asUser('vic'), 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ onAir: true });
    const revoked = await runOnair(url(), 'agent', 'revoke', 'agent-c', '--data', dir);
    expect(revoked.code).toBe(0);
    expect(await loginRefusal(url('agent/agent-c', credential))).toMatch(/Bad username or password/i);
  });
});

describe('enrolment over MQTT by an admin', () => {
  it('onair agent add as an admin enrols an agent that logs in at once; a viewer may not; the change is in the event log with who made it', async () => {
    const added = await onairAs({ ONAIR_PASSWORD: PASSWORDS.ada }, 'agent', 'add', 'agent-d', '--user', 'ada');
    expect(added.code, added.stderr).toBe(0);
    const credential = /^ {2}(\S{43})$/m.exec(added.stdout)?.[1];
    expect(credential).toBeDefined();
    await closeClient(await rawClient(url('agent/agent-d', credential)));
    const listed = await onairAs({ ONAIR_USER: 'ada', ONAIR_PASSWORD: PASSWORDS.ada }, 'agent', 'list');
    expect(listed.stdout).toMatch(/^agent-d +enrolled/m);
    const byViewer = await onairAs({ ONAIR_USER: 'vic', ONAIR_PASSWORD: PASSWORDS.vic }, 'user', 'list');
    expect(byViewer.code).not.toBe(0);
    expect(byViewer.stderr).toMatch(/the broker closed the connection when asked "user.list": vic's role may not ask it/);
    const anonymous = await onairAs({}, 'agent', 'add', 'agent-e');
    expect(anonymous.stderr).toMatch(/enrolling over the network needs an admin login/);
    // A tool's token, made by the admin over MQTT, logs the tool in.
    const tokenFile = `${dir}/deck.token`;
    const tool = await onairAs(
      { ONAIR_USER: 'ada', ONAIR_PASSWORD: PASSWORDS.ada },
      'user',
      'add',
      'deck',
      '--role',
      'engineer',
      '--token-file',
      tokenFile,
    );
    expect(tool.code, tool.stderr).toBe(0);
    const asTool = await onairAs({ ONAIR_TOKEN_FILE: tokenFile }, 'status', '--json');
    expect(asTool.code, asTool.stderr).toBe(0);
    const changes = controller.events({}).filter((e) => e.type === 'identity.changed');
    expect(changes.map((e) => [e.by?.split(' ')[0], e.data])).toEqual([
      ['ada', { kind: 'agent', name: 'agent-d', change: 'enrolled' }],
      ['ada', { kind: 'user', name: 'deck', change: 'added', role: 'engineer' }],
    ]);
    expect(JSON.stringify(controller.events({})), 'no credential in the event log').not.toContain(credential);
  });
});

describe('the embedded broker with logins', () => {
  it('refuses a client without a login, and a wrong password, with the CONNACK code that says so', async () => {
    expect(await loginRefusal(url())).toMatch(/Not authorized/i); // 5
    expect(await loginRefusal(url('eve', 'not the password'))).toMatch(/Bad username or password/i); // 4
    expect(logged.lines).toContainEqual(expect.objectContaining({ username: 'eve', msg: 'refused an MQTT login' }));
    expect(await loginRefusal(url('agent/agent-a', credentials['agent-b']))).toMatch(/Bad username or password/i);
  });

  it('refuses a forged retained death of another agent: nothing is stored, the agent stays online, no failover', async () => {
    const session = agentOnline('agent-a')!.session;
    const forger = await rawClient(asAgent('agent-b'));
    const closed = closedWithin(forger, 2_000);
    forger.publish(topic.agentState('agent-a'), JSON.stringify({ online: false, session, ts: Date.now() }), { qos: 1, retain: true });
    expect(await closed, 'the forger is disconnected').toBe(true);
    await closeClient(forger);
    await new Promise((r) => setTimeout(r, 700));
    expect(agentOnline('agent-a')).toMatchObject({ online: true, session });
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    // The retained birth is still the agent's own: a new reader sees it, not the forgery.
    const reader = await rawClient(asUser('vic'));
    const retained = new Promise<string>((resolve) => reader.on('message', (_t, p) => resolve(p.toString())));
    await reader.subscribeAsync(topic.agentState('agent-a'), { qos: 1 });
    expect(JSON.parse(await retained)).toMatchObject({ online: true, session });
    await closeClient(reader);
    expect(logged.lines, 'the attempt is logged with the identity').toContainEqual(
      expect.objectContaining({
        identity: 'agent agent-b',
        topic: topic.agentState('agent-a'),
        retain: true,
        msg: expect.stringMatching(/^refused a publish the identity may not make/),
      }),
    );
  });

  it('refuses forged failed health, and a command sent straight to an agent', async () => {
    const forger = await rawClient(asUser('eve'));
    const closed = closedWithin(forger, 2_000);
    forger.publish(
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
    expect(await closed).toBe(true);
    await closeClient(forger);
    const commander = await rawClient(asUser('eve'));
    const closedToo = closedWithin(commander, 2_000);
    commander.publish(
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
    expect(await closedToo).toBe(true);
    await closeClient(commander);
    await new Promise((r) => setTimeout(r, 700));
    expect(controller.status().devices.find((d) => d.device === 'cam-1')?.status).toBe('ok');
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
  });

  it('lets a viewer read but not fail over; an engineer fails over, recorded as the logged-in user', async () => {
    await expect(ask(asUser('vic'), 'status', {})).resolves.toMatchObject({ onAir: true });
    await expect(ask(asUser('vic'), 'failover', { slot: SLOT, reason: 'viewer tries' })).rejects.toThrow(
      /the broker closed the connection when asked "failover": vic's role may not ask it/,
    );
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    const viewer = await rawClient(asUser('vic'));
    await expect(viewer.subscribeAsync(topic.command('agent-a'), { qos: 1 }), 'SUBACK 0x80: refused').rejects.toThrow(/Subscribe error/);
    const published = closedWithin(viewer, 2_000);
    viewer.publish(userRequestTopic('eve', 'failover'), JSON.stringify({ transaction: 'x', issuedBy: 'eve', params: { slot: SLOT } }), {
      qos: 1,
    });
    expect(await published, 'a request in another user’s name').toBe(true);
    await closeClient(viewer);

    // A stuck button: 60 requests at once from one user; the burst is answered, the excess told
    // "slow down" at most once a second and otherwise dropped unanswered (each answer goes to every
    // connection the user subscribed: answering a flood multiplied it).
    const flooder = await rawClient(asUser('vic'));
    const answers: string[] = [];
    flooder.on('message', (_t, p) => answers.push((JSON.parse(p.toString()) as { status: string; error?: string }).error ?? 'ok'));
    await flooder.subscribeAsync(userResponseTopic('vic', 'status'), { qos: 1 });
    const sentAt = Date.now();
    for (let i = 0; i < 60; i += 1)
      flooder.publish(userRequestTopic('vic', 'status'), JSON.stringify({ transaction: `flood-${i}`, params: {} }), { qos: 1 });
    await waitUntil(() => answers.some((a) => a.startsWith('too many requests from vic')), 5_000, 'the excess told to slow down');
    // The last request's echo: a request sent after the flood is answered (or refused) in order.
    flooder.publish(userRequestTopic('vic', 'status'), JSON.stringify({ transaction: 'after', params: {} }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const seconds = Math.ceil((Date.now() - sentAt) / 1000);
    expect(answers.filter((a) => a === 'ok').length, 'the burst (less what vic asked just before)').toBeGreaterThanOrEqual(25);
    expect(
      answers.filter((a) => a.startsWith('too many requests from vic')).length,
      'refusals answered at most once a second',
    ).toBeLessThanOrEqual(seconds + 1);
    await closeClient(flooder);

    // The same flood from 8 connections of one login, each subscribed to its answers: each connection
    // hears the burst and a refusal a second, not one answer per request (it starved the agents'
    // heartbeats and failed a camera over in an independent attack run).
    const fleet = await Promise.all(Array.from({ length: 8 }, () => rawClient(asUser('vic'))));
    const heard = fleet.map(() => 0);
    await Promise.all(
      fleet.map(async (c, i) => {
        c.on('message', () => (heard[i]! += 1));
        await c.subscribeAsync(userResponseTopic('vic', 'status'), { qos: 0 });
      }),
    );
    await new Promise((r) => setTimeout(r, 3_000)); // the bucket refills: the burst is vic's again
    const floodFrom = Date.now();
    for (let round = 0; round < 10; round += 1) {
      for (const c of fleet)
        for (let i = 0; i < 100; i += 1)
          c.publish(userRequestTopic('vic', 'status'), JSON.stringify({ transaction: `f-${round}-${i}`, params: {} }), { qos: 0 });
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const floodSeconds = Math.ceil((Date.now() - floodFrom) / 1000);
    for (const n of heard)
      expect(n, '8,000 requests: the burst plus a refusal a second, per connection').toBeLessThanOrEqual(
        30 + 10 * floodSeconds + floodSeconds + 1,
      );
    for (const c of fleet) await closeClient(c);
    expect(controller.status().slots[0]!.active?.device, 'nothing failed over').toBe('cam-1');

    await ask(asUser('eve'), 'failover', { slot: SLOT, reason: 'rehearsal' }, 5_000);
    expect(controller.status().slots[0]!.active?.device).toBe('cam-2');
    const started = controller
      .events({})
      .filter((e) => e.type === 'failover.started')
      .at(-1);
    expect(started?.by, 'who did it comes from the login, the client’s claim only as a note').toBe('eve (via stream-deck)');
  });

  it('slows a script that asks one request at a time past the burst instead of failing it (the client waits out a refusal for rate)', async () => {
    // A technician's script registering a studio asks sequentially: 45 requests in a row exceed the
    // burst of 30; each refusal (the request was not run) is waited out and asked again.
    const options = { broker: asUser('vic'), timeoutMs: 20_000, issuedBy: 'script' };
    const started = Date.now();
    const onAir = await withController(options, async (c) => {
      const seen: boolean[] = [];
      for (let i = 0; i < 45; i += 1) seen.push((await request(c, 'status', {}, options)).onAir);
      return seen;
    });
    expect(onAir).toHaveLength(45);
    expect(Date.now() - started, 'it was slowed down: the refill, not the burst, paced it').toBeGreaterThanOrEqual(900);
  }, 30_000);
});
