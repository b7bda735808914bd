/**
 * What the forgery tests share, whichever broker enforces the rules (the embedded aedes, or
 * Mosquitto with the generated ACL): logins in URLs, a request as a person, a refused login's
 * reason, and the fleet the forgers attack (two logged-in agents, a camera slot on air).
 */
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { silentLogger } from '../../lib/logger.ts';
import { connectMqtt, endMqtt } from '../../lib/mqtt-connection.ts';
import { registerGear, startAgent, testClientId, waitUntil } from '../integration/helpers.ts';
import type { Role } from '../../protocols/access.ts';

export const SLOT = 'studio-a/cam-wide';
export const PASSWORDS = { eve: 'engineer password 1', vic: 'viewer password 12', ada: 'admin password 123' } as const;
/** The people the tests log in as: an engineer, a viewer and an admin. */
export const PEOPLE: Array<{ name: keyof typeof PASSWORDS; role: Role; password: string }> = [
  { name: 'eve', role: 'engineer', password: PASSWORDS.eve },
  { name: 'vic', role: 'viewer', password: PASSWORDS.vic },
  { name: 'ada', role: 'admin', password: PASSWORDS.ada },
];

export interface Logins {
  url(user?: string, password?: string): string;
  asUser(name: keyof typeof PASSWORDS): string;
  asAgent(id: string): string;
  /** Each agent's credential, filled at enrolment. */
  credentials: Record<string, string>;
}

export function logins(port: () => number): Logins {
  const credentials: Record<string, string> = {};
  const url = (user?: string, password?: string) =>
    `mqtt://${user ? `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@` : ''}127.0.0.1:${port()}`;
  return { url, credentials, asUser: (name) => url(name, PASSWORDS[name]), asAgent: (id) => url(`agent/${id}`, credentials[id]) };
}

/** A request as the CLI sends it, with `stream-deck` as the client's note. */
export const ask = (broker: string, op: 'failover' | 'status', params: Record<string, unknown>, timeoutMs = 3_000) => {
  const options: RequestOptions = { broker, timeoutMs, issuedBy: 'stream-deck' };
  return withController(options, (c) => request(c, op as 'status', params as never, options));
};

/** The error a refused login gets (mqtt.js reports the CONNACK return code), without retrying. */
export const loginRefusal = (broker: string) =>
  new Promise<string>((resolve) => {
    const client = connectMqtt({
      url: broker,
      clientId: testClientId(broker, 'refused'),
      log: silentLogger(),
      reconnect: { initialMs: 60_000, maxMs: 60_000 },
    });
    client.once('error', (err) => {
      void endMqtt(client, true);
      resolve(err.message);
    });
  });

/** agent-a (cam-1, the primary) and agent-b (cam-2, its backup) logged in, both cameras ok, on air. */
export async function forgeryFleet(controller: Controller, l: Logins): Promise<Agent[]> {
  const agents = [await startAgent(l.asAgent('agent-a'), 'agent-a', []), await startAgent(l.asAgent('agent-b'), 'agent-b', [])];
  await registerGear(
    l.asUser('eve'),
    [
      { agent: 'agent-a', devices: [{ id: 'cam-1', kind: 'camera' }] },
      { agent: 'agent-b', devices: [{ id: 'cam-2', kind: 'camera' }] },
    ],
    [{ id: SLOT, primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: {} }],
  );
  await waitUntil(
    () => controller.status().devices.filter((d) => d.status === 'ok').length === 2,
    15_000,
    'both cameras ok, over logged-in agents',
  );
  controller.setOnAir(true, 'test', 'on air for the forgeries');
  return agents;
}
