/**
 * How the controller reaches MQTT. With the embedded broker it sits in the broker's process and
 * takes messages straight from aedes (no loopback TCP, no second encode/parse: measured at about
 * a third of the controller's CPU per health message). With an external broker (Mosquitto, EMQX)
 * it is an ordinary mqtt.js client — one whose link can drop, and whose broker can restart.
 */
import type { MqttClient } from 'mqtt';
import { endMqtt } from '../../lib/mqtt-connection.ts';
import { ROOT } from '../../protocols/contract.ts';

export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

/** `retained`: a copy the broker replayed on subscribe, not a live publish (it proves nothing about now). */
export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

export interface Bus {
  /** Nothing is queued while disconnected: what must outlive an outage is republished on connect. */
  publish(topic: string, payload: Buffer, options: PublishOptions): void;
  /** Also delivers the retained messages that match, as an MQTT subscription does [MQTT-3.3.1-6]. */
  subscribe(filters: string[], qos: 0 | 1): void;
  onMessage(handler: MessageHandler): void;
  /** Called on every (re)connect: the place to subscribe and republish state. */
  onConnect(handler: () => void): void;
  onDisconnect(handler: () => void): void;
  /**
   * Resolves true once the broker has acknowledged a message sent now, false if it does not within
   * `timeoutMs` or the link drops: proof that what we just heard (a burst of wills) came over a live link.
   */
  roundTrip(timeoutMs: number): Promise<boolean>;
  /** Drops the connection and connects again (a link that stopped answering). */
  reconnect(): void;
  readonly connected: boolean;
  /** The broker runs in this process: the link cannot drop on its own. */
  readonly inProcess: boolean;
  close(): Promise<void>;
}

/** A topic nobody subscribes to: the controller's round trips to its broker. */
export const LINK_CHECK_TOPIC = `${ROOT}/controller/link-check`;

/**
 * `connectedAlready`: the client connected before its handlers were given (dialled ahead,
 * controller/broker/broker-link.ts dialBroker): each connect handler also runs once now, on a microtask, as
 * it would have on that connect.
 */
export function mqttBus(client: MqttClient, o: { connectedAlready?: boolean } = {}): Bus {
  return {
    publish: (topic, payload, options) => {
      // mqtt.js would queue it and send it after a reconnect: a command late by seconds is worse than none.
      if (client.connected) client.publish(topic, payload, options);
    },
    subscribe: (filters, qos) => void client.subscribe(filters, { qos }),
    onMessage: (handler) => void client.on('message', (topic, payload, packet) => handler(topic, payload, packet.retain)),
    onConnect: (handler) => {
      client.on('connect', handler);
      if (o.connectedAlready) queueMicrotask(() => client.connected && handler());
    },
    onDisconnect: (handler) => void client.on('close', handler),
    roundTrip: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (!client.connected) return resolve(false);
        const finish = (ok: boolean): void => {
          clearTimeout(timer);
          client.off('close', onClose);
          resolve(ok);
        };
        const onClose = (): void => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        client.once('close', onClose);
        client.publish(LINK_CHECK_TOPIC, Buffer.alloc(0), { qos: 1, retain: false }, (err) => finish(!err));
      }),
    reconnect: () => {
      client.stream?.destroy();
    },
    get connected() {
      return client.connected;
    },
    inProcess: false,
    // Not connected (a broker down since the start): nothing in flight to wait for, so no 2 s grace.
    close: () => endMqtt(client, !client.connected),
  };
}
