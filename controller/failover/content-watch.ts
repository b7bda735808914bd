/**
 * The controller's side of content faults (issue 22, "Decisions"), from the health every device
 * publishes (the fleet's `healthNoted`), after the registry and the failover engine have taken it:
 *
 * - every fault that begins or ends (a picture, sound or playback check failed, or passed again) is
 *   recorded as a `content.fault` event with the device's media role: the report counts the program's
 *   and the playback's in the failure time (controller/plan/report-content.ts);
 * - a fault of the program or of the playback while a show is on air is a CRITICAL alarm that names
 *   what viewers get ("black program", "platform output stalled") and whether every source on air is
 *   healthy (then the fault is the program's own: a switcher scene, an encoder, the platform). Where
 *   that device is itself a slot's member (a backup switcher or encoder), its slot fails it over as
 *   any member: the engine already did;
 * - a live member whose failure was only content and that its slot kept on air (the failover rule's
 *   judgeContent: onContentFault alarm, a fault the slot allows, a show's quiet window) is an alarm
 *   instead of a failover: critical for `alarm` (a person decides), a warning for a planned one.
 *
 * One alarm per fault that begins, cleared when the device's last fault ends; nothing per health report.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { outputFaultName, type ContentTolerance } from '../../protocols/content-policy.ts';
import { refName } from '../../protocols/device-ref.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { failingContentFaults, judgeContent } from '../../protocols/failure-detection.ts';
import { isContentCheck, type ContentFault, type MediaRole } from '../../protocols/media.ts';
import type { DeviceHealth, DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';

export interface ContentWatchDependencies {
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  /** What the device's media is to the show (its config's media.role; a source when it has none). */
  roleOf: (ref: DeviceRef) => MediaRole;
  studioOf: (ref: DeviceRef) => string | undefined;
  /** Is anything on air (a show, or the engineer's override)? */
  onAir: () => boolean;
  /** The slots on air whose live member this device is. */
  liveIn: (ref: DeviceRef) => string[];
  /** What the device's slots allow of a content fault now (the registry's tracking step reads the same). */
  tolerance: (ref: DeviceRef) => ContentTolerance | undefined;
  /** The live members of the slots on air and their status: is every source healthy? */
  sources: () => Array<{ ref: DeviceRef; status: DeviceStatus }>;
}

const WHY_KEPT = {
  alarm: 'its slot alarms on content faults instead of failing over (onContentFault alarm): fail it over by hand if needed',
  allowed: 'its slot allows it (mayBeDark / mayBeStill / maySilence)',
  'quiet window': "inside the show's quiet window",
} as const;

export class ContentWatch {
  /** Per device (agent/device) with faults: which and since when, whether an alarm about them is open, its role and studio. */
  private readonly open = new Map<
    string,
    { faults: Map<ContentFault, number>; alarmed: boolean; role: MediaRole; studio: string | undefined }
  >();

  constructor(private readonly d: ContentWatchDependencies) {}

  noteHealth(agent: string, device: string, health: DeviceHealth): void {
    const ref = { agent, device };
    const key = refName(ref);
    const faults = failingContentFaults(health).filter((f): f is ContentFault => f !== 'unknown');
    const known = this.open.get(key);
    if (!known && faults.length === 0) return; // the common case: nothing wrong, nothing open
    // Who the device is (its role and studio) is asked once per run of faults, not per report.
    const was = known ?? {
      faults: new Map<ContentFault, number>(),
      alarmed: false,
      role: this.d.roleOf(ref),
      studio: this.d.studioOf(ref),
    };
    const started = faults.filter((f) => !was.faults.has(f));
    const ended = [...was.faults].filter(([f]) => !faults.includes(f));
    const now = this.d.clock.now();
    const event = (fault: ContentFault, phase: 'started' | 'ended', forMs?: number): NewEvent => ({
      type: 'content.fault',
      ts: now,
      agent,
      device,
      by: 'controller',
      data: { fault, role: was.role, phase, ...(was.studio ? { studio: was.studio } : {}), ...(forMs !== undefined ? { forMs } : {}) },
    });
    for (const [fault, since] of ended) {
      this.d.record(event(fault, 'ended', now - since));
      was.faults.delete(fault);
    }
    for (const fault of started) {
      this.d.record(event(fault, 'started'));
      was.faults.set(fault, now);
    }
    // A source's alarm is about the moment it began; the program's also when a show goes on air with it still black.
    const asks = started.length > 0 ? started : !was.alarmed && was.role !== 'source' ? faults : [];
    if (asks.length > 0 && this.alarm(ref, was.role, asks, health, now)) was.alarmed = true;
    if (was.faults.size === 0 && was.alarmed) {
      this.d.record({
        type: 'alarm',
        ts: now,
        agent,
        device,
        by: 'controller',
        reason: `${key}: ${ended.map(([f, since]) => `${f} ended after ${seconds(now - since)}`).join(', ')}`,
        data: { severity: 'cleared', cause: 'content' },
      });
      was.alarmed = false;
    }
    if (was.faults.size === 0) this.open.delete(key);
    else this.open.set(key, was);
  }

  /** Raises the alarm these new faults call for, if any; true when it did. */
  private alarm(ref: DeviceRef, role: MediaRole, faults: ContentFault[], health: DeviceHealth, now: number): boolean {
    const key = refName(ref);
    const detail = contentDetail(health);
    if (role !== 'source') {
      if (!this.d.onAir()) return false;
      const unhealthy = this.d.sources().filter((s) => s.status !== 'ok' && refName(s.ref) !== key);
      const sources = unhealthy.length
        ? `sources not healthy: ${unhealthy.map((s) => `${refName(s.ref)} (${s.status})`).join(', ')}`
        : 'every source on air is healthy: the fault is downstream of them';
      const reason = `${faults.map((f) => outputFaultName(role, f)).join(', ')} on ${key} (${detail}); ${sources}`;
      this.raise(ref, 'critical', reason, this.d.liveIn(ref)[0]);
      return true;
    }
    const slots = this.d.liveIn(ref);
    const tolerance = slots.length ? this.d.tolerance(ref) : undefined;
    const verdict = tolerance && judgeContent(health, tolerance, now);
    if (!verdict?.tolerated) return false; // failed over like any failure (or not live on air): the engine's events say so
    const reason = `slot ${slots.join(', ')}: its live member ${key} has ${faults.join(', ')} (${detail}), kept on air: ${WHY_KEPT[verdict.why]}`;
    this.raise(ref, verdict.why === 'alarm' ? 'critical' : 'warning', reason, slots[0]);
    return true;
  }

  private raise(ref: DeviceRef, severity: 'critical' | 'warning', reason: string, slot: string | undefined): void {
    this.d.record({
      type: 'alarm',
      ts: this.d.clock.now(),
      ...ref,
      ...(slot ? { slot } : {}),
      by: 'controller',
      reason,
      data: { severity, cause: 'content' },
    });
    this.d.log.warn({ agent: ref.agent, device: ref.device, severity, reason }, 'content fault alarm');
  }
}

/** What the content checks that are not ok say ("picture: black for 4.2 s"). */
const contentDetail = (health: DeviceHealth): string =>
  health.checks
    .filter((c) => isContentCheck(c.name) && c.status !== 'ok')
    .map((c) => `${c.name}: ${c.detail ?? c.status}`)
    .join('; ');

const seconds = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
