/**
 * Makes aedes deliver messages in the order they were published.
 *
 * aedes stamps each packet with a counter when `publish()` is called, then stores a retained QoS 1
 * packet (a few promise hops) before emitting it, while a QoS 0 packet is emitted at once; and a
 * subscriber that publishes from inside a delivery (the controller turning a health message into an
 * event) emits before the rest of that delivery's subscribers are reached. Either way a newer counter
 * reaches a client first, and aedes' per-client de-duplication (`dedupe()` in lib/client.js, meant
 * for overlapping subscriptions) then drops the older message for good: a client on slots + events
 * lost most slot updates. [MQTT-4.6.0-6] asks for ordered topics; OnAir needs order across topics.
 *
 * Here one publish is in flight at a time, from `publish()` until its packet has been emitted to
 * every subscriber's queue (not until their sockets drain: a slow client never holds anyone back),
 * so counters are emitted in increasing order and nothing is dropped or overtaken.
 */
import type { Aedes, Client, PublishPacket } from 'aedes';

type Done = (error?: Error) => void;
interface Pending {
  packet: PublishPacket;
  client: Client | null;
  done: Done | undefined;
}
interface Emitter {
  emit(packet: unknown, cb?: (err?: Error) => void): unknown;
}

export function orderPublishes(broker: Aedes): void {
  // aedes' types omit the (packet, client, done) form its own protocol handlers use.
  const publish = broker.publish.bind(broker) as unknown as (packet: PublishPacket, client: Client | null, done: Done) => void;
  const mq = (broker as unknown as { mq: Emitter }).mq;
  const emit = mq.emit.bind(mq);
  const queue: Pending[] = [];
  let inFlight: Pending | undefined;
  let draining = false;

  const release = (item: Pending): void => {
    if (inFlight !== item) return;
    inFlight = undefined;
    drain();
  };

  // A loop, not recursion: thousands of queued QoS 0 messages emit synchronously one after another.
  const drain = (): void => {
    if (draining) return;
    draining = true;
    try {
      while (!inFlight && queue.length > 0) {
        const item = queue.shift()!;
        inFlight = item;
        publish(item.packet, item.client, (err) => {
          release(item); // a publish that failed before its emit (storing a retained message) must not block the rest
          item.done?.(err);
        });
      }
    } finally {
      draining = false;
    }
  };

  mq.emit = (packet, cb) => {
    const result = emit(packet, cb); // every subscriber's handler has run (mqemitter calls them synchronously)
    if (inFlight) release(inFlight);
    return result;
  };

  (broker as unknown as { publish: (packet: PublishPacket, client: Client | Done | null, done?: Done) => void }).publish = (packet, client, done) => {
    const callback = typeof client === 'function' ? client : done;
    queue.push({ packet, client: typeof client === 'function' ? null : client, done: callback });
    drain();
  };
}
