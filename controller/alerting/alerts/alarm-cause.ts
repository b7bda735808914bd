/**
 * Which cause an `alarm` event is about (its alert key and kind). The alarm sources and what they
 * mean: content-watch (cause content), endurance-watch (endurance), the store (storage), the shows'
 * pre-show check (by preshow, with its show), the failover engine's slot-down alarm and the program
 * path's (a slot, no cause): grep `type: 'alarm'` under controller/.
 */
import type { AlertKind } from '../../../protocols/alerting.ts';
import { deviceKey } from '../../../protocols/device-ref.ts';
import type { EventOf } from '../../../protocols/events.ts';

export function alarmCause(e: EventOf<'alarm'>): { key: string; kind: AlertKind } {
  const ref = e.agent && e.device ? deviceKey(e.agent, e.device) : undefined;
  const { cause, show } = e.data;
  if (cause === 'storage') return { key: 'controller:storage', kind: 'controller' };
  if ((cause === 'content' || cause === 'endurance') && ref) return { key: `${cause}:${ref}`, kind: cause };
  if (e.by === 'preshow' && show) return { key: `preshow:${show}`, kind: 'preshow' };
  if (e.slot) return { key: `program:${e.slot}`, kind: 'failover' };
  return { key: `controller:${cause ?? 'alarm'}`, kind: 'controller' };
}
