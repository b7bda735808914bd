/** The controller's broker: the embedded aedes (default), or an external one reached with mqtt.js. */
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { connectMqtt, waitForConnect } from '../lib/mqtt-connection.ts';
import { encode } from '../protocols/codec.ts';
import { topic } from '../protocols/contract.ts';
import type { BrokerAccess } from './broker-access.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { mqttBus, type Bus } from './bus.ts';
import type { ControllerConfig } from './config.ts';
import { readBrokerSecrets, readServerTls, type BrokerClientSecrets, type ServerTls } from '../lib/broker-client.ts';

/** What the controller's broker settings name, read from files and variables: its login on an external broker, and the embedded broker's certificate. */
export type BrokerSecrets = BrokerClientSecrets & { server?: ServerTls };

export function readControllerBrokerSecrets(config: ControllerConfig['broker'], baseDir: string, env: NodeJS.ProcessEnv = process.env): BrokerSecrets {
  return { ...readBrokerSecrets(config, baseDir, env), ...(config.tls ? { server: readServerTls(config.tls, baseDir) } : {}) };
}

export interface BrokerLink {
  bus: Bus;
  url: string;
  broker?: EmbeddedBroker;
}

/**
 * Starts the embedded broker or connects to the external one. `listen` runs before the first
 * connect event (its subscriptions are made there); an external broker must answer within 10 s.
 */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function openBrokerLink(o: { config: ControllerConfig['broker']; secrets: BrokerSecrets; clock: Clock; log: Logger; login: BrokerAccess['login']; listen: (bus: Bus) => void }): Promise<BrokerLink> {
  const { config, log, clock } = o;
  if (config.embedded) {
    const loopback = LOOPBACK.has(config.host);
    const allowAnonymous = config.allowAnonymous ?? loopback;
    if (allowAnonymous && !loopback) log.warn({ host: config.host }, 'broker.allowAnonymous is on for a network listener: anyone on the network can connect, fake a failure and command gear');
    if (config.tls && !o.secrets.server) throw new Error('broker.tls is set but its certificate was not read');
    const broker = await startEmbeddedBroker({ port: config.port, host: config.host, log, access: { login: o.login, allowAnonymous }, ...(o.secrets.server ? { tls: o.secrets.server } : {}) });
    const bus = broker.bus(log);
    o.listen(bus);
    return { bus, url: broker.url, broker };
  }
  if (!config.url) throw new Error('broker.url is required when broker.embedded is false');
  const client = connectMqtt({
    url: config.url,
    clientId: 'onair-controller',
    username: config.username,
    password: o.secrets.password,
    ...(o.secrets.tls ? { tls: o.secrets.tls } : {}),
    log,
    will: () => ({ topic: topic.controllerState(), payload: encode('controllerState', { online: false, ts: clock.now() }), qos: 1, retain: true }),
  });
  const bus = mqttBus(client);
  o.listen(bus);
  await waitForConnect(client, 10_000);
  return { bus, url: config.url };
}
