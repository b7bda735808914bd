/**
 * What the failover engine (controller/failover/failover-engine.ts) is given: how it sees the fleet, how it
 * acts on devices, and where its decisions go. Kept apart so the engine file holds only the decisions.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CommandResult, DeviceRef, DeviceStatus, Params, SlotState } from '../../protocols/schemas.ts';
import type { NewEvent } from '../../protocols/events.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { FleetView } from '../fleet/fleet.ts';

/** What the engine and the program path record: events about a slot, dated on the engine's clock (one transition, one reading). */
export type FailoverEvent = NewEvent & { slot: string };

/**
 * What the engine asks of the program path (failover/program-path.ts): declared here, by the consumer, so
 * the engine and the program path do not import each other.
 */
export interface ProgramSwitch {
  follow(def: SlotDefinition, from: DeviceRef | null, to: DeviceRef, by: string, decidedAt: number): void;
  showsOnProgram(def: SlotDefinition, member: DeviceRef): boolean | undefined;
  reconcile(def: SlotDefinition, live: DeviceRef, failed: (ref: DeviceRef) => boolean): void;
}

export interface FailoverDependencies {
  clock: Clock;
  log: Logger;
  status: (ref: DeviceRef) => DeviceStatus;
  /** Its agent has been heard live since the controller last (re)connected: a command can reach it. */
  reachable: (ref: DeviceRef) => boolean;
  fleet: () => FleetView;
  activate: (ref: DeviceRef, params: Params, issuedBy: string, timeoutMs: number) => Promise<CommandResult>;
  /** Fire-and-forget: put the device that was replaced in standby (mic muted, light dimmed). */
  standby: (ref: DeviceRef, issuedBy: string) => void;
  /** Fire-and-forget: switch a tally lamp on a GPIO board. */
  tally: (board: DeviceRef, tally: string, on: boolean, issuedBy: string) => void;
  record: (event: FailoverEvent) => void;
  publish: (state: SlotState) => void;
  /** A slot was removed: clear its retained state. */
  unpublish: (slotId: string) => void;
  saveActive: (slot: string, active: DeviceRef | null) => void;
  activateTimeoutMs: number;
  /** Carries a failover on air to the program switcher (the engine decides; it only cuts). */
  program?: ProgramSwitch;
}
