/**
 * Builds emergency response (issue 23) from its parts (controller/alerting/types.ts), in the order
 * they need each other: people (who), incidents and runbooks (where an alert goes, what to do),
 * channels (how), delivery (the durable queue and the acknowledgement links), the alert engine (the
 * one place that decides who is told and when) and, where the site runs one, the Alertmanager sink.
 * The controller drives the result: its operations, the plan tick, the lead, the stop.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import type { AlertingSettings } from '../../protocols/alerting.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import type { Handlers } from '../requests.ts';
import type { Store } from '../store/store.ts';
import { alertHandlers } from './alerts/alert-handlers.ts';
import { createAlertEngine } from './alerts/create-alert-engine.ts';
import type { ControllerPicture } from './alerts/controller-context.ts';
import { alertmanagerSink, type AlertmanagerCounters } from './alertmanager/sink.ts';
import { createContactSender, type StoppableContactSender } from './channels/contact-sender.ts';
import { createMessageComposer } from './channels/compose.ts';
import { contactTestHandler } from './channels/contact-test.ts';
import { createDelivery } from './delivery/create-delivery.ts';
import type { AckLinkDesk } from './delivery/ack-route.ts';
import { createIncidentParts } from './incidents/create-incidents.ts';
import { createPeople, type PeoplePart } from './people/create-people.ts';
import type { AlertBook, AlertingCore, AlertingEvents, AlertOps, ChannelOps, IncidentOps, PeopleOps, RunbookOps } from './types.ts';

export type AlertingOps = PeopleOps | ChannelOps | AlertOps | IncidentOps | RunbookOps;

export interface AlertingDependencies {
  settings: AlertingSettings;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => ControllerEvent;
  store: Store;
  /** The controller's parts the alert engine asks (slots, members, devices, shows, whether the fleet is in view). */
  picture: ControllerPicture;
  /** Subscribes to every stored event; returns the unsubscribe. */
  eventStored: (listener: (event: ControllerEvent) => void) => () => void;
  /** Whether this controller may act (a pair's leader with its lease): only it notifies. */
  leading: () => boolean;
  /** The console's address for links, when the settings do not give one. */
  publicUrl: () => string | undefined;
  counters: AlertmanagerCounters;
}

export interface Alerting {
  handlers: Pick<Handlers, AlertingOps>;
  /** The plan's show.add and schedule.add, refusing owners and leads nobody stored. */
  vetOwners: PeoplePart['vetOwners'];
  alerts: AlertBook;
  /** What the HTTP side serves /ack/<token> with. */
  ackDesk: AckLinkDesk;
  /** On the plan tick: escalations due, duty hand-overs. */
  tick(): void;
  /** This controller leads (at its start, which for a pair is a takeover): send what is queued, post to Alertmanager. */
  lead(): void;
  stop(): Promise<void>;
}

export function createAlerting(d: AlertingDependencies): Alerting {
  const { settings, clock, log, record } = d;
  const core: AlertingCore = {
    settings,
    clock,
    log: log.child({ part: 'alerting' }),
    record,
    bus: new TypedEmitter<AlertingEvents>(),
    publicUrl: () => settings.publicUrl ?? d.publicUrl(),
    leading: d.leading,
  };
  const db: Database.Database = d.store.alertingDatabase();
  const people = createPeople({ db, clock, record, shows: () => d.store.plan.activeShows() });
  const { incidents, runbooks, handlers: incidentOps } = createIncidentParts({ store: d.store, clock, log: core.log, record });
  const sender: StoppableContactSender = createContactSender({ settings, clock, log: core.log });
  // The engine and the queue need each other (it enqueues; the queue reads the alert as it is when sending).
  let book: AlertBook | undefined;
  const alertBook = (): AlertBook => {
    if (!book) throw new Error('the alert engine is not built yet');
    return book;
  };
  const delivery = createDelivery(core, {
    db,
    sender,
    composer: createMessageComposer(),
    directory: people.directory,
    alerts: alertBook,
    incidents: () => incidents,
    runbooks,
  });
  const alerts = createAlertEngine({
    core,
    directory: people.directory,
    incidents,
    runbooks,
    queue: delivery.queue,
    picture: d.picture,
    db,
    eventStored: d.eventStored,
  });
  book = alerts.engine;
  const sink = alertmanagerSink(core, {
    counters: d.counters,
    runbooks,
    ackLinks: delivery.ackLinks,
    openAlerts: () => alerts.engine.openAlerts(),
  });
  return {
    handlers: {
      ...people.handlers,
      ...contactTestHandler(people.directory, sender),
      ...alertHandlers(alerts.engine, alerts.ownership),
      ...incidentOps,
    },
    vetOwners: people.vetOwners,
    alerts: alerts.engine,
    ackDesk: delivery.ackDesk,
    tick: () => {
      alerts.engine.tick();
      people.handovers.tick();
    },
    lead: () => {
      delivery.queue.start();
      sink?.start();
    },
    stop: async () => {
      alerts.stop();
      await sink?.close();
      await delivery.queue.stop();
      await sender.stop();
    },
  };
}
