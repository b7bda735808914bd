import { driverCatalog, type DriverCatalog, type DriverDefinition } from '../driver.ts';
import { createSimulatedDriver } from './simulated.ts';

/** Every driver the agent ships with. */
export function builtInDrivers(): DriverCatalog {
  return driverCatalog([createSimulatedDriver() as unknown as DriverDefinition]);
}
