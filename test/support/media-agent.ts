/**
 * An agent as the controller hears one with a media watch (issue 22), for tests of the controller's
 * content decisions: a client logged in as the agent publishing its birth, heartbeats, each device's
 * health with the `picture` check and the `contentFaults` metric, and a success for every command.
 * A test sets a device's picture black (or its gear failed) while the reports go on.
 */
import { connectMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { silentLogger } from '../../lib/logger.ts';
import { encode } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import { clientIdFor } from '../../protocols/access.ts';
import type { DeviceStatus } from '../../protocols/schemas.ts';
import { closeClient } from '../integration/helpers.ts';
import { healthReport } from './health-report.ts';
import { agentLogin } from './rig.ts';

const SESSION = 7;

export type MediaAgent = Awaited<ReturnType<typeof fakeMediaAgent>>;

/** An agent as the controller hears one: births, heartbeats, health as a media watch makes it, and commands answered. */
export async function fakeMediaAgent(
  brokerUrl: string,
  agentId: string,
  devices: string[],
  /** Where the test collects what to stop after it. */
  defer: (stop: () => Promise<unknown>) => void,
) {
  const login = await agentLogin(brokerUrl, agentId);
  const client = connectMqtt({
    url: login.url,
    clientId: clientIdFor(login.username, 'fake'),
    ...(login.username ? { username: login.username } : {}),
    ...(login.password ? { password: login.password } : {}),
    log: silentLogger(),
  });
  await waitForConnect(client, 5_000);
  const commands: Array<{ device: string; action: string }> = [];
  client.on('message', (t, payload) => {
    if (t !== topic.command(agentId)) return;
    const c = JSON.parse(payload.toString()) as { id: string; device: string; action: string };
    commands.push(c);
    void client.publishAsync(
      topic.commandResult(agentId),
      encode('commandResult', { id: c.id, device: c.device, status: 'succeeded', ts: Date.now() }),
      { qos: 1 },
    );
  });
  await client.subscribeAsync(topic.command(agentId), { qos: 1 });
  await client.publishAsync(
    topic.agentState(agentId),
    encode('agentState', { online: true, session: SESSION, ts: Date.now(), devices, heartbeatIntervalMs: 200 }),
    { qos: 1, retain: true },
  );
  const started = Date.now();
  const beat = setInterval(() => {
    void client.publishAsync(
      topic.heartbeat(agentId),
      encode('heartbeat', { session: SESSION, ts: Date.now(), uptimeMs: Date.now() - started }),
      {
        qos: 0,
      },
    );
  }, 200);
  let seq = 0;
  const failures = new Map<string, number>();
  /** One health report: the gear's probe, and the picture check (black or fine), status the worse of the two. */
  const report = (device: string, picture: 'fine' | 'black', gear: DeviceStatus = 'ok') => {
    const black = picture === 'black';
    const down = black || gear !== 'ok';
    failures.set(device, down ? (failures.get(device) ?? 0) + 1 : 0);
    return client.publishAsync(
      topic.deviceHealth(agentId, device),
      encode(
        'deviceHealth',
        healthReport(SESSION, {
          status: down ? 'failed' : 'ok',
          checks: [
            { name: 'probe', status: gear, latencyMs: 3, ...(gear === 'ok' ? {} : { detail: 'no reply' }) },
            { name: 'picture', status: black ? 'failed' : 'ok', latencyMs: 0, ...(black ? { detail: 'black for 2.4 s' } : {}) },
          ],
          metrics: { contentFaults: black ? 'black' : '' },
          consecutiveFailures: failures.get(device)!,
          ts: Date.now(),
          seq: (seq += 1),
        }),
      ),
      { qos: 1, retain: true },
    );
  };
  /** Reports every interval until stopped, as the runner does; the picture and gear can be changed between. */
  const state = new Map(devices.map((d) => [d, { picture: 'fine' as 'fine' | 'black', gear: 'ok' as DeviceStatus }]));
  const probing = setInterval(() => {
    for (const [device, s] of state) void report(device, s.picture, s.gear);
  }, 100);
  defer(async () => {
    clearInterval(beat);
    clearInterval(probing);
    await closeClient(client);
  });
  return {
    commands,
    set: (device: string, s: Partial<{ picture: 'fine' | 'black'; gear: DeviceStatus }>) => void Object.assign(state.get(device)!, s),
  };
}
