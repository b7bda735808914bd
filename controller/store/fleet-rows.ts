/**
 * What the store keeps of the fleet, so a restarted controller knows its agents and devices before they
 * re-announce (controller/fleet/registry.ts holds them at run time). Declared here, by the store, so the
 * store needs nothing from the fleet's logic.
 */
import type { DeviceTrack } from '../../protocols/failure-detection.ts';

/** What is stored of an agent. */
export interface AgentRecord {
  id: string;
  online: boolean;
  session: number;
  lastSeenAt: number | null;
  heartbeatDeadlineMs: number;
}

/** What is stored of a device: its registration's driver and kind, and its tracked status. */
export interface DeviceRecord {
  agent: string;
  device: string;
  driver?: string;
  kind?: string;
  track: DeviceTrack;
}
