import { MqttClient, type IClientOptions } from 'mqtt';
import net from 'node:net';
import tls from 'node:tls';
import { tuneSocket } from './socket-tuning.ts';
import { Backoff } from './backoff.ts';
import type { Logger } from './logger.ts';

export interface LastWill {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

/** For mqtts: the CA the broker's certificate must chain to (the system's CAs without it), and an optional client certificate. */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface MqttConnectionSettings {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  /** Seconds; the broker closes us and publishes the will after 1.5 × this [MQTT-3.1.2-24]. */
  keepaliveSeconds?: number;
  connectTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  /** Called before every connect attempt, so the will can carry a fresh session number. */
  will?: () => LastWill;
  /**
   * mqtt-packet pre-builds 65,536 two-byte Buffers for message ids (6 MB of heap) unless told not
   * to. Worth it for a broker-side process; an agent sends a few messages a second. Process-wide.
   */
  writeCache?: boolean;
  log: Logger;
}

/**
 * An mqtt.js client with the two things mqtt.js does not do itself:
 * - TCP_NODELAY on its socket: without it a QoS 1 request/response round trip on
 *   loopback takes ~44 ms (Nagle + delayed ACK) instead of well under 1 ms;
 * - reconnect with exponential backoff (mqtt.js retries at a fixed period), and a
 *   will recomputed on every attempt (the Sparkplug bdSeq rule needs a new session each time).
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

export function connectMqtt(settings: MqttConnectionSettings): MqttClient {
  const backoff = new Backoff({ initialMs: settings.reconnect?.initialMs ?? 250, maxMs: settings.reconnect?.maxMs ?? 10_000 });
  const options: IClientOptions = {
    clientId: settings.clientId,
    username: settings.username,
    password: settings.password,
    keepalive: settings.keepaliveSeconds ?? 5,
    // How long to wait for CONNACK once TCP is up (a broker that is down refuses at once, so this
    // only runs out on a live, busy one). At 5 s a fleet of 2,000 agents logging in after a
    // controller restart failed 1 run in 3: CONNACKs queued past 5 s, every client gave up and
    // came back with another login to check. At 15 s, 3 runs in 3 were back in under 10 s.
    connectTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    reconnectPeriod: backoff.next(),
    protocolVersion: 4, // MQTT 3.1.1: what the embedded aedes speaks
    clean: true,
    manualConnect: true,
    resubscribe: true,
    writeCache: settings.writeCache ?? true,
  };
  if (settings.will) options.will = settings.will();
  const endpoints = brokerUrls(settings.url).map(parseBrokerUrl);
  const first = endpoints[0]!;
  // Credentials in the URL (mqtt://user:pw@host) count when none are given apart.
  if (options.username === undefined && first.username !== undefined) options.username = first.username;
  if (options.password === undefined && first.password !== undefined) options.password = first.password;
  // A cluster's brokers in turn: the next one after an attempt that did not reach CONNACK.
  let current = 0;
  let reachedSinceLastAttempt = true;
  const client = new MqttClient(() => {
    if (!reachedSinceLastAttempt) current = (current + 1) % endpoints.length;
    reachedSinceLastAttempt = false;
    const endpoint = endpoints[current]!;
    if (endpoint.tls) {
      // The broker's certificate is always verified (rejectUnauthorized stays true); SNI only for a host name [RFC 6066 §3].
      const files = settings.tls ?? {};
      return tuneSocket(
        tls.connect({
          host: endpoint.host,
          port: endpoint.port,
          ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
          ...files,
        }),
      );
    }
    return tuneSocket(net.createConnection({ host: endpoint.host, port: endpoint.port }));
  }, options);

  client.on('reconnect', () => {
    // Read by mqtt.js when it schedules the next attempt and when it builds CONNECT.
    client.options.reconnectPeriod = backoff.next();
    if (settings.will) client.options.will = settings.will();
  });
  client.on('connect', () => {
    reachedSinceLastAttempt = true;
    backoff.reset();
    client.options.reconnectPeriod = backoff.next();
    settings.log.debug({ url: settings.url, clientId: settings.clientId }, 'mqtt connected');
  });
  client.on('offline', () =>
    settings.log.warn({ url: settings.url, clientId: settings.clientId }, 'mqtt connection lost; reconnecting with backoff'),
  );
  client.on('error', (err) => settings.log.warn({ url: settings.url, clientId: settings.clientId, err: err.message }, 'mqtt error'));
  client.connect();
  return client;
}

/**
 * Resolves once connected, rejects after `ms`. Later reconnects are handled by the client.
 * `connected`: whether the connect event was emitted already (mqtt.js sets `client.connected` a store flush before it).
 */
export function waitForConnect(client: MqttClient, ms: number, connected: () => boolean = () => client.connected): Promise<void> {
  if (connected()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('connect', onConnect);
      reject(new Error(`could not connect to the MQTT broker within ${ms} ms`));
    }, ms);
    const onConnect = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('connect', onConnect);
  });
}

/**
 * Closes the connection. A clean close waits for in-flight QoS 1 acknowledgements, which never come
 * while the broker is unreachable: after `graceMs` the close is forced.
 */
export function endMqtt(client: MqttClient, force = false, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => client.end(true, {}, () => resolve()), graceMs);
    client.end(force, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface BrokerEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}

/** mqtt://host[:1883] or mqtts://host[:8883]; credentials in the URL are accepted but better kept in config. */
/**
 * Several brokers of one cluster, written as one setting: `mqtt://a:1883,mqtt://b:1883`. A client
 * stays on the broker it reached and moves to the next one when an attempt fails.
 */
export function brokerUrls(urls: string): string[] {
  return urls.split(/,(?=\s*mqtts?:\/\/)/).map((u) => u.trim());
}

export function parseBrokerUrl(url: string): BrokerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`broker URL "${url}" is not a URL; expected mqtt://host:port`);
  }
  const secure = parsed.protocol === 'mqtts:';
  if (parsed.protocol !== 'mqtt:' && !secure) throw new Error(`broker URL "${url}": only mqtt:// and mqtts:// are supported`);
  const port = parsed.port ? Number(parsed.port) : secure ? 8883 : 1883;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls: secure,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}
