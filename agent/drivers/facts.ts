import type { DriverFacts } from '../../protocols/profile-loader.ts';
import { builtInDrivers } from './index.ts';

/** Driver options and actions, for checking profiles against the drivers that will run them. */
export function driverFacts(): DriverFacts {
  const catalog = builtInDrivers();
  return {
    options: (driver) => catalog.get(driver)?.optionsSchema,
    actions: (driver) => catalog.get(driver)?.actions,
  };
}
