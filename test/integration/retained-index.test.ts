/**
 * The embedded broker's retained messages, indexed by topic (controller/broker/retained-index.ts), over a
 * real aedes broker and real MQTT clients on loopback: a new subscription gets exactly the retained
 * messages an MQTT broker must send [MQTT-3.3.1-6], by exact topic and by wildcard, and a retained
 * message cleared by an empty payload is gone from both [MQTT-3.3.1-10, -11].
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import { silentLogger } from '../../lib/logger.ts';
import { closeClient, rawClient, waitUntil } from './helpers.ts';

let broker: EmbeddedBroker;
let publisher: MqttClient;

/**
 * What a new subscriber to `filters` receives as retained, by topic → payload: once `expected`
 * messages came (however long a loaded machine takes), and then a moment for any extra one.
 */
async function retainedFor(filters: string[], expected: number): Promise<Record<string, string>> {
  const client = await rawClient(broker.url);
  const got: Record<string, string> = {};
  client.on('message', (t, p, packet) => void (packet.retain && (got[t] = p.toString())));
  await client.subscribeAsync(filters, { qos: 1 });
  await waitUntil(() => Object.keys(got).length >= expected, 20_000, `${expected} retained messages for ${filters.join(', ')}`);
  await new Promise((r) => setTimeout(r, 150)); // room for one too many to show up (only weaker on a slow machine, never wrong)
  await closeClient(client);
  return got;
}

beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
  publisher = await rawClient(broker.url);
  for (const [t, p] of [
    ['site/a/state', 'a'],
    ['site/b/state', 'b'],
    ['site/b/health', 'bh'],
    ['other/x', 'x'],
  ])
    await publisher.publishAsync(t!, p!, { qos: 1, retain: true });
  await publisher.publishAsync('site/c/state', 'c', { qos: 1, retain: true });
  await publisher.publishAsync('site/c/state', '', { qos: 1, retain: true }); // cleared
  await publisher.publishAsync('site/b/state', 'b2', { qos: 1, retain: true }); // replaced
});

afterAll(async () => {
  await closeClient(publisher);
  await broker.close();
});

describe('retained messages, indexed by topic', () => {
  it('an exact filter gets its topic only, the latest value; a cleared topic gets nothing', async () => {
    expect(await retainedFor(['site/b/state'], 1)).toEqual({ 'site/b/state': 'b2' });
    expect(await retainedFor(['site/c/state'], 0)).toEqual({});
    expect(await retainedFor(['site/nobody/state'], 0)).toEqual({});
  });

  it('wildcards, and exact and wildcard filters in one SUBSCRIBE, get every match once', async () => {
    expect(await retainedFor(['site/+/state'], 2)).toEqual({ 'site/a/state': 'a', 'site/b/state': 'b2' });
    expect(await retainedFor(['#'], 4)).toEqual({ 'site/a/state': 'a', 'site/b/state': 'b2', 'site/b/health': 'bh', 'other/x': 'x' });
    expect(await retainedFor(['other/x', 'site/b/#'], 3)).toEqual({ 'other/x': 'x', 'site/b/state': 'b2', 'site/b/health': 'bh' });
  });

  it('the in-process bus (the controller) gets the same retained messages', async () => {
    const bus = broker.bus(silentLogger());
    const got: string[] = [];
    bus.onMessage((t, p, retained) => void (retained && got.push(`${t}=${p.toString()}`)));
    bus.subscribe(['site/a/state', 'site/+/health'], 1);
    await waitUntil(() => got.length === 2, 2_000, 'two retained messages');
    expect(got.sort()).toEqual(['site/a/state=a', 'site/b/health=bh']);
    await bus.close();
  });
});
