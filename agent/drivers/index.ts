import { catalogEntry, driverCatalog, type DriverCatalog } from '../driver.ts';
import { createDmxDriver } from './enttec/driver.ts';
import { createOnvifDriver } from './onvif/driver.ts';
import { createFirmataDriver } from './firmata/driver.ts';
import { createShureDriver } from './shure/driver.ts';
import { createSimulatedDriver } from './simulated.ts';
import { createViscaDriver } from './visca/driver.ts';

/** Every driver the agent ships with. */
export function builtInDrivers(): DriverCatalog {
  return driverCatalog([catalogEntry(createSimulatedDriver()), catalogEntry(createViscaDriver()), catalogEntry(createShureDriver()), catalogEntry(createDmxDriver()), catalogEntry(createOnvifDriver()), catalogEntry(createFirmataDriver())]);
}
