/**
 * Delivery as the wiring (controller/alerting/create-alerting.ts) builds it: the durable queue, the
 * acknowledgement links, and what the HTTP side serves them with (ControllerFace.ackLinks). The alert
 * book and the queue need each other (the book enqueues, the queue reads the alert as it is when
 * sending): the book is passed as a function so either may be built first.
 */
import type Database from 'better-sqlite3';
import type { AlertBook, AlertingCore, ContactSender, Directory, IncidentBook, MessageComposer, RunbookLibrary } from '../types.ts';
import { SignedAckLinks } from './ack-links.ts';
import type { AckLinkDesk } from './ack-route.ts';
import { DurableNotificationQueue } from './notification-queue.ts';

export interface DeliveryDependencies {
  db: Database.Database;
  sender: ContactSender;
  composer: MessageComposer;
  directory: Pick<Directory, 'person' | 'contact'>;
  alerts: () => Pick<AlertBook, 'get' | 'acknowledge'>;
  incidents?: () => Pick<IncidentBook, 'get'>;
  runbooks?: RunbookLibrary;
}

export interface Delivery {
  queue: DurableNotificationQueue;
  ackLinks: SignedAckLinks;
  ackDesk: AckLinkDesk;
}

export function createDelivery(core: AlertingCore, d: DeliveryDependencies): Delivery {
  const ackLinks = new SignedAckLinks(d.db, core.settings.ackLinkTtlMs);
  const incidents = d.incidents;
  const queue = new DurableNotificationQueue({
    core,
    db: d.db,
    sender: d.sender,
    composer: d.composer,
    directory: d.directory,
    alert: (id) => d.alerts().get(id),
    ...(incidents ? { incident: (id: number) => incidents().get(id) } : {}),
    ...(d.runbooks ? { runbooks: d.runbooks } : {}),
    ackLinks,
  });
  const ackDesk: AckLinkDesk = {
    links: ackLinks,
    alerts: { get: (id) => d.alerts().get(id), acknowledge: (...args) => d.alerts().acknowledge(...args) },
    clock: core.clock,
  };
  return { queue, ackLinks, ackDesk };
}
