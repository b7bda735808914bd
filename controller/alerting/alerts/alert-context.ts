/**
 * What the alert engine asks the controller about the gear and the plan (the lead wires it from the
 * failover engine, the registry, the catalog and the plan in controller/controller-parts.ts). Read
 * at the moment an event is judged; every answer is the controller's picture at that moment.
 */
import type { DeviceRef, DeviceStatus } from '../../../protocols/schemas.ts';
import type { FleetView } from '../../fleet/fleet.ts';

export interface SlotMemberView {
  ref: DeviceRef;
  status: DeviceStatus;
  /** The member on air in the slot now. */
  live: boolean;
}

export interface AlertContext {
  /** Only a settled view is judged: blind or settling, silence is not a fault of the gear. */
  fleetView(): FleetView;
  /** The slots a device is a member of. */
  slotsOf(ref: DeviceRef): string[];
  isSlotOnAir(slot: string): boolean;
  /** Anything on air (a show's slots or the engineer's override): the program and playback output is what viewers see. */
  isOnAir(): boolean;
  /** A slot down: the failover engine found nothing healthy to put live (slot.down), not merely a live member failing. */
  isSlotDown(slot: string): boolean;
  members(slot: string): SlotMemberView[];
  /** The devices an agent drives (registered or heard). */
  devicesOf(agent: string): DeviceRef[];
  /** The studio (registration) and the gear's role (camera, mic, program, …) of a device. */
  deviceInfo(ref: DeviceRef): { studio?: string; role?: string };
  /** When the next show of a studio (any studio when undefined) starts at or after `at`, and which one. */
  nextShow(studio: string | undefined, at: number): { show: string; startsAt: number } | undefined;
}
