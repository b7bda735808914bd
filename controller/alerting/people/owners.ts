/**
 * Owners on the plan (issue 23): a show names its responsible engineer and emergency lead, a
 * maintenance schedule its owner. The plan stores the names; the people part vets them first, so a
 * show never names somebody nobody can reach.
 */
import type { Handlers } from '../../requests.ts';
import { PeopleRefusal } from './refusal.ts';
import type { PeopleStore } from './people-store.ts';

export type OwnedOps = 'show.add' | 'schedule.add';

/** The plan's own handlers of these operations, refusing an owner or lead that is not a stored person. */
export function vetOwners(store: Pick<PeopleStore, 'person'>, plan: Pick<Handlers, OwnedOps>): Pick<Handlers, OwnedOps> {
  const requireKnown = (ids: Array<string | undefined>) => {
    for (const id of ids) if (id !== undefined && !store.person(id)) throw new PeopleRefusal('unknownPerson', { id });
  };
  return {
    'show.add': (p, by) => (requireKnown([p.owner, p.emergencyLead]), plan['show.add'](p, by)),
    'schedule.add': (p, by) => (requireKnown([p.owner]), plan['schedule.add'](p, by)),
  };
}
