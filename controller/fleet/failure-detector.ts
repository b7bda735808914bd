/**
 * The controller's failure detection: the per-device tracking step is the shared one
 * (protocols/failure-detection.ts, also used by an agent carrying on alone, so both call a device
 * failed or trusted again at the same moment); what only the controller sees stays here: an agent
 * gone (its will, or no heartbeat within heartbeatDeadlineMs) takes all its devices offline at once.
 */
import { DEFAULT_TRACKING, moveTo, type DeviceTrack, type Step, type TrackingThresholds } from '../../protocols/failure-detection.ts';

export { newTrack, onHealth, onTick, type DeviceTrack, type Step, type Transition } from '../../protocols/failure-detection.ts';

export interface DetectionThresholds extends TrackingThresholds {
  /** No heartbeat for this long: the agent is gone and all its devices are offline. */
  heartbeatDeadlineMs: number;
}

export const DEFAULT_THRESHOLDS: DetectionThresholds = { ...DEFAULT_TRACKING, heartbeatDeadlineMs: 3_000 };

export function onAgentLost(track: DeviceTrack, now: number, reason: string): Step {
  return moveTo({ ...track, reported: 'offline' }, 'offline', now, reason);
}
