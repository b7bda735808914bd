/**
 * A small typed event emitter (as zigbee2mqtt's event bus): each event name has one listener
 * signature, checked at compile time, and `on` hands back the way to stop listening. Listeners run
 * in the order they subscribed, synchronously, inside `emit`: an emitter adds no queue and no delay,
 * so a listener sees an event exactly when the code that emits it would have called it directly. A
 * listener's exception reaches the emitter's caller, as a direct call's would.
 */
/** Each event's listener signature (an interface of them will do: no index signature needed). */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => void };

export class TypedEmitter<Events extends EventMap<Events>> {
  private readonly listeners: { [E in keyof Events]?: Array<Events[E]> } = {};

  /** Returns the unsubscribe. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const list = (this.listeners[event] ??= []);
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const list = this.listeners[event];
    if (!list) return;
    // A copy: a listener that unsubscribes (or subscribes) while the event is delivered changes the next event, not this one.
    for (const listener of [...list]) (listener as (...a: Parameters<Events[E]>) => void)(...args);
  }

  listenerCount(event: keyof Events): number {
    return this.listeners[event]?.length ?? 0;
  }
}
