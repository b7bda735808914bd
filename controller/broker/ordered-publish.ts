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
 *
 * The emit releases the publish it carries, never whatever is in flight when it returns: a message
 * heard only by in-process subscribers (the controller hearing an agent's health) completes inside
 * its own emit, which starts the next publish (a slot state the controller made from it) before
 * `emit` returns. Releasing "the one in flight" then released that slot state while it was still
 * being stored, the event queued behind it was emitted first, and a client on slots + events lost
 * every slot state made that way: half of them during failovers (issue 20 point 17).
 * An emit that still goes backwards is logged (and counted): aedes drops it for some clients.
 */
import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Logger } from '../../lib/logger.ts';

type Done = (error?: Error) => void;
interface Pending {
  packet: PublishPacket;
  client: Client | null;
  done: Done | undefined;
}
interface Emitter {
  emit(packet: { topic: string; brokerCounter?: number }, cb?: (err?: Error) => void): unknown;
}

export interface PublishOrder {
  /** Emits whose counter was not above the previous one's (aedes drops those for clients that got the newer one). */
  readonly overtaken: number;
}

export function orderPublishes(broker: Aedes, log: Logger): PublishOrder {
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

  let lastCounter = 0;
  const order = { overtaken: 0 };
  mq.emit = (packet, cb) => {
    const counter = packet.brokerCounter ?? 0;
    if (counter <= lastCounter) {
      order.overtaken += 1;
      // The first, then one line per thousand: a broken order would otherwise log every message.
      if (order.overtaken % 1_000 === 1)
        log.warn(
          { topic: packet.topic, counter, after: lastCounter, overtaken: order.overtaken },
          'an MQTT message was emitted after a newer one: clients that got the newer one will not get it',
        );
    }
    lastCounter = Math.max(lastCounter, counter);
    // Only one publish is in flight, so this emit is its. Its completion may run inside `emit` and
    // start the next publish: that one must stay in flight until its own emit.
    const emitting = inFlight;
    const result = emit(packet, cb); // every subscriber's handler has run (mqemitter calls them synchronously)
    if (emitting) release(emitting);
    return result;
  };

  (broker as unknown as { publish: (packet: PublishPacket, client: Client | Done | null, done?: Done) => void }).publish = (
    packet,
    client,
    done,
  ) => {
    const callback = typeof client === 'function' ? client : done;
    queue.push({ packet, client: typeof client === 'function' ? null : client, done: callback });
    drain();
  };
  return order;
}
