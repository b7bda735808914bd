/**
 * Every driver's simulator for `onair simulate <driver>`, filed under the driver's name (the keys
 * of protocols/drivers/index.ts: the compiler names a driver left out). Each loads when asked for.
 * Files are named `<driver>-<the device it plays>.ts`.
 */
import type { DriverName } from '../protocols/drivers/index.ts';
import type { SimulatorLaunch } from './launch.ts';

export type { RunningSimulator, SimulateOptions } from './launch.ts';

type SimulatorModule = () => Promise<{ launch: SimulatorLaunch }>;

export const simulators = {
  visca: () => import('./visca-camera.ts'),
  onvif: () => import('./onvif-camera.ts'),
  shure: () => import('./shure-receiver.ts'),
  dmx: () => import('./dmx-widget.ts'),
  firmata: () => import('./firmata-board.ts'),
  obs: () => import('./obs-studio.ts'),
  atem: () => import('./atem-switcher.ts'),
  // The simulated driver's devices run inside the agent (agent/drivers/simulated/): no wire to play.
  simulated: null,
  // A stream is played by the media source simulator (simulators/media-source.ts, issue 22), started by the
  // tests and the demo with the content they need; `onair simulate stream` has no device of its own to play.
  stream: null,
} satisfies Record<DriverName, SimulatorModule | null>;

/** The drivers `onair simulate` can play, in the table's order. */
export const DRIVERS_WITH_SIMULATOR = Object.entries(simulators).flatMap(([name, load]) => (load ? [name] : []));

/** The simulator of `driver`, or undefined for a driver without one (or no driver at all). */
export function simulatorOf(driver: string): SimulatorModule | undefined {
  return Object.hasOwn(simulators, driver) ? (simulators[driver as DriverName] ?? undefined) : undefined;
}
