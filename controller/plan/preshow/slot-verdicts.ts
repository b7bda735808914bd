/**
 * The verdict of each slot of a finished pre-show checklist (pure): GO when the primary or a backup
 * passed its self-test; a backup that passed proposed (or swapped in, when the slot says `preshow:
 * swap`) in place of a primary that failed; a slot whose every backup failed is GO or NO-GO as the
 * show, else the primary's profile, says (NO-GO for a camera or a mic by default).
 */
import type { Checklist } from '../../../protocols/plan-schemas.ts';
import type { EquipmentProfile, WithoutBackup } from '../../../protocols/profile.ts';
import type { SlotDefinition } from '../../../protocols/registry-operations.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import { refName } from '../../../protocols/device-ref.ts';

/** What the verdicts read: the show's own `withoutBackup`, the slots' `preshow` policy and the gear's profiles. */
export interface VerdictInputs {
  showWithoutBackup: WithoutBackup | undefined;
  slot: (id: string) => Pick<SlotDefinition, 'preshow'> | undefined;
  profileOf: (ref: DeviceRef) => Pick<EquipmentProfile, 'kind' | 'withoutBackup'> | undefined;
}

/** A ready backup to put in place of the primary before air (the slot's policy is `swap`). */
export interface PreshowSwap {
  slot: string;
  to: DeviceRef;
  reason: string;
}

/** Sets each slot's go, verdict and proposal in place; answers the swaps the slots' policies ask for. */
export function judgeSlots(checklist: Checklist, inputs: VerdictInputs): PreshowSwap[] {
  const swaps: PreshowSwap[] = [];
  for (const slot of checklist.slots) {
    const primary = slot.members.find((m) => m.role === 'primary');
    const readyBackup = slot.members.find((m) => m.role === 'backup' && m.ready);
    slot.go = !!primary?.ready || !!readyBackup;
    slot.verdict = slot.go ? 'go' : 'no-go';
    const backups = slot.members.filter((m) => m.role === 'backup');
    if (primary?.ready && backups.length > 0 && !readyBackup) {
      // On air with nothing to fail over to: acceptable only if the show or the gear's profile says so.
      const policy = withoutBackup(checklist.show, primary, inputs);
      slot.go = policy.verdict === 'go';
      slot.verdict = slot.go ? 'go-no-backup' : 'no-go';
      slot.proposal = `every backup failed its self-test (${backups.map((b) => refName(b)).join(', ')}): ${slot.go ? 'GO with no backup' : 'NO-GO'} (${policy.why}); fix or replace a backup before air`;
      continue;
    }
    if (primary && !primary.ready && readyBackup) {
      const policy = inputs.slot(slot.slot)?.preshow ?? 'propose';
      slot.proposal = `put ${readyBackup.agent}/${readyBackup.device} in place of ${primary.agent}/${primary.device} before air: onair failover ${slot.slot} --to ${readyBackup.agent}/${readyBackup.device} --reason "pre-show check"`;
      if (policy === 'swap') {
        slot.swapped = true;
        const reason = `pre-show check: ${primary.agent}/${primary.device} failed ${primary.step ?? 'its self-test'}`;
        swaps.push({ slot: slot.slot, to: readyBackup, reason });
      }
    } else if (!slot.go) {
      slot.proposal = 'nothing in this slot passed its self-test: fix or replace the gear before air';
    }
  }
  return swaps;
}

/** What a slot with no ready backup counts as: the show's setting, else the primary's profile's, else NO-GO for a camera or a mic. */
function withoutBackup(showId: string, primary: DeviceRef, inputs: VerdictInputs): { verdict: WithoutBackup; why: string } {
  if (inputs.showWithoutBackup) return { verdict: inputs.showWithoutBackup, why: `show ${showId} says ${inputs.showWithoutBackup}` };
  const profile = inputs.profileOf(primary);
  if (profile?.withoutBackup)
    return { verdict: profile.withoutBackup, why: `the profile of ${refName(primary)} says ${profile.withoutBackup}` };
  const critical = profile?.kind === 'camera' || profile?.kind === 'microphone-receiver';
  return {
    verdict: critical ? 'no-go' : 'go',
    why: critical
      ? `a ${profile.kind} slot is NO-GO without a backup unless the show or the profile says go`
      : 'the default for this kind of gear',
  };
}
