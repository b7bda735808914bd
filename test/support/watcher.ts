/**
 * A plain MQTT client watching OnAir the way a dashboard (Node-RED, Companion) would: every event,
 * every slot update, every health message. It reconnects by itself across broker and controller
 * restarts, and keeps what it saw so a test can count failovers, find lost or duplicated events,
 * and compare the live member it saw with the controller's and the store's.
 */
import { testClientId } from './rig.ts';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../../lib/logger.ts';
import { connectMqtt, endMqtt, waitForConnect } from '../../lib/mqtt-connection.ts';
import { waitBudget } from './waits.ts';
import { codecs } from '../../protocols/codec.ts';
import { ROOT, topic } from '../../protocols/contract.ts';
import type { SlotState } from '../../protocols/schemas.ts';
import { eventsOf, type ControllerEvent, type EventOf, type EventTypeName } from '../../protocols/events.ts';

export class Watcher {
  readonly events: ControllerEvent[] = [];
  readonly slots = new Map<string, SlotState>();
  readonly slotUpdates: SlotState[] = [];
  /** Periods the watcher was connected: events outside them cannot have reached it. */
  readonly connectedSpans: Array<{ from: number; to?: number }> = [];
  private client!: MqttClient;

  private constructor() {}

  static async start(url: string, timeoutMs = 60_000): Promise<Watcher> {
    const w = new Watcher();
    w.client = connectMqtt({ url, clientId: testClientId(url, 'watcher'), log: silentLogger(), reconnect: { initialMs: 50, maxMs: 500 } });
    w.client.on('connect', () => w.connectedSpans.push({ from: Date.now() }));
    w.client.on('close', () => {
      const open = w.connectedSpans.at(-1);
      if (open && open.to === undefined) open.to = Date.now();
    });
    w.client.on('message', (t, p) => w.onMessage(t, p));
    await waitForConnect(w.client, timeoutMs);
    await w.client.subscribeAsync([topic.controllerEvents(), `${ROOT}/slots/#`], { qos: 1 });
    return w;
  }

  /** Events of a type (optionally of one slot), in the order seen. */
  of<T extends EventTypeName>(type: T, slot?: string): Array<EventOf<T>> {
    return eventsOf(this.events, type).filter((e) => slot === undefined || e.slot === slot);
  }

  /** Sequence numbers seen more than once. */
  duplicates(): number[] {
    const seen = new Set<number>();
    const twice: number[] = [];
    for (const e of this.events) {
      if (seen.has(e.seq)) twice.push(e.seq);
      seen.add(e.seq);
    }
    return twice;
  }

  /** Events in the controller's log, timestamped while we were connected (with `marginMs` of slack at each edge), that never reached us. */
  missedFrom(log: ControllerEvent[], marginMs = 300): ControllerEvent[] {
    const seen = new Set(this.events.map((e) => e.seq));
    const inside = (ts: number) => this.connectedSpans.some((s) => ts > s.from + marginMs && ts < (s.to ?? Infinity) - marginMs);
    return log.filter((e) => !seen.has(e.seq) && inside(e.ts) && e.type !== 'controller.started');
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    timeoutMs = waitBudget(timeoutMs); // a timeout only ends a hang (waits.ts)
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(): Promise<void> {
    return endMqtt(this.client, true);
  }

  private onMessage(mqttTopic: string, payload: Buffer): void {
    if (mqttTopic === topic.controllerEvents()) {
      const e = codecs.controllerEvents.decode(payload);
      if (e.ok) this.events.push(e.value);
    } else if (mqttTopic.startsWith(`${ROOT}/slots/`) && payload.length > 0) {
      const s = codecs.slot.decode(payload);
      if (s.ok) {
        this.slots.set(s.value.slot, s.value);
        this.slotUpdates.push(s.value);
      }
    }
  }
}
