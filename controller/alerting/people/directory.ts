/**
 * The Directory (../types.ts) over the stored people, studios, contact points and rota, and the
 * plan's shows: it reads the rows and asks the pure rules (rota.ts) who is told.
 */
import type { AlertLabels, ContactPoint, EscalationLevel, Person } from '../../../protocols/alerting.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import type { Directory } from '../types.ts';
import type { PeopleStore } from './people-store.ts';
import { recipients } from './rota.ts';

export interface DirectoryDependencies {
  store: PeopleStore;
  /** Shows scheduled or on air (the plan store's activeShows). */
  shows: () => readonly Show[];
}

export class PeopleDirectory implements Directory {
  constructor(private readonly d: DirectoryDependencies) {}

  person(id: string): Person | undefined {
    return this.d.store.person(id);
  }

  personByLogin(login: string): Person | undefined {
    return this.d.store.personByLogin(login);
  }

  contact(id: string): ContactPoint | undefined {
    return this.d.store.contact(id);
  }

  recipients(level: EscalationLevel, labels: AlertLabels, at: number): Person[] {
    const world = {
      people: this.d.store.people(),
      studios: this.d.store.studios(),
      // Only shifts still running at `at` can cover it.
      shifts: this.d.store.shifts(at),
      shows: this.d.shows(),
    };
    return recipients(world, level, labels, at);
  }
}
