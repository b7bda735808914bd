/**
 * Hand-overs: when the person told first in a studio changes (a shift begins or ends), the log says
 * so once (`duty.changed` handover), from the controller's tick. The first tick after a start only
 * learns who is on call: a restart is not a hand-over.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { PeopleStore } from './people-store.ts';
import { dutyAt } from './rota.ts';

export interface HandoverDependencies {
  store: PeopleStore;
  clock: Clock;
  record: (event: NewEvent) => unknown;
}

export class HandoverWatch {
  /** Per studio, who was told first at the last tick. */
  private readonly first = new Map<string, string>();
  private started = false;

  constructor(private readonly d: HandoverDependencies) {}

  tick(): void {
    const at = this.d.clock.now();
    const duty = dutyAt({ studios: this.d.store.studios(), shifts: this.d.store.shifts(at) }, at);
    for (const studio of duty) {
      const before = this.first.get(studio.studio);
      this.first.set(studio.studio, studio.first);
      if (!this.started || before === undefined || before === studio.first) continue;
      this.d.record({
        type: 'duty.changed',
        ts: at,
        by: 'controller',
        reason: `${studio.studio}: ${before} hands over to ${studio.first}`,
        data: {
          change: 'handover',
          studio: studio.studio,
          person: studio.first,
          ...(studio.onCall ? { shift: studio.onCall.shift } : {}),
        },
      });
    }
    this.started = true;
  }
}
