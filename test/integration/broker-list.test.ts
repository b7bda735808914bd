/**
 * A clustered broker as a list of URLs (`mqtt://a,mqtt://b`): a real MQTT client over loopback skips
 * a broker that is down, stays on the one it reached, and moves to another when that one goes away
 * — a broker of the cluster that comes back on the first address is found again.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import { brokerUrls, connectMqtt, endMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { silentLogger } from '../../lib/logger.ts';
import { cleanupAfterEach, waitUntil } from './helpers.ts';

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanup = cleanupAfterEach();

describe('a list of broker URLs', () => {
  it('splits a cluster written as one setting, keeping credentials and mqtts', () => {
    expect(brokerUrls('mqtt://u:p@a:1883, mqtts://b:8883')).toEqual(['mqtt://u:p@a:1883', 'mqtts://b:8883']);
    expect(brokerUrls('mqtt://a:1883')).toEqual(['mqtt://a:1883']);
  });

  it('connects past a broker that is down, and moves to the other broker when its own goes away', async () => {
    const firstPort = await freePort();
    const second = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    cleanup.defer(() => second.close());
    const client = connectMqtt({
      url: `mqtt://127.0.0.1:${firstPort},${second.url}`,
      clientId: 'list-test',
      log: silentLogger(),
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    cleanup.defer(() => endMqtt(client, true));
    await waitForConnect(client, 5_000);
    const reached = () => (client.stream as net.Socket | undefined)?.remotePort;
    expect(reached()).toBe(second.port);
    // The first address's broker comes up, the second goes away: the client finds the first.
    const first = await startEmbeddedBroker({ port: firstPort, host: '127.0.0.1', log: silentLogger() });
    cleanup.defer(() => first.close());
    await second.close();
    await waitUntil(() => client.connected && reached() === firstPort, 10_000, 'connected to the first broker');
    // Messages flow there.
    const got: string[] = [];
    client.on('message', (t) => got.push(t));
    await client.subscribeAsync('cluster/test', { qos: 1 });
    await client.publishAsync('cluster/test', 'x', { qos: 1 });
    await waitUntil(() => got.length === 1, 2_000, 'the message back');
  });
});
