import { catalogEntry, driverCatalog, lazyCatalogEntry, type DriverCatalog } from '../driver.ts';
import { DMX_ACTIONS, DmxOptions } from './enttec/options.ts';
import { FIRMATA_ACTIONS, FirmataOptions } from './firmata/options.ts';
import { ONVIF_ACTIONS, OnvifOptions } from './onvif/options.ts';
import { SHURE_ACTIONS, ShureOptions } from './shure/options.ts';
import { createSimulatedDriver } from './simulated.ts';
import { VISCA_ACTIONS, ViscaOptions } from './visca/options.ts';

/** Every driver the agent ships with; the real ones load on first use. */
export function builtInDrivers(): DriverCatalog {
  return driverCatalog([
    catalogEntry(createSimulatedDriver()),
    lazyCatalogEntry({ name: 'visca', optionsSchema: ViscaOptions, actions: VISCA_ACTIONS, load: async () => (await import('./visca/driver.ts')).createViscaDriver() }),
    lazyCatalogEntry({ name: 'shure', optionsSchema: ShureOptions, actions: SHURE_ACTIONS, load: async () => (await import('./shure/driver.ts')).createShureDriver() }),
    lazyCatalogEntry({ name: 'dmx', optionsSchema: DmxOptions, actions: DMX_ACTIONS, load: async () => (await import('./enttec/driver.ts')).createDmxDriver() }),
    lazyCatalogEntry({ name: 'onvif', optionsSchema: OnvifOptions, actions: ONVIF_ACTIONS, load: async () => (await import('./onvif/driver.ts')).createOnvifDriver() }),
    lazyCatalogEntry({ name: 'firmata', optionsSchema: FirmataOptions, actions: FIRMATA_ACTIONS, load: async () => (await import('./firmata/driver.ts')).createFirmataDriver() }),
  ]);
}
