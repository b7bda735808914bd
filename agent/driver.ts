/**
 * The one interface every device driver implements. The agent owns timeouts, retries and
 * publishing; a driver only talks to its device. A driver may hang or throw: the agent's
 * DeviceRunner bounds every call with a deadline and turns failures into health.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { DeviceStatus, HealthCheck, Metrics, Params } from '../protocols/schemas.ts';
import type { Logger } from '../lib/logger.ts';
import type { DriverSpec } from '../protocols/drivers/spec.ts';
import type { KeptState } from './kept-state.ts';
import type { MediaCapableDriver } from './media/types.ts';

export interface ProbeResult {
  status: DeviceStatus;
  checks: HealthCheck[];
  metrics: Metrics;
}

export interface ActionOutcome {
  data?: Params;
}

export interface Driver {
  /** Open the connection. Called again after a failure; must be safe to repeat. */
  connect(signal: AbortSignal): Promise<void>;
  /** One health probe. Throwing means "failed" with the error as detail. */
  probe(signal: AbortSignal): Promise<ProbeResult>;
  /** Run one action; resolve on success, throw with a clear message on failure. */
  execute(action: string, params: Params, signal: AbortSignal): Promise<ActionOutcome>;
  close(): Promise<void>;
  /**
   * Where the device's own media is (ONVIF: GetStreamUri; OBS: its program's screenshots), for a
   * device whose `media.source` says `fromDriver`. Called after connect. Optional: a driver without
   * it gives no media, and the agent says so in the device's health (agent/media/with-media.ts).
   */
  mediaFeed?: MediaCapableDriver['mediaFeed'];
}

export interface DriverContext<Options> {
  deviceId: string;
  options: Options;
  log: Logger;
  /** Objects shared by this agent's devices, and outputs kept across restarts (see KeptState). */
  state: KeptState;
}

/** A driver as its author writes it: its spec (protocols/drivers/) and typed options, derived from that schema. */
export interface DriverDefinition<S extends TSchema = TSchema> extends DriverSpec<S> {
  create(context: DriverContext<Static<S>>): Driver;
}

/** A driver in the catalog, its options type erased (they are validated against optionsSchema on load). */
export interface CatalogDriver extends DriverSpec {
  create(context: DriverContext<unknown>): Driver;
}

export type DriverCatalog = ReadonlyMap<string, CatalogDriver>;

export function driverCatalog(definitions: CatalogDriver[]): DriverCatalog {
  return new Map(definitions.map((d) => [d.name, d]));
}

/**
 * The one place options lose their static type: the agent config loader has already checked
 * every device's options against `optionsSchema` (agent/config.ts), so `create` receives a Static<S>.
 */
export function catalogEntry<S extends TSchema>(definition: DriverDefinition<S>): CatalogDriver {
  return { ...definition, create: (context) => definition.create(context as DriverContext<Static<S>>) };
}

/**
 * A catalog entry whose implementation (and its libraries: johnny-five, the ONVIF SOAP stack,
 * serialport) loads when the first device using it connects, so an agent carries only what it uses.
 */
export function lazyCatalogEntry<S extends TSchema>(spec: DriverSpec<S> & { load: () => Promise<DriverDefinition<S>> }): CatalogDriver {
  let definition: Promise<DriverDefinition<S>> | undefined;
  const { load, ...facts } = spec;
  return {
    ...facts,
    create(context) {
      let driver: Driver | undefined;
      const get = async (): Promise<Driver> => (driver ??= (await (definition ??= load())).create(context as DriverContext<Static<S>>));
      return {
        connect: async (signal) => (await get()).connect(signal),
        probe: async (signal) => (await get()).probe(signal),
        execute: async (action, params, signal) => (await get()).execute(action, params, signal),
        close: async () => driver?.close(),
        // Known only once the code is loaded (after connect, when the media watch asks): a driver
        // without it answers as one with no media would, through the same message.
        mediaFeed: async (source, signal, analysis) => {
          const loaded = await get();
          if (!loaded.mediaFeed) throw new NoMediaFeedError(context.deviceId, facts.name);
          return loaded.mediaFeed(source, signal, analysis);
        },
      };
    },
  };
}

/** A device told to take its media from a driver that cannot give any. */
export class NoMediaFeedError extends Error {
  constructor(deviceId: string, driverName: string) {
    super(
      `${deviceId}: the ${driverName} driver cannot give this device's media (it has no mediaFeed); give the media source as a url instead`,
    );
    this.name = 'NoMediaFeedError';
  }
}
