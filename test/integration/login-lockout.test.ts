/**
 * Issue 20, point 2, over real MQTT: wrong passwords hammered at an agent's name from another
 * address lock out that address, not the agent: the agent logs in, also after a restart of the
 * controller (its embedded broker) while the hammering goes on; a person logging in from the
 * hammering address is refused, the same person from elsewhere is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { LOCKOUT } from '../../controller/identity/login-lockout.ts';
import { closeClient, rawClient, recordingLogger, removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';
import { PASSWORDS } from '../support/forgery.ts';
import { clientFrom } from '../support/takeover.ts';

let dir: string;
let controller: Controller;
let port: number;
const agents: Agent[] = [];
const logged = recordingLogger();
const start = (p = 0) =>
  startController({
    dataDir: dir,
    log: logged.log,
    config: { broker: { embedded: true, port: p, host: '127.0.0.1', allowAnonymous: false } },
  });

/** Wrong credentials for `username` from 127.0.0.2: each one refused. */
async function hammer(username: string, times: number): Promise<string[]> {
  const reasons: string[] = [];
  for (let i = 0; i < times; i += 1) {
    await clientFrom('127.0.0.2', port, {
      username,
      password: `guess ${i}`,
      clientId: `onair-agent-${username.split('/')[1] ?? username}`,
    }).then(
      (c) => (c.end(true), reasons.push('connected')),
      (err: Error) => reasons.push(err.message),
    );
  }
  return reasons;
}

beforeAll(async () => {
  dir = tempDir();
  controller = await start();
  port = Number(new URL(controller.brokerUrl).port);
  await controller.identities.addUser('vic', 'viewer', PASSWORDS.vic);
}, 30_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await controller?.stop();
  removeDir(dir);
});

describe('a login lockout that a stranger cannot turn against machines', () => {
  it('an agent whose name was hammered from another address still logs in, also after a restart; the hammering address is locked for people', async () => {
    const tries = LOCKOUT.failures * 2;
    expect((await hammer('agent/agent-lock', tries)).every((r) => /Bad username or password|Not authorized/i.test(r))).toBe(true);
    agents.push(await startAgent(controller.brokerUrl, 'agent-lock', [{ id: 'cam-1', kind: 'camera' }]));
    await waitUntil(() => controller.status().agents.some((a) => a.agent === 'agent-lock' && a.online), 10_000, 'agent-lock online');
    // People from the hammering address: refused unchecked; from their own address: in.
    await expect(clientFrom('127.0.0.2', port, { username: 'vic', password: PASSWORDS.vic, clientId: 'onair-user-vic:x' })).rejects.toThrow(
      /Bad username or password/i,
    );
    expect(logged.lines).toContainEqual(
      expect.objectContaining({ msg: 'refused an MQTT login', source: '127.0.0.2', reason: expect.stringMatching(/^locked out/) }),
    );
    await closeClient(await rawClient(`mqtt://vic:${encodeURIComponent(PASSWORDS.vic)}@127.0.0.1:${port}`));

    // A restart of the controller and its broker, the hammering going on before the agent is back.
    await agents.pop()!.stop();
    await controller.stop();
    controller = await start(port);
    await hammer('agent/agent-lock', tries);
    agents.push(await startAgent(controller.brokerUrl, 'agent-lock', [{ id: 'cam-1', kind: 'camera' }]));
    await waitUntil(
      () => controller.status().agents.some((a) => a.agent === 'agent-lock' && a.online),
      10_000,
      'agent-lock online after the restart',
    );
  });
});
