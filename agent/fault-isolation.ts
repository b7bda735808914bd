/**
 * A library's exception never takes the agent down. Where OnAir owns the callback (byte links, the
 * Firmata transport) it is caught there. For libraries that throw from inside their own I/O callbacks
 * (the ONVIF SOAP stack throws on a profile without a video encoder), the agent process catches what
 * escapes and, because every driver call runs in its device's async context, knows which device's
 * driver it came from: that device is failed and reconnected, every other device carries on. An
 * exception from outside any driver is a bug of the agent itself: logged, and the process exits so its
 * service manager restarts it with a clean state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../lib/logger.ts';

export interface DeviceScope {
  agent: string;
  device: string;
  /** What escaped from this device's driver. */
  fault(err: Error): void;
}

const scopes = new AsyncLocalStorage<DeviceScope>();

/** Runs a driver call (and every callback it sets up: sockets, timers, ports) as this device's. */
export function inDeviceScope<T>(scope: DeviceScope, work: () => T): T {
  return scopes.run(scope, work);
}

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

/** For the agent process: installed once, before any driver runs. */
export function isolateDriverFaults(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const handle = (what: string) => (value: unknown) => {
    const err = asError(value);
    const scope = scopes.getStore();
    if (scope) {
      log.error(
        { agent: scope.agent, device: scope.device, err: err.message, stack: err.stack },
        `a driver library ${what}; the device is failed and reconnected, the agent carries on`,
      );
      scope.fault(err);
      return;
    }
    log.fatal({ err: err.message, stack: err.stack }, `${what} outside any driver: exiting so the service manager restarts the agent`);
    exit(70); // EX_SOFTWARE
  };
  process.on('uncaughtException', handle('threw from an I/O callback'));
  process.on('unhandledRejection', handle('left a promise rejection unhandled'));
}
