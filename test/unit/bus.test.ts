/**
 * A broker connection dialled ahead (controller/broker/broker-link.ts dialBroker: a new leader dials at its
 * term, while it loads its state) is connected before the controller gives its connect handlers:
 * they must still run once for that connect, or the new leader would never announce itself.
 */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { mqttBus } from '../../controller/broker/bus.ts';

const fakeClient = (connected: boolean): MqttClient & { connected: boolean } =>
  Object.assign(new EventEmitter(), { connected }) as unknown as MqttClient & { connected: boolean };

describe('mqttBus on a client connected before its handlers were given', () => {
  it('runs each connect handler once for that connect, after the registrations, then on every later connect', async () => {
    const client = fakeClient(true);
    const bus = mqttBus(client, { connectedAlready: true });
    const calls: string[] = [];
    bus.onConnect(() => calls.push('subscribe'));
    bus.onConnect(() => calls.push('announce'));
    expect(calls).toEqual([]); // not inside the registration: the caller finishes wiring first
    await Promise.resolve();
    expect(calls).toEqual(['subscribe', 'announce']);
    client.emit('connect', { cmd: 'connack', sessionPresent: false });
    expect(calls).toEqual(['subscribe', 'announce', 'subscribe', 'announce']);
  });

  it('does not run them for a connection lost before they could run, nor when the bus was not told it connected ahead', async () => {
    const lost = fakeClient(true);
    const calls: string[] = [];
    mqttBus(lost, { connectedAlready: true }).onConnect(() => calls.push('lost'));
    lost.connected = false;
    mqttBus(fakeClient(true)).onConnect(() => calls.push('plain'));
    await Promise.resolve();
    expect(calls).toEqual([]);
  });
});
