/**
 * Every message reaches every subscriber, in the order it was published, whatever combination of
 * OnAir's topics a client subscribes to. The controller publishes retained QoS 1 state (slots) and
 * QoS 0 events in one stream, and reacts to agents' retained QoS 1 health with events of its own,
 * from inside the broker's delivery. aedes once let a QoS 0 message overtake a retained QoS 1 one
 * and then dropped the older message as a "duplicate": a client on slots + events missed 2/3 of the
 * slot updates.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker.ts';
import type { Bus } from '../../controller/bus.ts';
import { ROOT } from '../../protocols/contract.ts';
import { closeClient, rawClient, waitUntil } from './helpers.ts';

const FILTERS = {
  slots: `${ROOT}/slots/#`,
  events: `${ROOT}/controller/events`,
  health: `${ROOT}/agents/+/devices/+/health`,
  heartbeat: `${ROOT}/agents/+/heartbeat`,
} as const;
type FilterName = keyof typeof FILTERS;
const NAMES = Object.keys(FILTERS) as FilterName[];

/** Every non-empty combination of the filters. */
const combinations = (): FilterName[][] => {
  const out: FilterName[][] = [];
  for (let mask = 1; mask < 1 << NAMES.length; mask += 1) out.push(NAMES.filter((_, i) => mask & (1 << i)));
  return out;
};

interface Seen {
  kind: FilterName;
  /** The controller's publish order (slots, events), or the agent's (health, heartbeat). */
  seq: number;
  cause?: number;
}

let broker: EmbeddedBroker;
let bus: Bus;
let agent: MqttClient;
const watchers: Array<{ filters: FilterName[]; client: MqttClient; seen: Seen[] }> = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
  bus = broker.bus(silentLogger());
  agent = await rawClient(broker.url);
  for (const filters of combinations()) {
    const client = await rawClient(broker.url);
    const seen: Seen[] = [];
    client.on('message', (topic, payload) => {
      if (payload.length === 0) return;
      const body = JSON.parse(payload.toString()) as { seq: number; cause?: number };
      const kind = topic.startsWith(`${ROOT}/slots/`) ? 'slots' : topic.endsWith('/events') ? 'events' : topic.endsWith('/health') ? 'health' : 'heartbeat';
      seen.push({ kind, seq: body.seq, ...(body.cause === undefined ? {} : { cause: body.cause }) });
    });
    await client.subscribeAsync(filters.map((f) => FILTERS[f]), { qos: 1 });
    watchers.push({ filters, client, seen });
  }
});

afterAll(async () => {
  for (const w of watchers) await closeClient(w.client);
  await closeClient(agent);
  await bus.close();
  await broker.close();
});

describe('embedded broker delivery', () => {
  it('delivers every message to every combination of subscriptions, in publish order, under load', async () => {
    let seq = 0; // the controller's one publish order
    const publishEvent = (cause?: number) =>
      bus.publish(FILTERS.events, Buffer.from(JSON.stringify({ seq: ++seq, ...(cause === undefined ? {} : { cause }) })), { qos: 0, retain: false });
    // The controller reacts to each health message from inside the broker's delivery, as it does for a state change.
    bus.onMessage((_topic, payload) => publishEvent((JSON.parse(payload.toString()) as { seq: number }).seq));
    bus.subscribe([FILTERS.health], 0);

    const ROUNDS = 600;
    let healthSeq = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      // The agent's retained health (QoS 1) and heartbeat (QoS 0), over TCP…
      agent.publish(`${ROOT}/agents/a1/devices/d${i % 5}/health`, JSON.stringify({ seq: ++healthSeq }), { qos: 1, retain: true });
      agent.publish(`${ROOT}/agents/a1/heartbeat`, JSON.stringify({ seq: i }), { qos: 0 });
      // …and the controller's retained slot (QoS 1) immediately followed by an event (QoS 0).
      bus.publish(`${ROOT}/slots/studio-a/s${i % 3}`, Buffer.from(JSON.stringify({ seq: ++seq })), { qos: 1, retain: true });
      publishEvent();
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const expected = { slots: ROUNDS, events: ROUNDS * 2, health: ROUNDS, heartbeat: ROUNDS };
    const count = (w: (typeof watchers)[number], kind: FilterName) => w.seen.filter((s) => s.kind === kind).length;
    const total = (w: (typeof watchers)[number]) => w.filters.reduce((n, f) => n + expected[f], 0);
    await waitUntil(() => watchers.every((w) => w.seen.length >= total(w)), 20_000, 'every watcher has everything').catch(() => undefined);

    for (const w of watchers) {
      const label = w.filters.join('+');
      for (const f of w.filters) expect(count(w, f), `${label}: ${f}`).toBe(expected[f]);
      expect(w.seen.length, `${label}: nothing extra`).toBe(total(w));
      // The controller's messages arrive in the order it published them.
      const controllerSeqs = w.seen.filter((s) => s.kind === 'slots' || s.kind === 'events').map((s) => s.seq);
      expect(controllerSeqs, `${label}: controller order`).toEqual([...controllerSeqs].sort((a, b) => a - b));
      // The agent's health arrives in its order, and an event caused by a health message never before it.
      const healthSeqs = w.seen.filter((s) => s.kind === 'health').map((s) => s.seq);
      expect(healthSeqs, `${label}: health order`).toEqual([...healthSeqs].sort((a, b) => a - b));
      if (w.filters.includes('health') && w.filters.includes('events')) {
        const position = new Map(w.seen.map((s, i) => [`${s.kind}:${s.seq}`, i]));
        for (const s of w.seen.filter((x) => x.kind === 'events' && x.cause !== undefined)) {
          expect(position.get(`health:${s.cause}`)!, `${label}: health ${s.cause} before its event`).toBeLessThan(position.get(`events:${s.seq}`)!);
        }
      }
    }
  }, 40_000);
});
