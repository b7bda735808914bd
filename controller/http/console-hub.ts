/**
 * The controller's side of the engineer's console, kept out of the controller itself: the open
 * pages' sessions and live feed, each device's health history (the last hour in memory; with the
 * store's samples, days of it), and the operations the console adds (`device.health`,
 * `device.history`, `alarm.ack`).
 */
import type { Clock } from '../../lib/clock.ts';
import { isAcknowledgeable } from '../../protocols/event-severity.ts';
import { eventsOf } from '../../protocols/events.ts';
import type { DeviceHealth, StatusData } from '../../protocols/schemas.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import { ConsoleSessions } from './console-sessions.ts';
import { HealthHistory } from '../fleet/health-history.ts';
import { deviceHistory, type DeviceHistoryDependencies } from './device-history.ts';
import { LiveFeed } from './live-feed.ts';
import type { Handlers } from '../requests.ts';
import type { History } from '../store/history.ts';
import type { SessionRows } from '../store/session-rows.ts';
import type { Logger } from '../../lib/logger.ts';

export interface ConsoleHubDependencies {
  clock: Clock;
  status(): StatusData;
  /** The event log read back (bounded, asynchronous). */
  history: Pick<History, 'event' | 'events'>;
  record(event: NewEvent): ControllerEvent;
  /** The shared store's sessions table: logins survive a restart and a takeover. */
  sessionRows?: SessionRows | undefined;
  log?: Logger | undefined;
  /** The store's metric samples (controller-face.ts healthSamples): without them, history is the last hour in memory. */
  healthSamples?: DeviceHistoryDependencies['samples'] | undefined;
}

export class ConsoleHub {
  readonly sessions: ConsoleSessions;
  readonly feed: LiveFeed;
  readonly history: HealthHistory;
  /** Saves the samples of devices that stopped reporting once their interval is over. */
  private readonly saver: NodeJS.Timeout | undefined;

  constructor(private readonly d: ConsoleHubDependencies) {
    this.sessions = new ConsoleSessions({ clock: d.clock, rows: d.sessionRows, log: d.log });
    this.feed = new LiveFeed({ status: d.status });
    const samples = d.healthSamples;
    this.history = new HealthHistory(samples ? { persist: { sampleMs: samples.sampleMs, save: (s) => samples.store.save(s) } } : {});
    if (samples) (this.saver = setInterval(() => this.history.saveEnded(d.clock.now()), samples.sampleMs)).unref();
  }

  /** Every stored event: to the open pages; a person's identity changed ends their sessions. */
  onEvent(event: ControllerEvent): void {
    this.feed.onEvent(event);
    if (event.type === 'identity.changed' && event.data.kind === 'user' && typeof event.data.name === 'string') {
      this.sessions.endFor(event.data.name);
      this.feed.endFor(event.data.name);
    }
  }

  noteHealth(agent: string, device: string, health: DeviceHealth): void {
    this.history.note(agent, device, health, this.d.clock.now());
  }

  /** The live feed ends; the samples being filled are saved (the store closes after this side). */
  close(): void {
    clearInterval(this.saver);
    this.history.saveEnded();
    this.feed.close();
  }

  handlers(): Pick<Handlers, 'device.health' | 'device.history' | 'alarm.ack'> {
    return {
      'device.health': (p) => this.history.view(p.agent, p.device, this.d.clock.now()),
      'device.history': (p) =>
        deviceHistory(p, { clock: this.d.clock, events: this.d.history, memory: this.history, samples: this.d.healthSamples }),
      'alarm.ack': async (p, by) => {
        const alarm = await this.d.history.event(p.seq);
        if (!alarm) throw new Error(`no event #${p.seq}`);
        if (!isAcknowledgeable(alarm)) throw new Error(`event #${p.seq} (${alarm.type}) is not an alarm to acknowledge`);
        const earlier = eventsOf(await this.d.history.events({ type: 'alarm.acked', limit: 10_000 }), 'alarm.acked').find(
          (e) => e.data.seq === p.seq,
        );
        if (earlier) throw new Error(`alarm #${p.seq} was acknowledged by ${earlier.by ?? 'someone'} already`);
        const { slot, device, agent } = alarm;
        const acked = this.d.record({
          type: 'alarm.acked',
          ts: this.d.clock.now(),
          by,
          ...(slot ? { slot } : {}),
          ...(agent ? { agent } : {}),
          ...(device ? { device } : {}),
          ...(p.note ? { reason: p.note } : {}),
          data: { seq: p.seq, alarm: alarm.reason ?? alarm.type },
        });
        return { seq: p.seq, ackSeq: acked.seq };
      },
    };
  }
}
