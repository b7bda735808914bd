import { catalogEntry, driverCatalog, lazyCatalogEntry, type DriverCatalog } from '../driver.ts';
import { atemSpec } from '../../protocols/drivers/atem.ts';
import { dmxSpec } from '../../protocols/drivers/dmx.ts';
import { firmataSpec } from '../../protocols/drivers/firmata.ts';
import { obsSpec } from '../../protocols/drivers/obs.ts';
import { onvifSpec } from '../../protocols/drivers/onvif.ts';
import { shureSpec } from '../../protocols/drivers/shure.ts';
import { viscaSpec } from '../../protocols/drivers/visca.ts';
import { createSimulatedDriver } from './simulated.ts';

/** Every driver the agent ships with; the real ones load on first use. */
export function builtInDrivers(): DriverCatalog {
  return driverCatalog([
    catalogEntry(createSimulatedDriver()),
    lazyCatalogEntry({ ...viscaSpec, load: async () => (await import('./visca/driver.ts')).createViscaDriver() }),
    lazyCatalogEntry({ ...shureSpec, load: async () => (await import('./shure/driver.ts')).createShureDriver() }),
    lazyCatalogEntry({ ...dmxSpec, load: async () => (await import('./enttec/driver.ts')).createDmxDriver() }),
    lazyCatalogEntry({ ...onvifSpec, load: async () => (await import('./onvif/driver.ts')).createOnvifDriver() }),
    lazyCatalogEntry({ ...firmataSpec, load: async () => (await import('./firmata/driver.ts')).createFirmataDriver() }),
    lazyCatalogEntry({ ...obsSpec, load: async () => (await import('./obs/driver.ts')).createObsDriver() }),
    lazyCatalogEntry({ ...atemSpec, load: async () => (await import('./atem/driver.ts')).createAtemDriver() }),
  ]);
}
