/**
 * Every driver OnAir ships, as facts: what each accepts and reports (no driver code loads from here).
 * This table is the one list of drivers: `DriverName` is its keys, and the agent's drivers
 * (agent/drivers/index.ts) and the simulators (simulators/index.ts) are tables keyed by it, so the
 * compiler names a driver missing from either. Adding a driver: docs/drivers.md.
 */
import type { TSchema } from '@sinclair/typebox';
import { atemSpec } from './atem.ts';
import { dmxSpec } from './dmx.ts';
import { firmataSpec } from './firmata.ts';
import { obsSpec } from './obs.ts';
import { onvifSpec } from './onvif.ts';
import { shureSpec } from './shure.ts';
import { simulatedSpec } from './simulated.ts';
import type { DriverSpec } from './spec.ts';
import { streamSpec } from './stream.ts';
import { viscaSpec } from './visca.ts';

/** Each entry filed under its own name: a spec under another driver's key does not compile. */
const byName = <T extends { [N in keyof T]: DriverSpec<TSchema> & { name: N } }>(table: T): T => table;

export const driverSpecs = byName({
  simulated: simulatedSpec,
  visca: viscaSpec,
  shure: shureSpec,
  dmx: dmxSpec,
  onvif: onvifSpec,
  firmata: firmataSpec,
  obs: obsSpec,
  atem: atemSpec,
  stream: streamSpec,
});

export type DriverName = keyof typeof driverSpecs;

export const DRIVER_SPECS: ReadonlyMap<string, DriverSpec<TSchema>> = new Map(
  Object.entries(driverSpecs).map(([name, spec]) => [name, spec as DriverSpec<TSchema>]),
);

export const DRIVER_NAMES = Object.keys(driverSpecs) as DriverName[];
