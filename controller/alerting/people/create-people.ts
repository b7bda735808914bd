/**
 * The people part, built once: the Directory the alert engine asks who is told, the operations, and
 * the hand-over watch the controller's plan tick drives.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../../lib/clock.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import type { Handlers } from '../../requests.ts';
import type { Directory } from '../types.ts';
import { PeopleDirectory } from './directory.ts';
import { HandoverWatch } from './handovers.ts';
import { peopleHandlers, type PeopleHandlers } from './people-handlers.ts';
import { PeopleStore } from './people-store.ts';
import { vetOwners, type OwnedOps } from './owners.ts';

export interface PeoplePart {
  directory: Directory;
  handlers: PeopleHandlers;
  handovers: HandoverWatch;
  /** The plan's show.add and schedule.add, refusing owners and leads nobody stored. */
  vetOwners(plan: Pick<Handlers, OwnedOps>): Pick<Handlers, OwnedOps>;
}

export function createPeople(d: {
  /** store.alertingDatabase() */
  db: Database.Database;
  clock: Clock;
  record: (event: NewEvent) => unknown;
  /** store.plan.activeShows() */
  shows: () => readonly Show[];
}): PeoplePart {
  const store = new PeopleStore(d.db);
  return {
    directory: new PeopleDirectory({ store, shows: d.shows }),
    handlers: peopleHandlers({ store, clock: d.clock, record: d.record, shows: d.shows }),
    handovers: new HandoverWatch({ store, clock: d.clock, record: d.record }),
    vetOwners: (plan) => vetOwners(store, plan),
  };
}
