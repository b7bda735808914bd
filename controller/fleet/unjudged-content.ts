/**
 * Content faults a hot standby could not judge. The content rule (protocols/failure-detection.ts
 * judgeContent) needs the slots' tolerance (onContentFault, mayBeDark/mayBeStill/maySilence, the
 * shows' quiet windows), and a standby has neither catalog nor plan while it stands by: it reads them from
 * PostgreSQL only once it leads, and the broker carries no slot definitions. So its registry tracks a
 * content-only failure as any failure (a black member kept on air on purpose is failed in its picture),
 * and keeps each such device's latest raw health here; at adoption the new leader, its catalog and plan
 * loaded, judges it again with its own tolerance (Registry.adopt). Re-judging once at adoption is
 * simpler than keeping a copy of the catalog and plan current in the standby, and uses the one rule.
 */
import { contentOnlyFailure, onHealth, newTrack, type DeviceTrack, type TrackingThresholds } from '../../protocols/failure-detection.ts';
import type { ContentTolerance } from '../../protocols/content-policy.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';

/** Each device's latest raw health, by device key, from its first content-only failure until its track settles without one. */
export type UnjudgedContent = Map<string, DeviceHealth>;

/**
 * After a tracking step of the standby's registry. A recovery after the fault is kept too while it is
 * pending: the standby's track is then failed-and-recovering where the leader's was kept live, and
 * that difference matters at a takeover as much as the fault itself.
 */
export function noteUnjudged(held: UnjudgedContent, key: string, health: DeviceHealth, track: DeviceTrack): void {
  if (contentOnlyFailure(health)) held.set(key, health);
  else if (!held.has(key)) return;
  else if (track.pending) held.set(key, health);
  else held.delete(key);
}

/**
 * The track a new leader takes over for a device its standby saw fail on content alone: the last
 * leader's judgment (the stored track; a new device starts unknown, as a first report does) moved by
 * the latest raw health under the new leader's tolerance, exactly as the leader's own tracking step
 * would have moved it. Without a tolerance the slots fail over on content: the standby's track stands.
 * Deadlines still count from when the standby last heard the device.
 */
export function rejudged(
  seen: DeviceTrack,
  o: { stored: DeviceTrack | undefined; held: DeviceHealth | undefined; tolerance: ContentTolerance | undefined },
  thresholds: TrackingThresholds,
  now: number,
): DeviceTrack {
  if (!o.held || !o.tolerance) return seen;
  const step = onHealth(o.stored ?? newTrack(seen.since), o.held, now, { ...thresholds, content: o.tolerance });
  return { ...step.track, lastHealthAt: seen.lastHealthAt };
}
