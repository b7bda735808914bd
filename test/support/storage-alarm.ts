/**
 * A critical alarm about the controller's storage ("disk full"), recorded in the log as the storage
 * watch records it: the alert engine raises one open critical alert for it. What the console tests
 * (the Incidents page, the alarm bar) and the ownership test raise, without studio gear.
 */
import type { ControllerEvent, EventsParams, NewEvent } from '../../protocols/events.ts';
import { waitUntil } from '../integration/helpers.ts';

export interface RecordingController {
  record(event: NewEvent): ControllerEvent;
  events(query?: EventsParams): ControllerEvent[];
}

/** Records the alarm and waits for its alert; returns the alert's number. */
export async function raiseStorageAlarm(controller: RecordingController): Promise<number> {
  controller.record({ type: 'alarm', ts: Date.now(), by: 'store', reason: 'disk full', data: { severity: 'critical', cause: 'storage' } });
  await waitUntil(() => controller.events({ type: 'alert.raised' }).length === 1, 10_000, 'the storage alert raised');
  const [raised] = controller.events({ type: 'alert.raised' });
  if (raised?.type !== 'alert.raised') throw new Error('unreachable');
  return raised.data.alert;
}
