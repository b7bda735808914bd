/**
 * The room the simulated gear stands in: a fixture's light falls on a GPIO board's light sensor. Lets
 * a self-test check what a fixture really did (the sensor reads bright at full, dark when off), as
 * it would on a real stage, with the DMX level the widget put on the wire as the fixture's output.
 */
import type { EnttecWidgetSimulator } from './dmx-widget.ts';
import type { FirmataBoardSimulator } from './firmata-board.ts';

export interface LightPath {
  widget: EnttecWidgetSimulator;
  /** The fixture's first DMX channel (its intensity). */
  address: number;
  board: FirmataBoardSimulator;
  /** Sensor readings (0-1023) in the dark and in full light. */
  dark?: number;
  lit?: number;
}

/** Keeps the sensor following the fixture; returns a function that stops it. */
export function shineOnSensor(path: LightPath): () => void {
  const dark = path.dark ?? 180;
  const lit = path.lit ?? 900;
  const timer = setInterval(() => {
    const level = path.widget.universe[path.address - 1] ?? 0;
    path.board.light = Math.round(dark + ((lit - dark) * level) / 255);
  }, 20);
  return () => clearInterval(timer);
}
