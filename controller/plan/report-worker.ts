/**
 * A reliability report computed in a worker thread (controller/store/history-postgres.ts starts it): it
 * reads the period from PostgreSQL over its own connection and builds the report there, so the
 * controller's event loop — which renews the leader's lease every 200 ms — never parses, checks or
 * walks hundreds of thousands of events. Posts `{ report, corrupt }` or `{ error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ControllerEvent } from '../../protocols/events.ts';
import { errorMessage } from '../../lib/timeout.ts';
import { PostgresHistory } from '../store/history-postgres.ts';
import type { PgConnectionSettings } from '../store/pg-connection.ts';
import { buildReport, type ReportQuery } from './report.ts';

export interface ReportJob {
  connection: PgConnectionSettings;
  query: ReportQuery;
  /** Events written but not yet in PostgreSQL (of the types a report reads). */
  held: ControllerEvent[];
}

const job = workerData as ReportJob;
const corrupt: Array<[string, string, string]> = [];
const history = new PostgresHistory(
  job.connection,
  () => job.held,
  (table, key, reason) => corrupt.push([table, key, reason]),
  undefined,
  { indexes: false },
);
try {
  const report = buildReport(await history.reportEvents(job.query.since, job.query.until), job.query);
  parentPort!.postMessage({ report, corrupt });
} catch (err) {
  parentPort!.postMessage({ error: errorMessage(err) });
} finally {
  await history.close();
}
