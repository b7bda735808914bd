/**
 * Client-id takeovers (issue 20, point 1), tried as a plain MQTT client would: a login connects with
 * another identity's client id, with a persistent session (`clean: false`), and we see whether the
 * broker let it in, whether it got the victim's session, and whether the victim was closed.
 */
import net from 'node:net';
import { MqttClient, connect, type IClientOptions } from 'mqtt';

/** A connection from a chosen local address (127.0.0.2 is loopback too on Linux): another source for the broker. */
export function clientFrom(localAddress: string, port: number, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = new MqttClient(() => net.createConnection({ host: '127.0.0.1', port, localAddress }), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => (client.end(true), reject(err)));
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** A victim: a live client with a persistent session, a subscription and a will. */
export interface Victim {
  id: string;
  client: MqttClient;
  closed: boolean;
  received: string[];
}

export async function victim(url: string, id: string, o: { subscribe: string; will: { topic: string; payload: string } }): Promise<Victim> {
  // Listeners first: a resumed session's queued messages come right after the CONNACK, before a
  // connectAsync's continuation could attach them (a queued answer was missed 1 run in 3).
  const client = connect(url, {
    clientId: id,
    clean: false,
    reconnectPeriod: 0,
    protocolVersion: 4,
    will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: false },
  });
  const v: Victim = { id, client, closed: false, received: [] };
  client.on('message', (t, p) => v.received.push(`${t} ${p.toString()}`));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error(`${id}: closed before its CONNACK`)));
  });
  client.on('close', () => (v.closed = true));
  await client.subscribeAsync(o.subscribe, { qos: 1 });
  return v;
}

export type Attempt = { refused: string } | { refused: false; sessionPresent: boolean; client: MqttClient; received: string[] };

/** One takeover try: `url` carries the taker's login; the client id is the victim's; clean: false. */
export async function attempt(url: string, clientId: string): Promise<Attempt> {
  try {
    // Listening before the CONNACK: a stored session's queued messages follow it at once, and a taker
    // that got any must be seen to.
    const client = connect(url, { clientId, clean: false, reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 10_000 });
    const received: string[] = [];
    client.on('message', (t, p) => received.push(`${t} ${p.toString()}`));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => (client.end(true), reject(err)));
      client.once('close', () => reject(new Error('connection closed before its CONNACK')));
    });
    // The CONNACK's session-present flag [MQTT-3.2.2-2]: set only if the broker resumed a stored session.
    const sessionPresent = (client as unknown as { connackPacket?: { sessionPresent?: boolean } }).connackPacket?.sessionPresent === true;
    return { refused: false, sessionPresent, client, received };
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

/** The takers of the matrix: each tries every id here but its own. */
export const TAKEOVER_IDS = {
  'agent agent-a': 'onair-agent-agent-a',
  'agent agent-b': 'onair-agent-agent-b',
  'agent agent-b2': 'onair-agent-agent-b2',
  'user vic': 'onair-user-vic:panel',
  'user deck': 'onair-user-deck:flow',
  'user eve': 'onair-user-eve',
  controller: 'onair-controller',
} as const;
export type Owner = keyof typeof TAKEOVER_IDS;

/** Every (taker, id) pair: a viewer, an agent and a tool each trying every other identity's id; and agent-b2 trying agent-b's. */
export function takeoverMatrix(): Array<{ taker: 'vic' | 'agent-b' | 'deck' | 'agent-b2'; owner: Owner; id: string }> {
  const self = { vic: 'user vic', 'agent-b': 'agent agent-b', deck: 'user deck' } as const;
  const rows = (['vic', 'agent-b', 'deck'] as const).flatMap((taker) =>
    (Object.entries(TAKEOVER_IDS) as Array<[Owner, string]>)
      .filter(([owner]) => owner !== self[taker])
      .map(([owner, id]) => ({ taker, owner, id })),
  );
  return [...rows, { taker: 'agent-b2', owner: 'agent agent-b', id: TAKEOVER_IDS['agent agent-b'] }];
}
