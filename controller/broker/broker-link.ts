/** The controller's broker: the embedded aedes (default), or an external one reached with mqtt.js. */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { connectMqtt, endMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import type { MqttClient } from 'mqtt';
import { encode } from '../../protocols/codec.ts';
import { topic } from '../../protocols/contract.ts';
import type { BrokerAccess } from './broker-access.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { mqttBus, type Bus } from './bus.ts';
import type { ControllerConfig } from '../config.ts';
import { readBrokerSecrets, readServerTls, type BrokerClientSecrets, type ServerTls } from '../../lib/broker-client.ts';
import { isLoopbackHost } from '../../lib/net/loopback.ts';

/** What the controller's broker settings name, read from files and variables: its login on an external broker, and the embedded broker's certificate. */
export type BrokerSecrets = BrokerClientSecrets & { server?: ServerTls };

export function readControllerBrokerSecrets(
  config: ControllerConfig['broker'],
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): BrokerSecrets {
  return { ...readBrokerSecrets(config, baseDir, env), ...(config.tls ? { server: readServerTls(config.tls, baseDir) } : {}) };
}

export interface BrokerLink {
  bus: Bus;
  url: string;
  broker?: EmbeddedBroker;
  /** Why an external broker is not connected (the last connection error), for /readyz. */
  problem(): string | undefined;
}

/** How long an external broker has to answer at start before Controller.start fails (or, retrying, says so). */
export const FIRST_CONNECT_MS = 10_000;

/**
 * Starts the embedded broker or connects to the external one. `listen` runs before the first
 * connect event (its subscriptions are made there). An external broker must answer within
 * FIRST_CONNECT_MS, unless `retry`: then the link is returned at once and keeps trying with
 * backoff (a lone controller under systemd stays up, alive and not ready, until its broker is).
 */

interface DialSettings {
  config: ControllerConfig['broker'];
  secrets: BrokerSecrets;
  clock: Clock;
  log: Logger;
  /** This seat's name in a pair. */
  name?: string | undefined;
}

/** An external broker's connection, dialled before the controller that uses it is built. */
export interface DialedBroker {
  /** Taken by the controller's broker link (once): from then on it is the link's to close. */
  claim(): { client: MqttClient; problem: () => string | undefined; connected: () => boolean };
  /** Closes it unless a link claimed it (leading ended before the controller got that far). */
  close(): Promise<void>;
}

/**
 * Dials the external broker as this controller, with its will. A new leader of a pair dials at its
 * term, before it loads its state: the TCP connect and the CONNACK's round trip (tens to hundreds
 * of ms on a loaded machine) overlap the load's, and the link finds it connected. Nothing is
 * subscribed or published on it until the controller's link takes it.
 */
export function dialBroker(o: DialSettings): DialedBroker {
  const { config, clock } = o;
  if (!config.url) throw new Error('broker.url is required when broker.embedded is false');
  const client = connectMqtt({
    url: config.url,
    // A seat of a pair has an id of its own: a leader that lost its lead keeps its connection while it
    // tries to take its term up again, and two seats on one id threw each other off the broker in a
    // loop (each reconnect a takeover of the other's session: the chaos run's "lost the broker").
    clientId: o.name ? `onair-controller:${o.name}` : 'onair-controller',
    username: config.username,
    password: o.secrets.password,
    ...(o.secrets.tls ? { tls: o.secrets.tls } : {}),
    log: o.log,
    will: () => ({
      topic: topic.controllerState(),
      payload: encode('controllerState', { online: false, ts: clock.now() }),
      qos: 1,
      retain: true,
    }),
  });
  let problem: string | undefined;
  // From the connect event on, not from mqtt.js's `connected` (set before it emits the event, a store flush earlier).
  let up = false;
  client.on('error', (err) => (problem = err.message));
  client.on('connect', () => ((problem = undefined), (up = true)));
  client.on('close', () => (up = false));
  let claimed = false;
  return {
    claim: () => {
      claimed = true;
      return { client, problem: () => problem, connected: () => up && client.connected };
    },
    close: () => (claimed ? Promise.resolve() : endMqtt(client, !client.connected)),
  };
}

export async function openBrokerLink(
  o: DialSettings & {
    login: BrokerAccess['login'];
    listen: (bus: Bus) => void;
    retry?: boolean;
    /** Dialled ahead by a new leader (dialBroker): used instead of a new connection. */ dialed?: DialedBroker | undefined;
  },
): Promise<BrokerLink> {
  const { config, log } = o;
  if (config.embedded) {
    const loopback = isLoopbackHost(config.host);
    const allowAnonymous = config.allowAnonymous ?? loopback;
    if (allowAnonymous && !loopback)
      log.warn(
        { host: config.host },
        'broker.allowAnonymous is on for a network listener: anyone on the network can connect, fake a failure and command gear',
      );
    if (config.tls && !o.secrets.server) throw new Error('broker.tls is set but its certificate was not read');
    const broker = await startEmbeddedBroker({
      port: config.port,
      host: config.host,
      log,
      access: { login: o.login, allowAnonymous },
      ...(o.secrets.server ? { tls: o.secrets.server } : {}),
    });
    const bus = broker.bus(log);
    o.listen(bus);
    return { bus, url: broker.url, broker, problem: () => undefined };
  }
  if (!config.url) throw new Error('broker.url is required when broker.embedded is false');
  const { client, problem, connected } = (o.dialed ?? dialBroker(o)).claim();
  // Dialled ahead and already connected: the controller's connect handlers run now (in order, before this returns).
  const early = connected();
  const bus = mqttBus(client, { connectedAlready: early });
  o.listen(bus);
  const link = { bus, url: config.url, problem };
  if (!o.retry) {
    if (!early) await waitForConnect(client, FIRST_CONNECT_MS, connected);
    return link;
  }
  // Said once, at the moment a waiting start would have failed; mqtt.js keeps trying meanwhile.
  const late = setTimeout(() => {
    if (!client.connected)
      log.warn(
        { url: config.url, problem },
        `no answer from the MQTT broker within ${FIRST_CONNECT_MS} ms: still trying with backoff; /readyz answers 503 until it does`,
      );
  }, FIRST_CONNECT_MS);
  late.unref(); // a controller stopped before its broker answered exits at once
  client.once('connect', () => (clearTimeout(late), log.info({ url: config.url }, 'connected to the MQTT broker')));
  return link;
}
