/**
 * What a Controller is given (controller/controller.ts): its config, clock and log, and the hooks a
 * caller may replace — the store it opens (PostgreSQL for a pair) and, when it leads a pair, its lead.
 */
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { LeaderInfo } from '../protocols/schemas.ts';
import type { BrokerSecrets, DialedBroker } from './broker/broker-link.ts';
import type { ControllerConfig } from './config.ts';
import type { Store, StoreHooks } from './store/store.ts';
import type { StandbyView } from './pair/standby-picture.ts';
import type { TakeoverTimeline } from './pair/takeover-timeline.ts';

/** A controller's lead over a pair (controller/pair/leadership.ts): who, which term, and whether it may still act. */
export interface LeaderView {
  info: LeaderInfo;
  fresh(): boolean;
  /** Called each time the lead is proven again after a moment it was not (what was held back may go out). */
  onFresh?(listener: () => void): void;
}

export interface ControllerDependencies {
  config: ControllerConfig;
  clock: Clock;
  log: Logger;
  /** Directory the config file is in: a relative dataDir is resolved against it. */
  baseDir?: string;
  /** Read by the caller (readControllerBrokerSecrets); without it, read here from the config. */
  brokerSecrets?: BrokerSecrets;
  /** Hook for measurements: called after each health message is handled, with its age in ms. */
  onHealthHandled?: (latencyMs: number) => void;
  /** Opens the store (PostgreSQL: controller/store/store-postgres.ts); without it, SQLite in config.dataDir. */
  openStore?: (hooks: StoreHooks) => Promise<Store>;
  /** The leader of controllers sharing a database: its term goes on every command and retained state, and nothing goes out once it is not sure it still leads. */
  leader?: LeaderView;
  /**
   * An external broker that does not answer at start: false (default), Controller.start fails after
   * 10 s (a seat gives the lead up); true, it starts anyway, not ready, and keeps trying (`onair controller` alone).
   */
  retryBrokerAtStart?: boolean;
  /** A hot standby taking the lead: hands over what it saw while standing by (called on the first connect). */
  standbyView?: () => StandbyView;
  /** A takeover's steps, from the lock to the first announcement (logged as `takeover timeline`). */
  takeover?: TakeoverTimeline;
  /** The external broker, dialled by a new leader at its term (controller/broker/broker-link.ts dialBroker). */
  dialedBroker?: DialedBroker;
}
