/**
 * What a tile says about a failover in progress or just ended, from the controller's own events
 * (started → succeeded / failed), so every open page sees a failover, whoever asked for it.
 */
import type { ControllerEvent } from '../protocols/events.ts';

export interface FailoverProgress {
  phase: 'started' | 'confirmed' | 'failed';
  text: string;
  ts: number;
}

/** The tile's progress after a failover event; undefined for any other event. */
export function progressOf(e: ControllerEvent): FailoverProgress | undefined {
  const who = e.by ? ` (${e.by})` : '';
  if (e.type === 'failover.started') return { phase: 'started', text: `Failover started${who}: ${e.reason ?? ''}`, ts: e.ts };
  if (e.type === 'failover.succeeded')
    return { phase: 'confirmed', text: `Failover confirmed: ${e.data.to} is live (${e.data.durationMs} ms)${who}`, ts: e.ts };
  if (e.type === 'failover.failed') return { phase: 'failed', text: `Failover FAILED${who}: ${e.reason ?? ''}`, ts: e.ts };
  return undefined;
}
