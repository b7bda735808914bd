/** An alert's one-line summary, from what correlation knows of its cause (words: messages.ts). */
import { deviceKey } from '../../../protocols/device-ref.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import { alertText } from './messages.ts';

/** What became of a failed device's slot: nothing yet, a failover running, failed over to a member, or failed. */
export type DeviceOutcome = 'none' | 'failing-over' | 'failed' | { to: string };

/** "agent-a lost: 4 devices, 2 slots affected, all failed over", from the `slot:<id>` marks (pending|over|down). */
export function agentSummary(agent: string, devices: number, marks: ReadonlyMap<string, string>): string {
  const outcomes = [...marks].filter(([k]) => k.startsWith('slot:')).map(([, v]) => v);
  const slots = outcomes.length;
  const down = outcomes.filter((o) => o === 'down').length;
  const over = outcomes.filter((o) => o === 'over').length;
  const slotText =
    slots === 0
      ? alertText('slots.none')
      : down > 0
        ? alertText('slots.some-down', { slots, down, over })
        : over < slots
          ? alertText('slots.pending', { slots })
          : alertText('slots.all-over', { slots });
  return alertText('agent-lost', { agent, devices, slots: slotText });
}

export function deviceSummary(ref: DeviceRef, status: string, outcome: DeviceOutcome, noBackupLeft = false): string {
  const device = deviceKey(ref.agent, ref.device);
  const text =
    outcome === 'none'
      ? alertText('device', { device, status })
      : outcome === 'failing-over'
        ? alertText('device.failing-over', { device, status })
        : outcome === 'failed'
          ? alertText('device.failover-failed', { device, status })
          : alertText('device.failed-over', { device, status, to: outcome.to });
  return noBackupLeft && typeof outcome === 'object' ? `${text}; ${alertText('no-backup-left')}` : text;
}
