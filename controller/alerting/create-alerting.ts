/**
 * Builds emergency response (issue 23) from its parts (controller/alerting/types.ts) and hands the
 * router its operations. Being built in this round: each part replaces its entry in `pending` with
 * its own handlers as it lands.
 */
import type { Handlers } from '../requests.ts';
import type { AlertOps, ChannelOps, ContactSender, Directory, IncidentOps, PeopleOps, RunbookOps } from './types.ts';
import type { PeoplePart } from './people/create-people.ts';
import { contactTestHandler } from './channels/contact-test.ts';

type AlertingOps = PeopleOps | ChannelOps | AlertOps | IncidentOps | RunbookOps;

const notYet = (op: string) => () => {
  throw new Error(`"${op}" is not available in this build yet (issue 23 is being built)`);
};

const pending = Object.fromEntries(
  (
    [
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
    ] satisfies Exclude<AlertingOps, PeopleOps>[]
  ).map((op) => [op, notYet(op)]),
) as unknown as Pick<Handlers, Exclude<AlertingOps, PeopleOps>>;

/** The parts built so far; an operation whose part is not given stays "not available yet". */
export interface AlertingHandlerParts {
  channels?: { directory: Pick<Directory, 'contact'>; sender: ContactSender };
}

/** The operations emergency response answers. */
export function alertingHandlers(people: PeoplePart, parts: AlertingHandlerParts = {}): Pick<Handlers, AlertingOps> {
  return {
    ...pending,
    ...people.handlers,
    ...(parts.channels && contactTestHandler(parts.channels.directory, parts.channels.sender)),
  };

}
