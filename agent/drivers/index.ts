import { catalogEntry, driverCatalog, type DriverCatalog } from '../driver.ts';
import { createSimulatedDriver } from './simulated.ts';

/** Every driver the agent ships with. */
export function builtInDrivers(): DriverCatalog {
  return driverCatalog([catalogEntry(createSimulatedDriver())]);
}
