/**
 * Severity from impact (pure): what a cause does to what viewers see now, judged from the
 * controller's picture (AlertContext) at one moment.
 * - a slot down on air → critical;
 * - on air but covered (a failover worked, or only a backup failed) → warning, with "no backup left"
 *   when the slot has no healthy member besides the live one;
 * - off air → minor, unless a show of the studio starts within settings.preShowWindowMs → warning.
 */
import { ALERT_SEVERITIES, type AlertingSettings, type AlertSeverity } from '../../../protocols/alerting.ts';
import { severityFromImpact } from '../../../protocols/event-severity.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import type { AlertContext } from './alert-context.ts';

export interface Impact {
  /** On-air slots the cause touches. */
  onAirSlots: number;
  /** Of them, down (nothing healthy live). */
  downOnAir: number;
  /** An on-air slot it touches has no healthy member left besides the live one. */
  noBackupLeft: boolean;
  /** Until the next show of the studio starts, if one is planned. */
  showInMs?: number;
}

export type ImpactContext = Pick<AlertContext, 'slotsOf' | 'isSlotOnAir' | 'isSlotDown' | 'members' | 'nextShow'>;

/** The one rule (protocols/event-severity.ts), which the console's event log uses too. */
export function severityOf(impact: Impact, settings: Pick<AlertingSettings, 'preShowWindowMs'>): AlertSeverity {
  const showSoon = impact.showInMs !== undefined && impact.showInMs <= settings.preShowWindowMs;
  return severityFromImpact({ onAirSlots: impact.onAirSlots, downOnAir: impact.downOnAir, showSoon });
}

/** The more severe of two (critical > warning > minor). */
export const moreSevere = (a: AlertSeverity, b: AlertSeverity): AlertSeverity =>
  ALERT_SEVERITIES.indexOf(a) <= ALERT_SEVERITIES.indexOf(b) ? a : b;

export const isMoreSevere = (a: AlertSeverity, than: AlertSeverity): boolean =>
  ALERT_SEVERITIES.indexOf(a) < ALERT_SEVERITIES.indexOf(than);

/** The impact of slots (a slot-down alert, or the slots of some devices). */
export function impactOfSlots(slots: Iterable<string>, studio: string | undefined, ctx: ImpactContext, at: number): Impact {
  let onAirSlots = 0;
  let downOnAir = 0;
  let noBackupLeft = false;
  for (const slot of new Set(slots)) {
    if (!ctx.isSlotOnAir(slot)) continue;
    onAirSlots += 1;
    if (ctx.isSlotDown(slot)) {
      downOnAir += 1;
      continue;
    }
    if (!ctx.members(slot).some((m) => !m.live && m.status === 'ok')) noBackupLeft = true;
  }
  const next = ctx.nextShow(studio, at);
  return { onAirSlots, downOnAir, noBackupLeft, ...(next ? { showInMs: Math.max(0, next.startsAt - at) } : {}) };
}

/** The impact of devices failing: through every slot they are members of. */
export function impactOfDevices(devices: readonly DeviceRef[], studio: string | undefined, ctx: ImpactContext, at: number): Impact {
  return impactOfSlots(
    devices.flatMap((d) => ctx.slotsOf(d)),
    studio,
    ctx,
    at,
  );
}
