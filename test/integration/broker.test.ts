/** The embedded broker under a burst: it must never take the controller down. */
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import { closeClient, rawClient, waitUntil } from './helpers.ts';

describe('embedded broker', () => {
  it('survives a burst from many publishers to a busy subscriber in the same process, in order', async () => {
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    const subscriber = await rawClient(broker.url);
    const publishers: MqttClient[] = [];
    const lastSeen = new Map<string, number>();
    let received = 0;
    let outOfOrder = 0;
    try {
      // A subscriber that spends CPU on each message (as the controller does) makes the broker's
      // deliveries back up: the shape in which aedes' default mqemitter overflowed its stack.
      subscriber.on('message', (topic, payload) => {
        const n = Number(payload.toString());
        if ((lastSeen.get(topic) ?? -1) > n) outOfOrder += 1;
        lastSeen.set(topic, n);
        received += 1;
        const busyUntil = performance.now() + 0.04;
        while (performance.now() < busyUntil);
      });
      await subscriber.subscribeAsync('onair/v1/agents/+/devices/+/health', { qos: 1 });
      for (let i = 0; i < 20; i += 1) publishers.push(await rawClient(broker.url));
      const burst = 60_000;
      for (let i = 0; i < burst; i += 1)
        publishers[i % 20]!.publish(`onair/v1/agents/a${i % 20}/devices/d${i % 7}/health`, String(i), { qos: 1, retain: true });
      await waitUntil(() => received >= burst, 40_000, `${burst} messages`);
      expect(outOfOrder).toBe(0);
    } finally {
      await Promise.all([subscriber, ...publishers].map(closeClient));
      await broker.close();
    }
  });
});
