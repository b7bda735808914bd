/**
 * The controller's narrow face (controller/controller.ts implements it): what the parts that start
 * after it and outside its core — the HTTP side (controller/http/http-side.ts), measurements — may
 * read and hear. Nothing here lets them decide: they read the status, readiness and history, ask the
 * request router as any client would, log people in with the broker's logins, and listen to its events.
 */
import type { TypedEmitter } from '../lib/typed-emitter.ts';
import type { OperationName } from '../protocols/contract.ts';
import type { ControllerEvent, NewEvent } from '../protocols/events.ts';
import type { DeviceHealth, StatusData } from '../protocols/schemas.ts';
import type { AnnouncerCounters } from './broker/announcer.ts';
import type { FleetCounters } from './fleet/fleet.ts';
import type { IntakeCounters } from './fleet/intake.ts';
import type { LoginResult } from './identity/identities.ts';
import type { RequestRouter } from './requests.ts';
import type { History } from './store/history.ts';
import type { SessionRows } from './store/session-rows.ts';
import type { HealthSampleStore } from './store/health-samples.ts';
import type { AckLinkDesk } from './alerting/delivery/ack-route.ts';
import type { LatestPictures } from './fleet/pictures.ts';
import { noAlertmanagerCounts, type AlertmanagerCounters } from './alerting/alertmanager/sink.ts';

/** The controller's own counters: each part counts what it declares (fleet, intake, announcer), the wiring the rest. */
export interface ControllerCounters extends FleetCounters, IntakeCounters, AnnouncerCounters, AlertmanagerCounters {
  failovers: number;
  /** Errors caught in the controller's message handlers. */
  handlerErrors: number;
  /** Stored rows skipped because they no longer match their schema. */
  corruptRows: number;
}

export const noCounts = (): ControllerCounters => ({
  healthMessages: 0,
  invalidPayloads: 0,
  staleMessages: 0,
  stateChanges: 0,
  failovers: 0,
  handlerErrors: 0,
  unpublishable: 0,
  corruptRows: 0,
  fencedPublishes: 0,
  ...noAlertmanagerCounts(),
});

/** One-to-many signals: the part that emits does not know who listens. Listeners run synchronously, in subscription order. */
export interface ControllerEvents {
  /** An event recorded in the log (committed or held for the store): the announcer, the metrics, the console's live feed. */
  eventStored: (event: ControllerEvent) => void;
  /** A request answered, over MQTT or HTTP (the metrics). */
  requestServed: (op: OperationName, status: 'ok' | 'error', ms: number) => void;
  /** A device's health the fleet took in: the plan's maintenance, the program path, the console's health history. */
  healthNoted: (agent: string, device: string, health: DeviceHealth) => void;
}

export interface Readiness {
  ready: boolean;
  /** Why not, in words (empty when ready). */
  reasons: string[];
}

export interface ControllerFace {
  readonly emitter: TypedEmitter<ControllerEvents>;
  readonly counters: Readonly<ControllerCounters>;
  status(): StatusData;
  /** Ready: the store open and the broker connected (/readyz). */
  readiness(): Readiness;
  /** The request router: `ask` answers as over MQTT; `serve` adds the operations of a part that starts later. */
  readonly requests: Pick<RequestRouter, 'ask' | 'serve'>;
  /** The broker's logins (people, tools): the HTTP API's too. */
  login(username: string, password: string, source?: string): Promise<LoginResult>;
  /** The event log read back (bounded, asynchronous). */
  readonly history: Pick<History, 'event' | 'events'>;
  /** Records an event as the controller's own (an acknowledged alarm): stored, announced, heard by every listener. */
  record(event: NewEvent): ControllerEvent;
  eventLogSize(): number;
  /** The console's sessions in the shared store (hashed ids): the HTTP side keeps its logins there, so a takeover keeps them. */
  readonly consoleSessions?: SessionRows;
  /** The wall's live pictures, the newest per device (GET /api/picture/{agent}/{device}). */
  readonly pictures?: Pick<LatestPictures, 'latest'>;
  /** Each device's metric samples in the store, how often one is kept, and alerting's flap window (the console's device page). */
  readonly healthSamples?: { store: HealthSampleStore; sampleMs: number; flapWindowMs: number };
  /** With emergency response running: the signed acknowledgement links the HTTP side serves at /ack/{token}. */
  readonly ackLinks?: AckLinkDesk;
}
