/**
 * The levels this agent has set on one DMX universe. They are the agent's state, not the widget
 * connection's: they outlive reconnects (the widget object may be closed and opened again) and agent
 * restarts (kept in the agent's driver state), and are sent again when the widget comes back. Until
 * someone sets a level, nothing is sent at all: a real DMX USB Pro keeps outputting the last frame it
 * received, and a fresh agent must not replace that with zeros.
 */
import type { KeptState } from '../../kept-state.ts';

/** [DMX512-A §8] a universe has 512 slots. */
export const UNIVERSE_SLOTS = 512;

export class UniverseLevels {
  readonly slots = new Uint8Array(UNIVERSE_SLOTS);
  /** Has anyone set a level (now or before a restart)? Only then is a frame ever sent. */
  private known = false;
  private readonly key: string;

  constructor(
    private readonly state: KeptState,
    widgetPath: string,
  ) {
    this.key = `dmx-levels:${widgetPath}`;
    const saved = state.read(this.key);
    if (Array.isArray(saved) && saved.length <= UNIVERSE_SLOTS && saved.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      this.slots.set(saved as number[]);
      this.known = true;
    }
  }

  get hasLevels(): boolean {
    return this.known;
  }

  /** Sets slots from a 1-based start address and keeps the result. */
  set(address: number, levels: readonly number[]): void {
    levels.forEach((level, i) => (this.slots[address - 1 + i] = Math.max(0, Math.min(255, Math.round(level)))));
    this.known = true;
    let last = UNIVERSE_SLOTS;
    while (last > 0 && this.slots[last - 1] === 0) last -= 1;
    this.state.write(this.key, [...this.slots.subarray(0, last)]);
  }

  channels(address: number, count: number): number[] {
    return [...this.slots.subarray(address - 1, address - 1 + count)];
  }
}
