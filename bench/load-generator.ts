/**
 * A separate process that plays N agents × M devices publishing health (QoS 1, retained,
 * as real agents do) at a fixed total rate, or — with `window` — as fast as the broker acknowledges, each
 * agent keeping `window` messages in flight (a closed loop: what a broker can sustain, without an open
 * loop's backlog growing until the generator itself collapses). Usage: node load-generator.js <json settings>
 */
import { connectMqtt, endMqtt, waitForConnect } from '../lib/mqtt-connection.ts';
import { silentLogger } from '../lib/logger.ts';
import { topic } from '../protocols/contract.ts';

interface Settings {
  broker: string;
  agents: number;
  devicesPerAgent: number;
  ratePerSecond: number;
  durationMs: number;
  prefix: string;
  /** Closed loop: messages in flight per agent; the rate is then whatever the broker sustains. */
  window?: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
const session = Date.now();
const log = silentLogger();

const agents = await Promise.all(
  Array.from({ length: settings.agents }, async (_, i) => {
    const agentId = `${settings.prefix}-${i}`;
    const client = connectMqtt({ url: settings.broker, clientId: `bench-${agentId}`, log });
    await waitForConnect(client, 10_000);
    const devices = Array.from({ length: settings.devicesPerAgent }, (_, d) => `dev-${d}`);
    client.publish(
      topic.agentState(agentId),
      JSON.stringify({ online: true, session, ts: Date.now(), devices, heartbeatIntervalMs: 1_000 }),
      { qos: 1, retain: true },
    );
    return { agentId, client, topics: devices.map((d) => topic.deviceHealth(agentId, d)) };
  }),
);
const heartbeat = setInterval(() => {
  for (const a of agents)
    a.client.publish(topic.heartbeat(a.agentId), JSON.stringify({ session, ts: Date.now(), uptimeMs: 0 }), { qos: 0 });
}, 1_000);

process.send?.({ ready: true });
await new Promise<void>((resolve) => process.once('message', () => resolve()));

const healthOf = (n: number): string =>
  `{"status":"ok","checks":[{"name":"reachable","status":"ok","latencyMs":1}],"metrics":{"temperatureC":44},"consecutiveFailures":0,"ts":${Date.now()},"seq":${n},"session":${session},"driver":"simulated"}`;

if (settings.window) {
  const window = settings.window;
  let sent = 0;
  const started = Date.now();
  await Promise.all(
    agents.map(
      (agent) =>
        new Promise<void>((resolve) => {
          let next = 0;
          let open = 0;
          const send = (): void => {
            if (Date.now() - started >= settings.durationMs) {
              if (open === 0) resolve();
              return;
            }
            open += 1;
            sent += 1;
            const device = next++ % agent.topics.length;
            agent.client.publish(agent.topics[device]!, healthOf(sent), { qos: 1, retain: true }, () => {
              open -= 1;
              send();
            });
          };
          for (let k = 0; k < window; k += 1) send();
        }),
    ),
  );
  clearInterval(heartbeat);
  process.send?.({ sent, elapsedMs: Date.now() - started });
  await Promise.all(agents.map((a) => endMqtt(a.client)));
  process.exit(0);
}

const tickMs = 5;
const perTick = (settings.ratePerSecond * tickMs) / 1_000;
let owed = 0;
let sent = 0;
let seq = 0;
let cursor = 0;
const totalDevices = settings.agents * settings.devicesPerAgent;
const started = Date.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    // Open loop: catch up on what the schedule owes, so a slow consumer shows as latency, not as a lower offered rate.
    owed = ((Date.now() - started) / tickMs) * perTick - sent;
    for (let k = 0; k < owed; k += 1) {
      const agent = agents[cursor % settings.agents]!;
      const device = Math.floor(cursor / settings.agents) % settings.devicesPerAgent;
      cursor = (cursor + 1) % totalDevices;
      seq += 1;
      agent.client.publish(agent.topics[device]!, healthOf(seq), { qos: 1, retain: true });
      sent += 1;
    }
    if (Date.now() - started >= settings.durationMs) {
      clearInterval(timer);
      resolve();
    }
  }, tickMs);
});
clearInterval(heartbeat);
process.send?.({ sent, elapsedMs: Date.now() - started });
await Promise.all(agents.map((a) => endMqtt(a.client)));
process.exit(0);
