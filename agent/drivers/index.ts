/**
 * Every driver the agent ships with, filed under its name (the keys of protocols/drivers/index.ts:
 * the compiler names a driver left out). Each real driver is `agent/drivers/<name>/driver.ts` and
 * loads when the first device using it connects, so an agent carries only the libraries it uses.
 */
import type { TSchema } from '@sinclair/typebox';
import { catalogEntry, driverCatalog, lazyCatalogEntry, type CatalogDriver, type DriverCatalog, type DriverDefinition } from '../driver.ts';
import { driverSpecs, type DriverName } from '../../protocols/drivers/index.ts';
import type { DriverSpec } from '../../protocols/drivers/spec.ts';
import { createSimulatedDriver } from './simulated/driver.ts';

/** A driver loaded on first use; its code must take the options its spec declares. */
const onFirstUse = <S extends TSchema>(spec: DriverSpec<S>, load: () => Promise<DriverDefinition<S>>): CatalogDriver =>
  lazyCatalogEntry({ ...spec, load });

export function builtInDrivers(): DriverCatalog {
  const drivers = {
    simulated: catalogEntry(createSimulatedDriver()),
    visca: onFirstUse(driverSpecs.visca, async () => (await import('./visca/driver.ts')).createViscaDriver()),
    shure: onFirstUse(driverSpecs.shure, async () => (await import('./shure/driver.ts')).createShureDriver()),
    dmx: onFirstUse(driverSpecs.dmx, async () => (await import('./dmx/driver.ts')).createDmxDriver()),
    onvif: onFirstUse(driverSpecs.onvif, async () => (await import('./onvif/driver.ts')).createOnvifDriver()),
    firmata: onFirstUse(driverSpecs.firmata, async () => (await import('./firmata/driver.ts')).createFirmataDriver()),
    obs: onFirstUse(driverSpecs.obs, async () => (await import('./obs/driver.ts')).createObsDriver()),
    atem: onFirstUse(driverSpecs.atem, async () => (await import('./atem/driver.ts')).createAtemDriver()),
    stream: onFirstUse(driverSpecs.stream, async () => (await import('./stream/driver.ts')).createStreamDriver()),
  } satisfies Record<DriverName, CatalogDriver>;
  return driverCatalog(Object.values(drivers));
}
