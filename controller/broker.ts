/** The embedded MQTT broker: aedes 1.x (MQTT 3.1.1) on a TCP server with TCP_NODELAY. */
import { Aedes } from 'aedes';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/logger.ts';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedBrokerSettings {
  port: number;
  host: string;
  log: Logger;
  /** Optional credentials every client must present. */
  credentials?: { username: string; password: string };
}

export async function startEmbeddedBroker(settings: EmbeddedBrokerSettings): Promise<EmbeddedBroker> {
  const credentials = settings.credentials;
  // aedes takes replaceable hooks as options; leave the default in place when there are no credentials.
  const broker = await Aedes.createBroker(
    credentials
      ? {
          authenticate: (_client, username, password, done) =>
            done(null, username === credentials.username && password?.toString() === credentials.password),
        }
      : {},
  );
  // noDelay: Nagle + delayed ACK otherwise add ~40 ms to every QoS 1 exchange.
  const server = net.createServer({ noDelay: true }, broker.handle);
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
  settings.log.info({ port, host: settings.host }, 'embedded MQTT broker listening');
  return {
    url: `mqtt://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // aedes closes every client connection, which lets the TCP server finish closing.
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
