/**
 * Issue 20, point 1 on the embedded broker: a login may use only the client ids of its own identity.
 * A viewer, an agent and a tool each connect with every other identity's id (persistent sessions,
 * `clean: false`): each is refused at CONNECT, before aedes would close the holder of the id and
 * publish its will; the refusal is logged with both identities; every victim stays connected, no
 * will is published, the on-air slot stays on its primary, and nobody gets a victim's session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { userRequestTopic, userResponseTopic } from '../../protocols/contract.ts';
import { closeClient, rawClient, recordingLogger, removeDir, startController, tempDir, waitUntil } from './helpers.ts';
import { PASSWORDS, SLOT, forgeryFleet, logins } from '../support/forgery.ts';
import { attempt, takeoverMatrix, victim, type Victim } from '../support/takeover.ts';

const DECK = 'stream deck token 123';
let dir: string;
let controller: Controller;
let agents: Agent[] = [];
let port: number;
let watcher: MqttClient;
const heard: string[] = [];
const victims: Victim[] = [];
const l = logins(() => port);
const { url, asUser, asAgent, credentials } = l;
const logged = recordingLogger();
const loginOf = {
  vic: () => asUser('vic'),
  deck: () => url('deck', DECK),
  'agent-b': () => asAgent('agent-b'),
  'agent-b2': () => asAgent('agent-b2'),
} as const;

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({
    dataDir: dir,
    log: logged.log,
    config: { broker: { embedded: true, port: 0, host: '127.0.0.1', allowAnonymous: false } },
  });
  port = Number(new URL(controller.brokerUrl).port);
  for (const id of ['agent-a', 'agent-b', 'agent-b2']) credentials[id] = await controller.identities.enrollAgent(id);
  await controller.identities.addUser('eve', 'engineer', PASSWORDS.eve);
  await controller.identities.addUser('vic', 'viewer', PASSWORDS.vic);
  await controller.identities.addUser('deck', 'engineer', DECK);
  agents = await forgeryFleet(controller, l);
  watcher = await rawClient(controller.brokerUrl);
  watcher.on('message', (t, p) => heard.push(`${t} ${p.toString()}`));
  await watcher.subscribeAsync('onair/v1/#', { qos: 1 });
  victims.push(
    await victim(asAgent('agent-b2'), 'onair-agent-agent-b2', {
      subscribe: 'onair/v1/agents/agent-b2/state',
      will: { topic: 'onair/v1/agents/agent-b2/heartbeat', payload: 'will:agent-b2' },
    }),
    await victim(asUser('vic'), 'onair-user-vic:panel', {
      subscribe: userResponseTopic('vic', 'status'),
      will: { topic: userRequestTopic('vic', 'status'), payload: 'will:vic' },
    }),
    await victim(url('deck', DECK), 'onair-user-deck:flow', {
      subscribe: userResponseTopic('deck', 'status'),
      will: { topic: userRequestTopic('deck', 'status'), payload: 'will:deck' },
    }),
    await victim(controller.brokerUrl, 'onair-controller', {
      subscribe: 'onair/v1/controller/events',
      will: { topic: 'onair/v1/controller/events', payload: 'will:controller' },
    }),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all(victims.map((v) => v.client.endAsync(true)));
  if (watcher) await closeClient(watcher);
  await Promise.all(agents.map((a) => a.stop()));
  await controller?.stop();
  removeDir(dir);
});

describe('client ids bound to logins (embedded broker)', () => {
  it('refuses every identity’s id to every other login, before anyone is closed; logs both identities; nothing changes on air', async () => {
    const sessions = Object.fromEntries(
      ['agent-a', 'agent-b'].map((id) => [id, controller.status().agents.find((a) => a.agent === id)!.session]),
    );
    const matrix = takeoverMatrix();
    for (const row of matrix) {
      const outcome = await attempt(loginOf[row.taker](), row.id);
      expect(outcome.refused, `${row.taker} as ${row.id}`).toMatch(/Not authorized/i);
    }
    for (const row of matrix) {
      expect(logged.lines, `${row.taker} as ${row.id} logged`).toContainEqual(
        expect.objectContaining({
          msg: 'refused a client id that belongs to another identity',
          client: row.id,
          owner: row.owner,
          identity: expect.stringContaining(row.taker),
        }),
      );
    }
    // Each victim still holds its connection: a status answer reaches vic's panel over it.
    await rawClient(asUser('vic')).then(async (asker) => {
      await asker.publishAsync(userRequestTopic('vic', 'status'), JSON.stringify({ transaction: 'still-there', params: {} }), { qos: 1 });
      await closeClient(asker);
    });
    await waitUntil(() => victims[1]!.received.some((m) => m.includes('still-there')), 5_000, 'the answer on vic’s own session');
    expect(
      victims.filter((v) => v.closed).map((v) => v.id),
      'no victim closed',
    ).toEqual([]);
    expect(
      heard.filter((m) => / will:/.test(m) || /agents\/[^/]+\/state .*"online":false/.test(m)),
      'no will published',
    ).toEqual([]);
    for (const id of ['agent-a', 'agent-b'])
      expect(controller.status().agents.find((a) => a.agent === id)).toMatchObject({ online: true, session: sessions[id] });
    expect(controller.status().slots.find((s) => s.slot === SLOT)?.active?.device, 'not failed over').toBe('cam-1');
    expect(
      controller.events({}).filter((e) => e.type.startsWith('failover')),
      'no failover',
    ).toEqual([]);
  });

  it('a persistent session left by its owner is not handed to another login: its queued answer waits for the owner', async () => {
    const panel = victims[1]!;
    await panel.client.endAsync(); // DISCONNECT: no will, the session (clean: false) stays with its subscription
    const rig = await rawClient(controller.brokerUrl);
    await rig.publishAsync(userResponseTopic('vic', 'status'), JSON.stringify({ transaction: 'queued-for-vic' }), { qos: 1 });
    await closeClient(rig);
    const taken = await attempt(asAgent('agent-b'), panel.id);
    expect(taken.refused).toMatch(/Not authorized/i);
    const back = await victim(asUser('vic'), panel.id, {
      subscribe: userResponseTopic('vic', 'status'),
      will: { topic: userRequestTopic('vic', 'status'), payload: 'will:vic' },
    });
    victims[1] = back;
    // The queued answer arrives on the owner's reconnect (before its re-subscribe is even needed).
    await waitUntil(() => back.received.some((m) => m.includes('queued-for-vic')), 5_000, 'the owner’s queued answer');
  });

  it('an agent still takes over its own stale session (a restart before the broker noticed), and a tool may hold several connections', async () => {
    const again = await attempt(asAgent('agent-b2'), 'onair-agent-agent-b2');
    expect(again.refused).toBe(false);
    await waitUntil(() => victims[0]!.closed, 5_000, 'the old agent-b2 connection replaced by its own login');
    if (again.refused === false) await again.client.endAsync(true);
    const second = await attempt(url('deck', DECK), 'onair-user-deck:another-flow');
    expect(second.refused).toBe(false);
    if (second.refused === false) await second.client.endAsync(true);
    expect(victims[2]!.closed).toBe(false);
  });
});

describe('anonymous clients, where they are allowed (a loopback listener)', () => {
  it('may use any id, and take over another anonymous client, but never displace a login', async () => {
    const openDir = tempDir();
    const open = await startController({
      dataDir: openDir,
      log: logged.log,
      config: { broker: { embedded: true, port: 0, host: '127.0.0.1' } },
    });
    try {
      const openPort = Number(new URL(open.brokerUrl).port);
      const credential = await open.identities.enrollAgent('agent-x');
      const anonymous = `mqtt://127.0.0.1:${openPort}`;
      const held = await victim(`mqtt://agent%2Fagent-x:${credential}@127.0.0.1:${openPort}`, 'onair-agent-agent-x', {
        subscribe: 'onair/v1/agents/agent-x/commands',
        will: { topic: 'onair/v1/agents/agent-x/heartbeat', payload: 'will:agent-x' },
      });
      expect((await attempt(anonymous, 'onair-agent-agent-x')).refused).toMatch(/Not authorized/i);
      expect(logged.lines).toContainEqual(
        expect.objectContaining({
          msg: 'refused a client id that belongs to another identity',
          identity: 'anonymous',
          owner: 'agent agent-x',
        }),
      );
      const first = await attempt(anonymous, 'onair-agent-agent-y');
      const second = await attempt(anonymous, 'onair-agent-agent-y');
      expect([first.refused, second.refused]).toEqual([false, false]);
      for (const a of [first, second]) if (a.refused === false) await a.client.endAsync(true);
      expect(held.closed).toBe(false);
      await held.client.endAsync(true);
    } finally {
      await open.stop();
      removeDir(openDir);
    }
  });
});
