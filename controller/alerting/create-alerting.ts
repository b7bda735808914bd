/**
 * Builds emergency response (issue 23) from its parts (controller/alerting/types.ts) and hands the
 * router its operations. Being built in this round: each part replaces its entry in `pending` with
 * its own handlers as it lands.
 */
import type { Handlers } from '../requests.ts';
import type { AlertOps, ChannelOps, IncidentOps, PeopleOps, RunbookOps } from './types.ts';
import { createIncidentParts, type IncidentPartsDeps } from './incidents/create-incidents.ts';

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
    ] satisfies Exclude<AlertingOps, IncidentOps | RunbookOps>[]
  ).map((op) => [op, notYet(op)]),
) as unknown as Pick<Handlers, Exclude<AlertingOps, IncidentOps | RunbookOps>>;

/** The operations emergency response answers. */
export function alertingHandlers(deps: IncidentPartsDeps): Pick<Handlers, AlertingOps> {
  return { ...pending, ...createIncidentParts(deps).handlers };
}
