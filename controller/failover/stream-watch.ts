/**
 * What viewers of a show's stream went through: while a show with a stream slot is on air, the
 * health of the slot's live encoder says whether the stream runs, reconnects, stopped or went
 * offline, and how many frames it dropped. Each change of that state is one `stream.state` event
 * (written on change only, never per health message), so a report can count reconnects and outages
 * from the event log; the frames dropped so far ride on each event and on the one that closes the show.
 *
 * A stream counts from the first reading that shows it running: before that it has not started,
 * which the stream.changed alarm at air time covers, not an outage.
 */
import type { Clock } from '../../lib/clock.ts';
import type { DeviceHealth, DeviceRef } from '../../protocols/schemas.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { deviceKey, refName } from '../../protocols/device-ref.ts';

export type StreamCondition = 'streaming' | 'reconnecting' | 'stopped' | 'offline';

export interface StreamWatchDependencies {
  clock: Clock;
  record: (event: NewEvent) => void;
  /** The live member of a slot now. */
  live: (slot: string) => DeviceRef | null;
  /** The last stream.state of a show already on air when the controller (re)started, to carry on from. */
  resumed: (show: string) => { condition: StreamCondition | 'starting'; framesDropped: number } | undefined;
}

interface Watch {
  show: string;
  slot: string;
  condition: StreamCondition | 'starting';
  framesDropped: number;
  /** Each encoder's own counter at its last reading: frames are counted as differences. */
  counters: Map<string, number>;
  /** Resumed after a restart: an encoder's first reading is a baseline, its frames were counted before. */
  resumed: boolean;
}

const conditionOf = (health: DeviceHealth): StreamCondition => {
  if (health.status === 'offline') return 'offline';
  if (health.metrics.streaming !== true) return 'stopped';
  return health.metrics.streamReconnecting === true ? 'reconnecting' : 'streaming';
};

export class StreamWatch {
  private readonly watches = new Map<string, Watch>();
  /** Each encoder's last health (devices that report a stream): a backup that becomes live is judged at once. */
  private readonly seen = new Map<string, DeviceHealth>();

  constructor(private readonly d: StreamWatchDependencies) {}

  /** The shows on air now (after any start or stop): new ones are watched, ended ones closed. */
  sync(onAir: ReadonlyArray<{ id: string; stream?: string }>): void {
    const current = new Set<string>();
    for (const show of onAir) {
      if (!show.stream) continue;
      current.add(show.id);
      if (this.watches.has(show.id)) continue;
      const before = this.d.resumed(show.id);
      this.watches.set(show.id, {
        show: show.id,
        slot: show.stream,
        condition: before?.condition ?? 'starting',
        framesDropped: before?.framesDropped ?? 0,
        counters: new Map(),
        resumed: before !== undefined,
      });
    }
    for (const [id, w] of this.watches) {
      if (current.has(id)) continue;
      this.watches.delete(id);
      this.d.record({
        type: 'stream.state',
        ts: this.d.clock.now(),
        slot: w.slot,
        reason: `show ${id} ended`,
        data: { show: id, condition: 'ended', from: w.condition, framesDropped: w.framesDropped },
      });
    }
  }

  /** A health message: O(shows on air with a stream), which is a handful. */
  onHealth(agent: string, device: string, health: DeviceHealth): void {
    const key = deviceKey(agent, device);
    if (typeof health.metrics.streaming === 'boolean' || (health.status === 'offline' && this.seen.has(key))) this.seen.set(key, health);
    for (const w of this.watches.values()) {
      const live = this.d.live(w.slot);
      if (live && live.agent === agent && live.device === device) this.observe(w, agent, device, health);
    }
  }

  /**
   * A stream slot's live member changed (a failover): the new one is judged by its last health now —
   * an encoder already streaming publishes nothing new until its next health interval. Its frames
   * dropped before it went live were not what viewers saw: its counter starts from there.
   */
  liveChanged(slot: string): void {
    for (const w of this.watches.values()) {
      const live = w.slot === slot ? this.d.live(slot) : null;
      const health = live && this.seen.get(refName(live));
      if (!live || !health) continue;
      const dropped = health.metrics.streamDroppedFrames;
      if (typeof dropped === 'number') w.counters.set(refName(live), dropped);
      this.observe(w, live.agent, live.device, health);
    }
  }

  private observe(w: Watch, agent: string, device: string, health: DeviceHealth): void {
    this.count(w, deviceKey(agent, device), health.metrics.streamDroppedFrames);
    const condition = conditionOf(health);
    // Before the stream first runs nothing is an outage; a reconnect means it ran (OBS reconnects active outputs only).
    if (condition === w.condition || (w.condition === 'starting' && condition !== 'streaming' && condition !== 'reconnecting')) return;
    const from = w.condition;
    w.condition = condition;
    const detail = health.checks.find((c) => c.status !== 'ok')?.detail;
    this.d.record({
      type: 'stream.state',
      ts: this.d.clock.now(),
      slot: w.slot,
      agent,
      device,
      reason: condition === 'streaming' ? 'the stream runs' : `the stream is ${condition}${detail ? `: ${detail}` : ''}`,
      data: { show: w.show, condition, from, framesDropped: w.framesDropped },
    });
  }

  private count(w: Watch, encoder: string, reading: unknown): void {
    if (typeof reading !== 'number' || reading < 0) return;
    const before = w.counters.get(encoder);
    w.counters.set(encoder, reading);
    if (before === undefined) {
      if (!w.resumed) w.framesDropped += reading; // its output started for this show: all of them count
      return;
    }
    // OBS restarts an output's counters when the output starts again.
    w.framesDropped += reading >= before ? reading - before : reading;
  }
}
