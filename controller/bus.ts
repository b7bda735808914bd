/**
 * How the controller reaches MQTT. With the embedded broker it sits in the broker's process and
 * takes messages straight from aedes (no loopback TCP, no second encode/parse: measured at about
 * a third of the controller's CPU per health message). With an external broker (Mosquitto, EMQX)
 * it is an ordinary mqtt.js client.
 */
import type { MqttClient } from 'mqtt';
import { endMqtt } from '../lib/mqtt-connection.ts';

export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

export interface Bus {
  publish(topic: string, payload: Buffer, options: PublishOptions): void;
  /** Also delivers the retained messages that match, as an MQTT subscription does [MQTT-3.3.1-6]. */
  subscribe(filters: string[], qos: 0 | 1): void;
  onMessage(handler: (topic: string, payload: Buffer) => void): void;
  /** Called on every (re)connect: the place to subscribe and republish state. */
  onConnect(handler: () => void): void;
  readonly connected: boolean;
  close(): Promise<void>;
}

export function mqttBus(client: MqttClient): Bus {
  return {
    publish: (topic, payload, options) => void client.publish(topic, payload, options),
    subscribe: (filters, qos) => void client.subscribe(filters, { qos }),
    onMessage: (handler) => void client.on('message', (topic, payload) => handler(topic, payload)),
    onConnect: (handler) => void client.on('connect', handler),
    get connected() {
      return client.connected;
    },
    close: () => endMqtt(client),
  };
}
