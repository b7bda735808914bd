/** Every driver OnAir ships, as facts: what each accepts and reports (no driver code loads from here). */
import type { TSchema } from '@sinclair/typebox';
import { atemSpec } from './atem.ts';
import { dmxSpec } from './dmx.ts';
import { firmataSpec } from './firmata.ts';
import { obsSpec } from './obs.ts';
import { onvifSpec } from './onvif.ts';
import { shureSpec } from './shure.ts';
import { simulatedSpec } from './simulated.ts';
import type { DriverSpec } from './spec.ts';
import { viscaSpec } from './visca.ts';

export const DRIVER_SPECS: ReadonlyMap<string, DriverSpec<TSchema>> = new Map(
  [simulatedSpec, viscaSpec, shureSpec, dmxSpec, onvifSpec, firmataSpec, obsSpec, atemSpec].map((s) => [s.name, s as DriverSpec<TSchema>]),
);

export const DRIVER_NAMES = [...DRIVER_SPECS.keys()];
