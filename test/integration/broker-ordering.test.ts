/**
 * Every message reaches every subscriber, in the order it was published, whatever combination of
 * OnAir's topics a client subscribes to. The controller publishes retained QoS 1 state (slots) and
 * QoS 0 events in one stream, and reacts to agents' retained QoS 1 health with events of its own,
 * from inside the broker's delivery. aedes once let a QoS 0 message overtake a retained QoS 1 one
 * and then dropped the older message as a "duplicate": a client on slots + events missed 2/3 of the
 * slot updates; later (issue 20) the same drop for what the controller publishes while handling a
 * message only it hears (the second test).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import type { Bus } from '../../controller/broker/bus.ts';
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

describe('embedded broker delivery', () => {
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
        const kind = topic.startsWith(`${ROOT}/slots/`)
          ? 'slots'
          : topic.endsWith('/events')
            ? 'events'
            : topic.endsWith('/health')
              ? 'health'
              : 'heartbeat';
        seen.push({ kind, seq: body.seq, ...(body.cause === undefined ? {} : { cause: body.cause }) });
      });
      await client.subscribeAsync(
        filters.map((f) => FILTERS[f]),
        { qos: 1 },
      );
      watchers.push({ filters, client, seen });
    }
  });

  afterAll(async () => {
    for (const w of watchers) await closeClient(w.client);
    await closeClient(agent);
    await bus.close();
    await broker.close();
  });

  it('delivers every message to every combination of subscriptions, in publish order, under load', async () => {
    let seq = 0; // the controller's one publish order
    const publishEvent = (cause?: number) =>
      bus.publish(FILTERS.events, Buffer.from(JSON.stringify({ seq: ++seq, ...(cause === undefined ? {} : { cause }) })), {
        qos: 0,
        retain: false,
      });
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
    await waitUntil(() => watchers.every((w) => w.seen.length >= total(w)), 60_000, 'every watcher has everything').catch(() => undefined);

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
          expect(position.get(`health:${s.cause}`)!, `${label}: health ${s.cause} before its event`).toBeLessThan(
            position.get(`events:${s.seq}`)!,
          );
        }
      }
    }
  });
});

/**
 * Issue 20 point 17: a client on `slots/#` (QoS 1) and `controller/events` (QoS 0) got half the
 * slot states a slots-only client got, during failovers under a health flood. The slot states it
 * lost were those the controller published while handling a message that only the controller
 * hears (an agent's health: no network client subscribes to it), followed by an event. Here no
 * watcher hears the agents, and every watcher takes one combination of slots and events at
 * QoS 0 or 1: each must get every message the controller published, in its order.
 */
describe('embedded broker delivery of what the controller publishes while handling messages only it hears', () => {
  type Kind = 'slots' | 'events';
  const QOS: Array<0 | 1 | undefined> = [undefined, 0, 1];
  let broker: EmbeddedBroker;
  let bus: Bus;
  const agents: MqttClient[] = [];
  const watchers: Array<{ qos: Record<Kind, 0 | 1 | undefined>; client: MqttClient; seen: Array<{ kind: Kind; seq: number }> }> = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    bus = broker.bus(silentLogger());
    for (let i = 0; i < 4; i += 1) agents.push(await rawClient(broker.url));
    for (const slots of QOS) {
      for (const events of QOS) {
        if (slots === undefined && events === undefined) continue;
        const client = await rawClient(broker.url);
        const seen: Array<{ kind: Kind; seq: number }> = [];
        client.on('message', (topic, payload) => {
          if (payload.length > 0)
            seen.push({
              kind: topic.startsWith(`${ROOT}/slots/`) ? 'slots' : 'events',
              seq: (JSON.parse(payload.toString()) as { seq: number }).seq,
            });
        });
        // One SUBSCRIBE with a QoS per filter, as a dashboard asks for them [MQTT-3.8.3-1]: the
        // broker grants each and delivers at most at that QoS [MQTT-3.9.3-1], [MQTT-3.3.5-1].
        const filters: Record<string, { qos: 0 | 1 }> = {};
        if (slots !== undefined) filters[FILTERS.slots] = { qos: slots };
        if (events !== undefined) filters[FILTERS.events] = { qos: events };
        await client.subscribeAsync(filters);
        watchers.push({ qos: { slots, events }, client, seen });
      }
    }
  });

  afterAll(async () => {
    for (const w of watchers) await closeClient(w.client);
    for (const a of agents) await closeClient(a);
    await bus.close();
    await broker.close();
  });

  it('every watcher gets every slot state and event, in the controller order, whatever QoS it asked for', async () => {
    const published: Record<Kind, number[]> = { slots: [], events: [] };
    let seq = 0; // the controller's one publish order
    const publish = (kind: Kind, n: number): void => {
      seq += 1;
      published[kind].push(seq);
      if (kind === 'slots')
        bus.publish(`${ROOT}/slots/studio-a/cam-${n % 3}`, Buffer.from(JSON.stringify({ seq })), { qos: 1, retain: true });
      else bus.publish(FILTERS.events, Buffer.from(JSON.stringify({ seq })), { qos: 0, retain: false });
    };
    // As a failover does: a health message turns into a slot state and an event, published from
    // inside the broker's delivery of that health message; some into an event alone.
    let heard = 0;
    bus.onMessage(() => {
      heard += 1;
      if (heard % 3 === 0) {
        publish('slots', heard);
        publish('events', heard);
      } else if (heard % 3 === 1) publish('events', heard);
    });
    bus.subscribe([FILTERS.health], 1);

    // A flood of retained QoS 1 health over TCP from four agents, as agents publish it.
    const HEALTH = 3_000;
    for (let i = 0; i < HEALTH; i += 1) {
      agents[i % agents.length]!.publish(
        `${ROOT}/agents/a${i % agents.length}/devices/d${i % 7}/health`,
        JSON.stringify({ status: 'ok', i }),
        { qos: 1, retain: true },
      );
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => heard === HEALTH, 60_000, 'the controller heard every health message');
    // A last slot state and event from outside any delivery: once a watcher has them, everything
    // before them has reached it or never will (one TCP connection keeps the broker's order).
    publish('slots', 0);
    publish('events', 0);
    const last = { slots: published.slots.at(-1)!, events: published.events.at(-1)! };
    const kinds = (w: (typeof watchers)[number]): Kind[] => (['slots', 'events'] as const).filter((k) => w.qos[k] !== undefined);
    await waitUntil(
      () => watchers.every((w) => kinds(w).every((k) => w.seen.some((s) => s.kind === k && s.seq === last[k]))),
      60_000,
      'every watcher has the last slot state and event',
    );

    expect(published.slots.length).toBe(HEALTH / 3 + 1);
    for (const w of watchers) {
      const label = kinds(w)
        .map((k) => `${k}@QoS${w.qos[k]}`)
        .join('+');
      for (const k of kinds(w))
        expect(
          w.seen.filter((s) => s.kind === k).map((s) => s.seq),
          `${label}: every ${k} message`,
        ).toEqual(published[k]);
      // One order across both topics: the controller's [MQTT-4.6.0-6] is per topic; OnAir needs it across.
      const mine = kinds(w)
        .flatMap((k) => published[k])
        .sort((a, b) => a - b);
      expect(
        w.seen.map((s) => s.seq),
        `${label}: in the controller's order, nothing extra`,
      ).toEqual(mine);
    }
    expect(broker.publishOrder.overtaken).toBe(0);
  });
});
