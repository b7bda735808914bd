/**
 * The alert part built for the controller: the engine over the store's alerting tables, asking the
 * controller's parts (controller-context.ts), hearing every stored event. The lead calls this from
 * controller/controller-parts.ts once the other alerting parts exist; `resume()` after a takeover,
 * `tick()` on the plan tick.
 */
import type Database from 'better-sqlite3';
import type { ControllerEvent } from '../../../protocols/events.ts';
import type { AlertingCore, Directory, IncidentBook, NotificationQueue, RunbookLibrary } from '../types.ts';
import { AlertEngine } from './alert-engine.ts';
import { AlertOwnership } from './ownership.ts';
import { alertContextOf, type ControllerPicture } from './controller-context.ts';

export interface AlertPartDependencies {
  core: AlertingCore;
  directory: Directory;
  incidents: IncidentBook;
  runbooks: RunbookLibrary;
  queue: NotificationQueue;
  picture: ControllerPicture;
  /** store.alertingDatabase(). */
  db: Database.Database;
  /** Subscribes to the controller's eventStored; returns the unsubscribe. */
  eventStored: (listener: (event: ControllerEvent) => void) => () => void;
}

export function createAlertEngine(d: AlertPartDependencies): { engine: AlertEngine; ownership: AlertOwnership; stop: () => void } {
  const { picture, eventStored, ...rest } = d;
  const engine = new AlertEngine({ ...rest, context: alertContextOf(picture) });
  const ownership = new AlertOwnership({ core: d.core, directory: d.directory, incidents: d.incidents, alerts: engine });
  const stop = eventStored((event) => engine.onEvent(event));
  return { engine, ownership, stop };
}
