/** A short-lived MQTT client that sends one controller request and waits for its response. */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../lib/logger.ts';
import { connectMqtt, endMqtt, parseBrokerUrl, waitForConnect } from '../lib/mqtt-connection.ts';
import { responseCodec } from '../protocols/codec.ts';
import { requestTopic, responseTopic, userRequestTopic, type OperationData, type OperationName, type OperationParams } from '../protocols/contract.ts';

export class UserError extends Error {
  override name = 'UserError';
}

export interface RequestOptions {
  broker: string;
  timeoutMs: number;
  issuedBy: string;
  /** A login (else the one in the broker URL, if any): requests then go under users/{user}/. */
  user?: string;
  password?: string;
}

/** Options every command that talks to the controller takes. */
export interface ClientOpts {
  broker: string;
  timeout?: number;
  json?: boolean;
}

/** Who is asking, as recorded in the audit log: user@host. */
export const requestOptions = (o: ClientOpts): RequestOptions => ({ broker: o.broker, timeoutMs: o.timeout ?? 5_000, issuedBy: `${os.userInfo().username}@${os.hostname()}` });

export async function withController<T>(options: RequestOptions, work: (client: MqttClient) => Promise<T>): Promise<T> {
  const client = connectMqtt({
    url: options.broker,
    clientId: `onair-cli-${randomUUID().slice(0, 8)}`,
    ...(options.user !== undefined ? { username: options.user, password: options.password ?? '' } : {}),
    log: silentLogger(),
    reconnect: { initialMs: 200, maxMs: 1000 },
  });
  try {
    await waitForConnect(client, Math.min(options.timeoutMs, 5_000)).catch(() => {
      throw new UserError(`cannot reach the OnAir broker at ${options.broker} (is "onair controller" running? set --broker or ONAIR_BROKER)`);
    });
    return await work(client);
  } finally {
    await endMqtt(client, true);
  }
}

export async function request<O extends OperationName>(client: MqttClient, op: O, params: OperationParams<O>, options: RequestOptions): Promise<OperationData<O>> {
  const transaction = randomUUID();
  const codec = responseCodec(op);
  await client.subscribeAsync(responseTopic(op), { qos: 1 });
  return new Promise<OperationData<O>>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new UserError(`the controller did not answer "${op}" within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onMessage = (t: string, payload: Buffer): void => {
      if (t !== responseTopic(op)) return;
      const decoded = codec.decode(payload);
      if (!decoded.ok) return;
      const response = decoded.value as { transaction: string; status: 'ok' | 'error'; data?: OperationData<O>; error?: string };
      if (response.transaction !== transaction) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      if (response.status === 'ok') resolve(response.data as OperationData<O>);
      else reject(new UserError(response.error ?? 'request failed'));
    };
    client.on('message', onMessage);
    const user = options.user ?? parseBrokerUrl(options.broker).username;
    client.publish(user ? userRequestTopic(user, op) : requestTopic(op), JSON.stringify({ transaction, issuedBy: options.issuedBy, params }), { qos: 1 });
  });
}
