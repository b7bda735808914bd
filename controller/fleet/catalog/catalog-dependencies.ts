/**
 * What the catalog (catalog.ts) is given by the controller's wiring, and what it asks of the slots as
 * they run. Its parts (profiles, device registrations, slot definitions, agent configs) each take the
 * slice of it they use.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import type { TrackingThresholds } from '../../../protocols/failure-detection.ts';
import type { DesiredConfig } from '../../../protocols/device-config.ts';
import type { SlotDefinition } from '../../../protocols/registry-operations.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import type { DeviceRef, DeviceStatus } from '../../../protocols/schemas.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { CatalogStore } from '../../store/catalog-store.ts';

export interface CatalogDependencies {
  store: CatalogStore;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  publishDesired: (agent: string, config: DesiredConfig) => void;
  /** The controller's own detection thresholds, handed to agents that fail slots over alone. */
  detection?: TrackingThresholds;
  /** Shows not over: their quiet windows go to agents that fail slots over alone (LocalSlot.content). */
  activeShows?: () => readonly Show[];
  status: (ref: DeviceRef) => DeviceStatus;
  /** A device's names for the status answer, at registration (undefined: unregistered). */
  named?: (ref: DeviceRef, names: { label?: string; model?: string; studio?: string } | undefined) => void;
  /** The device was unregistered: forget its state (registry and store). */
  forgetDevice: (ref: DeviceRef) => void;
  /** The slots as they run (the failover engine). */
  slots: CatalogSlots;
  /** Why this slot may not be removed now (on air, or a show needs it), or undefined. */
  removalBlocked: (id: string) => string | undefined;
}

/** What the catalog asks of the slots as they run: declared here, by the catalog; the failover engine implements it. */
export interface CatalogSlots {
  /** Throws why the slot cannot be changed now (it is failing over). */
  assertDefinable(id: string): void;
  definition(id: string): SlotDefinition | undefined;
  defineSlot(slot: SlotDefinition): void;
  removeSlot(id: string): boolean;
  slotsOf(ref: DeviceRef): string[];
}
