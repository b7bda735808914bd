/**
 * Will it last the show, before air: each slot of the checklist carries its members' forecasts, and a
 * member going on air that will run out before the show ends is "swap before air", counted as the
 * show's policy says (else its profile's; default a warning; NO-GO when the policy says so).
 */
import type { Checklist, EnduranceVerdict, Show } from '../../protocols/plan-schemas.ts';
import type { EnduranceShortfall } from '../../protocols/profile.ts';
import type { DeviceRef, DeviceStatus } from '../../protocols/schemas.ts';
import { refName } from '../../protocols/device-ref.ts';
import { proposeBackup } from './endurance.ts';

export interface EnduranceChecks {
  /** The device's forecasts against a show's end (empty: no forecast rule in its profile). */
  verdicts(ref: DeviceRef, showEndsAt: number): EnduranceVerdict[];
  /** The profile's own `endurance.shortfall`, if any. */
  shortfallPolicy(ref: DeviceRef): EnduranceShortfall | undefined;
  status(ref: DeviceRef): DeviceStatus | undefined;
}

/** Adds the forecasts to a finished checklist's slots; answers the shortfalls, one line each, for the alarm. */
export function applyEndurance(checklist: Checklist, show: Show, checks: EnduranceChecks): string[] {
  const shortfalls: string[] = [];
  for (const slot of checklist.slots) {
    const verdicts = slot.members.flatMap((m) => checks.verdicts(m, show.endsAt));
    if (verdicts.length === 0) continue;
    slot.endurance = verdicts;
    const wontLast = (m: DeviceRef) => verdicts.some((v) => v.outcome === 'short' && v.agent === m.agent && v.device === m.device);
    const primary = slot.members.find((m) => m.role === 'primary');
    // The member that goes on air: the primary if it passed, else the backup the checklist proposes.
    const goingOnAir = primary?.ready ? primary : slot.members.find((m) => m.role === 'backup' && m.ready);
    if (!goingOnAir || !wontLast(goingOnAir)) continue;
    const policy = show.enduranceShortfall ?? checks.shortfallPolicy(goingOnAir) ?? 'warning';
    slot.enduranceShortfall = policy;
    if (policy === 'no-go') ((slot.go = false), (slot.verdict = 'no-go'));
    const why = verdicts.filter((v) => v.outcome === 'short' && v.agent === goingOnAir.agent && v.device === goingOnAir.device);
    const backup = proposeBackup(slot.members, goingOnAir, (m) => (m.ready ? (checks.status(m) ?? 'ok') : 'failed'), wontLast);
    const instead = backup
      ? `, or put ${refName(backup)} in place: onair failover ${slot.slot} --to ${refName(backup)} --reason "will not last the show"`
      : '';
    const runs = `the show runs ${Math.round((show.endsAt - show.startsAt) / 60_000)} min`;
    const line = `${why.map((v) => v.message).join('; ')}; ${runs} → swap before air${instead}`;
    slot.proposal = slot.proposal ? `${slot.proposal}; ${line}` : line;
    shortfalls.push(`${slot.slot}: ${line} (${policy === 'no-go' ? 'NO-GO' : 'warning'})`);
  }
  return shortfalls;
}
