/** What the registry answers for each message it applies: the changes the fleet records and decides on. */
import type { Transition } from '../../protocols/failure-detection.ts';

export interface DeviceChange extends Transition {
  agent: string;
  device: string;
  at: number;
}

export interface AgentChange {
  agent: string;
  online: boolean;
  session: number;
  reason: string;
}

export interface RegistryResult {
  agentChange?: AgentChange;
  deviceChanges: DeviceChange[];
  /** The message was stale (older session) and ignored. */
  ignored?: string;
  /** This agent was just heard live: commands can reach it. */
  confirmed?: string;
}

/** Where a message came from: a live publish, or a retained copy replayed by the broker. */
export interface Arrival {
  now: number;
  live: boolean;
}
