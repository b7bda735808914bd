/**
 * A separate process that plays a fleet of agents as the real agent behaves on the wire: a will,
 * a retained birth naming its devices, a retained health message per device, its two exact
 * subscriptions (commands, desired config), heartbeats, and — when the broker goes away —
 * reconnecting with the agent's jittered backoff and announcing itself again with a new session.
 * Usage: node storm-fleet.js <json settings>; it reports {ready} and then {connects, failures}.
 */
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../lib/mqtt-connection.ts';
import { silentLogger } from '../lib/logger.ts';
import { topic } from '../protocols/contract.ts';

interface Settings {
  broker: string;
  agents: number;
  devicesPerAgent: number;
  /** New connections per second at the start (the fleet coming up for the first time). */
  startRatePerSecond: number;
  /** A JSON array of each agent's credential, by index: agents log in as `agent/storm-<i>`. */
  credentialsFile?: string;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
const credentials = settings.credentialsFile ? (JSON.parse(readFileSync(settings.credentialsFile, 'utf8')) as string[]) : undefined;
const log = silentLogger();
let connects = 0;
let failures = 0;
const failureReasons = new Map<string, number>();
const clients: MqttClient[] = [];

function startAgent(i: number): void {
  const agentId = `storm-${i}`;
  const devices = Array.from({ length: settings.devicesPerAgent }, (_, d) => `dev-${d}`);
  let session = Date.now() * 1_000 + i;
  const client = connectMqtt({
    url: settings.broker,
    clientId: `onair-agent-${agentId}`, // the id an agent's login may use (protocols/access.ts)
    log,
    ...(credentials ? { username: `agent/${agentId}`, password: credentials[i]! } : {}),
    keepaliveSeconds: 10,
    // The agent's own: a new session per attempt, so a will from an older connection never counts.
    will: () => ({
      topic: topic.agentState(agentId),
      payload: Buffer.from(JSON.stringify({ online: false, session: (session += 1), ts: Date.now() })),
      qos: 1,
      retain: true,
    }),
  });
  clients.push(client);
  client.on('connect', () => {
    connects += 1;
    const now = Date.now();
    client.publish(topic.agentState(agentId), JSON.stringify({ online: true, session, ts: now, devices, heartbeatIntervalMs: 2_000 }), {
      qos: 1,
      retain: true,
    });
    for (const [seq, d] of devices.entries()) {
      const health = {
        status: 'ok',
        checks: [{ name: 'probe', status: 'ok', latencyMs: 1 }],
        metrics: {},
        consecutiveFailures: 0,
        ts: now,
        seq,
        session,
        driver: 'simulated',
      };
      client.publish(topic.deviceHealth(agentId, d), JSON.stringify(health), { qos: 1, retain: true });
    }
    // What a real agent subscribes to: its commands and desired config, the controller's state (its term,
    // its liveness) and its own state (a late will of its last connection is answered with a birth).
    client.subscribe([topic.controllerState(), topic.command(agentId), topic.desiredConfig(agentId), topic.agentState(agentId)], {
      qos: 1,
    });
  });
  client.on('error', (err) => {
    failures += 1;
    const reason = err.message.replace(/\d+/g, 'N');
    failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
  });
  const beat = setInterval(() => {
    if (client.connected) client.publish(topic.heartbeat(agentId), JSON.stringify({ session, ts: Date.now(), uptimeMs: 0 }), { qos: 0 });
  }, 2_000);
  beat.unref();
}

for (let i = 0; i < settings.agents; i += 1) {
  startAgent(i);
  if ((i + 1) % Math.max(1, Math.round(settings.startRatePerSecond / 20)) === 0) await new Promise((r) => setTimeout(r, 50));
}
process.send?.({ ready: true });
process.on('message', (m: { report?: boolean; stop?: boolean }) => {
  if (m.report) process.send?.({ connects, failures, failureReasons: Object.fromEntries(failureReasons) });
  if (m.stop) {
    for (const c of clients) c.end(true);
    process.exit(0);
  }
});
