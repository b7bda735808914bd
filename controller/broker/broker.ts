/** The embedded MQTT broker: aedes 1.x (MQTT 3.1.1) on a TCP server with TCP_NODELAY. */
import { Aedes } from 'aedes';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { ServerTls } from '../../lib/broker-client.ts';
import type { Logger } from '../../lib/logger.ts';
import { tuneSocket } from '../../lib/socket-tuning.ts';
import { limitMqttPackets } from '../../lib/mqtt-frame-limit.ts';
import { MAX_PACKET_BYTES } from '../../protocols/contract.ts';
import type { Bus, MessageHandler } from './bus.ts';
import { accessHooks, type BrokerAccess } from './broker-access.ts';
import { orderPublishes, type PublishOrder } from './ordered-publish.ts';
import { indexedRetainedPersistence } from './retained-index.ts';

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** Messages emitted after a newer one since start (0 unless the ordering is broken). */
  publishOrder: PublishOrder;
  /** An in-process connection to this broker, for the controller that embeds it. */
  bus(log: Logger): Bus;
  close(): Promise<void>;
}

export interface EmbeddedBrokerSettings {
  port: number;
  host: string;
  log: Logger;
  /** Logins and topic rules (controller/broker/broker-access.ts); without it every client is accepted with every right. */
  access?: BrokerAccess;
  /** Serve mqtts with this certificate; with `ca`, every client must present a certificate it signed. */
  tls?: ServerTls;
}

export async function startEmbeddedBroker(settings: EmbeddedBrokerSettings): Promise<EmbeddedBroker> {
  const hooks = settings.access ? accessHooks(settings.access, settings.log) : undefined;
  const broker = await Aedes.createBroker({
    // mqemitter queues messages beyond `concurrency` and drains that queue recursively; under a
    // burst (20k health messages/s into a busy controller) the drain overflowed the stack and
    // killed the process (mcollina/mqemitter#204, still open). Its queue is unbounded anyway and
    // gives publishers no backpressure, so no limit loses nothing and removes the recursion.
    concurrency: 0,
    // Retained messages indexed by topic: an agent's exact subscriptions cost O(1), not a scan.
    persistence: indexedRetainedPersistence(),
    // aedes takes replaceable hooks as options: logins and per-identity topic rules.
    ...(hooks
      ? { authenticate: hooks.authenticate, authorizePublish: hooks.authorizePublish, authorizeSubscribe: hooks.authorizeSubscribe }
      : {}),
  });
  const publishOrder = orderPublishes(broker, settings.log);
  // NODELAY (Nagle + delayed ACK would add ~40 ms to every QoS 1 exchange), with writes batched per tick.
  const serve = (socket: net.Socket): void => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const limited = limitMqttPackets(tuneSocket(socket), MAX_PACKET_BYTES, (bytes) =>
      settings.log.warn({ peer, bytes, limit: MAX_PACKET_BYTES }, 'closed a client that sent an oversized MQTT packet'),
    );
    broker.handle(limited);
  };
  const secure = settings.tls;
  // TLS 1.2 at least; with a client CA, a client without a certificate it signed fails the handshake and never reaches MQTT.
  const server = secure
    ? tls.createServer(
        {
          cert: secure.cert,
          key: secure.key,
          minVersion: 'TLSv1.2',
          ...(secure.ca ? { ca: secure.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        serve,
      )
    : net.createServer(serve);
  if (secure)
    server.on('tlsClientError', (err, socket) =>
      settings.log.warn({ peer: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'refused a TLS client'),
    );
  broker.on('clientError', (client, err) => settings.log.debug({ client: client.id, err: err.message }, 'mqtt client error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  settings.log.info({ port, host: settings.host, tls: !!secure, clientCertificates: !!secure?.ca }, 'embedded MQTT broker listening');
  return {
    url: `${secure ? 'mqtts' : 'mqtt'}://${host}:${port}`,
    port,
    publishOrder,
    bus: (log) => inProcessBus(broker, log),
    close: () =>
      new Promise<void>((resolve) => {
        // aedes closes every client connection, which lets the TCP server finish closing.
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

/** The slice of aedes' persistence used here (aedes types it as `any`). */
interface RetainedStore {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string; payload: Buffer | string }>;
}

const asBuffer = (payload: Buffer | string): Buffer => (typeof payload === 'string' ? Buffer.from(payload) : payload);

function inProcessBus(broker: Aedes, log: Logger): Bus {
  let deliver: MessageHandler = () => undefined;
  const subscriptions: Array<[string, (packet: { topic: string; payload: Buffer | string }, done: () => void) => void]> = [];
  const onPublished = (topic: string) => (err?: Error) => {
    if (err) log.warn({ topic, err: err.message }, 'in-process publish failed');
  };
  return {
    publish(topic, payload, { qos, retain }) {
      broker.publish({ cmd: 'publish', topic, payload, qos, retain, dup: false }, onPublished(topic));
    },
    subscribe(filters) {
      for (const filter of filters) {
        const handler = (packet: { topic: string; payload: Buffer | string }, done: () => void): void => {
          deliver(packet.topic, asBuffer(packet.payload), false);
          done();
        };
        subscriptions.push([filter, handler]);
        broker.subscribe(filter, handler, () => undefined);
      }
      // aedes replays retained messages only to network clients; do what a SUBSCRIBE would.
      const retained = (broker as unknown as { persistence: RetainedStore }).persistence.createRetainedStreamCombi(filters);
      void (async () => {
        for await (const packet of retained) deliver(packet.topic, asBuffer(packet.payload), true);
      })().catch((err: Error) => log.warn({ err: err.message }, 'reading retained messages failed'));
    },
    onMessage(handler) {
      deliver = handler;
    },
    onConnect(handler) {
      setImmediate(handler);
    },
    onDisconnect() {
      // The broker is this process: the link cannot drop while we run.
    },
    roundTrip: () => Promise.resolve(true),
    reconnect: () => undefined,
    connected: true,
    inProcess: true,
    async close() {
      deliver = () => undefined; // wills published while the broker closes reach nobody
      for (const [filter, handler] of subscriptions) broker.unsubscribe(filter, handler, () => undefined);
    },
  };
}
