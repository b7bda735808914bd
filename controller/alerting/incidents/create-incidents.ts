/**
 * Builds the incidents and runbooks parts from the store: the IncidentBook the alert engine attaches
 * alerts to, the RunbookLibrary alerts and notifications quote, and their operations.
 */
import path from 'node:path';
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import { packageRoot } from '../../../lib/paths.ts';
import type { NewEvent } from '../../../protocols/events.ts';
import type { Handlers } from '../../requests.ts';
import type { Store } from '../../store/store.ts';
import type { IncidentOps, RunbookOps } from '../types.ts';
import { runbookHandlers, RunbookShelf } from '../runbooks/runbook-library.ts';
import { incidentHandlers } from './incident-handlers.ts';
import { IncidentLedger } from './incident-ledger.ts';

export interface IncidentPartsDeps {
  store: Pick<Store, 'alertingDatabase' | 'history' | 'plan'>;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => unknown;
  /** The repository's runbooks (default: runbooks/ in the package). */
  runbookDir?: string;
}

export interface IncidentParts {
  incidents: IncidentLedger;
  runbooks: RunbookShelf;
  handlers: Pick<Handlers, IncidentOps | RunbookOps>;
}

export function createIncidentParts(d: IncidentPartsDeps): IncidentParts {
  const db = d.store.alertingDatabase();
  const onCorrupt = (table: string, key: string, reason: string) =>
    d.log.warn({ table, key, reason }, 'a stored row no longer matches its schema: skipped');
  const incidents = new IncidentLedger({ db, clock: d.clock, record: d.record, onCorrupt });
  const runbooks = new RunbookShelf({
    db,
    clock: d.clock,
    log: d.log,
    record: d.record,
    dir: d.runbookDir ?? path.join(packageRoot(), 'runbooks'),
    onCorrupt,
  });
  return {
    incidents,
    runbooks,
    handlers: {
      ...incidentHandlers({ ledger: incidents, db, history: d.store.history, plan: d.store.plan, clock: d.clock, onCorrupt }),
      ...runbookHandlers(runbooks),
    },
  };
}
