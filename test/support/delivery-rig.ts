/**
 * What the delivery tests (controller/alerting/delivery/) share: a migrated store's alerting tables,
 * alerts and contact points to send about, a trivial composer (the real words are the channels'),
 * and the alerting core with a recorder of its events.
 */
import Database from 'better-sqlite3';
import { Value } from '@sinclair/typebox/value';
import { migrate } from '../../controller/store/migrations.ts';
import { AlertingSettings, type Alert, type ContactPoint } from '../../protocols/alerting.ts';
import type { AlertingCore, AlertMessage, MessageComposer } from '../../controller/alerting/types.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import type { Clock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';

export function alertingDb(file = ':memory:'): Database.Database {
  const db = new Database(file);
  migrate(db);
  return db;
}

export const settings = (over: Partial<AlertingSettings> = {}): AlertingSettings => ({ ...Value.Create(AlertingSettings), ...over });

export function alert(id: number, startsAt: number, over: Partial<Alert> = {}): Alert {
  return {
    id,
    key: `device:agent-a/cam-${id}`,
    kind: 'device',
    severity: 'critical',
    state: 'firing',
    labels: { agent: 'agent-a', device: `cam-${id}`, studio: 'studio-1' },
    summary: `cam-${id} failed on air`,
    startsAt,
    updatedAt: startsAt,
    count: 1,
    inhibits: [],
    events: [],
    level: 0,
    incident: 1,
    ...over,
  };
}

export const contact = (id: string, kind: ContactPoint['kind'], to: string, over: Partial<ContactPoint> = {}): ContactPoint => ({
  id,
  kind,
  to,
  ...over,
});

/** Words enough to see what was sent: the reason, the alert and what a digest carries. */
export const plainComposer: MessageComposer = {
  compose: (input): AlertMessage => ({
    reason: input.reason,
    locale: input.locale,
    title: input.alert ? input.alert.summary : `${input.reason}`,
    text: input.heldBack ? input.heldBack.map((a) => a.summary).join('\n') : (input.alert?.summary ?? ''),
    ...(input.alert ? { alert: input.alert } : {}),
    ...(input.heldBack ? { digest: input.heldBack.map((a) => a.summary) } : {}),
    ...(input.ackUrl ? { ackUrl: input.ackUrl } : {}),
  }),
};

export interface RecordedCore extends Pick<AlertingCore, 'settings' | 'clock' | 'log' | 'record' | 'leading' | 'publicUrl' | 'bus'> {
  events: NewEvent[];
  lead: boolean;
}

export function alertingCore(clock: Clock, over: Partial<AlertingSettings> = {}, publicUrl?: string): RecordedCore {
  const core: RecordedCore = {
    settings: settings(over),
    clock,
    log: silentLogger(),
    bus: new TypedEmitter(),
    events: [],
    lead: true,
    leading: () => core.lead,
    publicUrl: () => publicUrl,
    record: (event) => {
      core.events.push(event);
      return { ...event, seq: core.events.length } as ControllerEvent;
    },
  };
  return core;
}
