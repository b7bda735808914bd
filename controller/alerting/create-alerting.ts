/**
 * Builds emergency response (issue 23) from its parts (controller/alerting/types.ts) and hands the
 * router its operations. Being built in this round: each part replaces its entry in `pending` with
 * its own handlers as it lands.
 */
import type { Handlers } from '../requests.ts';
import type { AlertBook, AlertOps, ChannelOps, IncidentOps, PeopleOps, RunbookOps } from './types.ts';
import { alertHandlers } from './alerts/alert-handlers.ts';

type AlertingOps = PeopleOps | ChannelOps | AlertOps | IncidentOps | RunbookOps;

const notYet = (op: string) => () => {
  throw new Error(`"${op}" is not available in this build yet (issue 23 is being built)`);
};

const pending = Object.fromEntries(
  (
    [
      'person.add',
      'person.list',
      'person.remove',
      'studio.set',
      'studio.list',
      'contact.add',
      'contact.list',
      'contact.remove',
      'duty.add',
      'duty.list',
      'duty.remove',
      'duty.now',
      'contact.test',
      'alert.list',
      'alert.ack',
      'incident.list',
      'incident.show',
      'incident.note',
      'incident.resolve',
      'incident.review',
      'incident.report',
      'report.month',
      'runbook.add',
      'runbook.list',
      'runbook.show',
    ] satisfies AlertingOps[]
  ).map((op) => [op, notYet(op)]),
) as unknown as Pick<Handlers, AlertingOps>;

/** The parts built so far (the lead wires them in controller-parts.ts); an operation of a part not given stays "not yet". */
export interface AlertingParts {
  alerts?: AlertBook;
}

/** The operations emergency response answers. */
export function alertingHandlers(parts: AlertingParts = {}): Pick<Handlers, AlertingOps> {
  return { ...pending, ...(parts.alerts ? alertHandlers(parts.alerts) : {}) };
}
