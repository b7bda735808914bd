/**
 * Builds the controller's parts (controller/controller.ts runs them), one small `create…` function a
 * part, in the order they need each other. What a part needs of one built before it is passed as
 * that object: the engine is the fleet's FleetDecisions, the catalog's CatalogSlots and the plan's
 * PlanSlots; the program path is the engine's ProgramSwitch. One-to-many signals go through the
 * controller's typed emitter (`healthNoted`, `requestServed`).
 *
 * The run-time cycles are the parts' own (a slot's removal asks the plan, the plan swaps through the
 * engine): a part built before the one it reaches reads it through `parts` when called, never while
 * being built. They are, all of them:
 * - engine → catalog (a device's activate and standby actions), fleet (reachable, fleet view);
 * - catalog → plan (a show needs the slot), fleet (forget a device);
 * - program path → engine (which switcher is live, program changed);
 * - self-tests → plan (a device on air is protected);
 * - router → intake (invalid requests are counted with the invalid payloads);
 * - registry → engine and the plan's shows (what a member's slots allow of a content fault: the
 *   content watch wires it, controller/failover/content-policy.ts).
 */
import os from 'node:os';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { RateLimiter } from '../lib/rate-limit.ts';
import type { TypedEmitter } from '../lib/typed-emitter.ts';
import { responseTopic, topic, userResponseTopic } from '../protocols/contract.ts';
import type { ControllerEvent, NewEvent } from '../protocols/events.ts';
import type { CommandResult, DeviceRef, Params, StatusData } from '../protocols/schemas.ts';
import { encodeStatusAnswer } from './status-answer.ts';
import type { Announcer } from './broker/announcer.ts';
import type { Bus } from './broker/bus.ts';
import type { ControllerConfig } from './config.ts';
import type { ControllerCounters, ControllerEvents } from './controller-face.ts';
import { FailoverEngine, type FailoverEvent } from './failover/failover-engine.ts';
import { ProgramPath } from './failover/program-path.ts';
import { ContentWatch } from './failover/content-watch.ts';
import { toleranceOf } from './failover/content-policy.ts';
import type { MediaRole } from '../protocols/media.ts';
import { sameRef } from '../protocols/device-ref.ts';
import { Catalog } from './fleet/catalog/catalog.ts';
import { CommandClient } from './fleet/command-client.ts';
import { Fleet } from './fleet/fleet.ts';
import { MessageIntake } from './fleet/intake.ts';
import { LatestPictures } from './fleet/pictures.ts';
import { Registry } from './fleet/registry.ts';
import { Plan } from './plan/plan.ts';
import { SelfTestRunner } from './plan/self-test.ts';
import { RequestRouter, type CoreHandlers } from './requests.ts';
import type { Store } from './store/store.ts';
import { createAlerting, type Alerting } from './alerting/create-alerting.ts';

/** What every part is built with: the controller's settings, its log and counters, and how it records, announces and hears. */
export interface Core {
  config: ControllerConfig;
  clock: Clock;
  log: Logger;
  counters: ControllerCounters;
  emitter: TypedEmitter<ControllerEvents>;
  /** What the controller says on the broker (controller/broker/announcer.ts). */
  say: Announcer;
  bus: () => Bus;
  record: (event: NewEvent) => ControllerEvent;
}

/** The engineer's on-air switch, the controller's own (the plan's shows on air arm failover too). */
export interface OnAirSwitch {
  manualOnAir(): boolean;
  refreshOnAir(by: string, reason?: string): void;
}

export interface ControllerParts {
  store: Store;
  registry: Registry;
  catalog: Catalog;
  commands: CommandClient;
  program: ProgramPath;
  engine: FailoverEngine;
  fleet: Fleet;
  selfTests: SelfTestRunner;
  plan: Plan;
  router: RequestRouter;
  intake: MessageIntake;
  content: ContentWatch;
  /** The wall's live pictures: the newest per registered device, in memory (issue 24). */
  pictures: LatestPictures;
  /** Who is told, how and when; incidents and runbooks (issue 23: controller/alerting/). */
  alerting: Alerting;
}

export interface PartsSettings {
  onAir: OnAirSwitch;
  handlers: (parts: ControllerParts) => CoreHandlers;
  /** The `status` picture (its answer is encoded around the devices' kept JSON: controller/status-answer.ts). */
  status: () => StatusData;
  onHealthHandled?: (latencyMs: number) => void;
  onControllerOffline: () => void;
}

export function createParts(core: Core, store: Store, s: PartsSettings): ControllerParts {
  // Filled in the order below; a part only reads a later one when called (the cycles named above).
  const parts = { store, registry: createRegistry(core, store) } as ControllerParts;
  parts.commands = new CommandClient({
    clock: core.clock,
    send: (agent, command) => core.say.publish('command', topic.command(agent), { ...command, ...core.say.term() }),
  });
  parts.program = createProgramPath(core, parts);
  parts.engine = createEngine(core, parts);
  parts.catalog = createCatalog(core, parts);
  parts.catalog.nameAll();
  parts.fleet = createFleet(core, parts);
  parts.selfTests = new SelfTestRunner({
    clock: core.clock,
    command: (ref, action, params, timeoutMs) => parts.commands.send({ target: ref, action, params, issuedBy: 'self-test', timeoutMs }),
    protectedReason: (ref) => parts.plan.onAirReason(ref),
  });
  parts.plan = createPlan(core, parts, s.onAir);
  parts.alerting = createAlertingPart(core, parts);
  parts.router = createRouter(core, parts, s.handlers(parts), s.status);
  parts.intake = createIntake(core, parts, s);
  parts.content = createContentWatch(core, parts);
  parts.pictures = new LatestPictures({
    clock: core.clock,
    log: core.log,
    known: (agent, device) => parts.registry.device(agent, device) !== undefined || parts.catalog.isRegistered(agent, device),
  });
  // Health the fleet took in, to those that keep an eye on it (the console's history subscribes when it starts).
  core.emitter.on('healthNoted', (agent, device, health) => parts.plan.noteHealth(agent, device, health));
  core.emitter.on('healthNoted', (agent, device, health) => parts.program.noteHealth(agent, device, health));
  core.emitter.on('healthNoted', (agent, device, health) => parts.content.noteHealth(agent, device, health));
  // A show added or changed (a quiet window is recorded as show.added, changed), ended or cancelled: the
  // tolerance agents that fail over alone hold changes with it.
  core.emitter.on('eventStored', (e) => {
    if (e.type === 'show.added' || e.type === 'show.ended' || e.type === 'show.cancelled') parts.catalog.refreshAgentsDrivingAlone();
  });
  return parts;
}

function createAlertingPart(core: Core, parts: ControllerParts): Alerting {
  const { config } = core;
  return createAlerting({
    settings: config.alerting,
    clock: core.clock,
    log: core.log,
    record: core.record,
    store: parts.store,
    picture: { fleet: parts.fleet, slots: parts.engine, registry: parts.registry, catalog: parts.catalog, shows: parts.store.plan },
    eventStored: (listener) => core.emitter.on('eventStored', listener),
    leading: () => core.say.mayAct(),
    // Without alerting.publicUrl, links name this machine: right for a console reached by its host name.
    publicUrl: () => (config.http.enabled && config.http.port !== 0 ? `http://${os.hostname()}:${config.http.port}` : undefined),
    counters: core.counters,
  });
}

/** What a device's slots allow of a content fault now: its slot definitions and the quiet windows of the shows not over. */
function contentTolerance(parts: ControllerParts, ref: DeviceRef) {
  const slots = parts.engine.slotsOf(ref).flatMap((id) => parts.engine.definition(id) ?? []);
  return slots.length ? toleranceOf(slots, parts.store.plan.activeShows()) : undefined;
}

/** A device config's media role, with or without a media block (a source when it has none). */
const mediaRoleOf = (config: { id: string; media?: { role?: MediaRole } }): MediaRole => config.media?.role ?? 'source';

function createContentWatch(core: Core, parts: ControllerParts): ContentWatch {
  const { engine } = parts;
  parts.registry.judgeContentWith((agent, device) => contentTolerance(parts, { agent, device }));
  // Asked only when a fault begins or ends. A device from an agent's own file (or whose profile is gone) has no registration.
  const registered = (ref: DeviceRef) => {
    try {
      return parts.catalog.isRegistered(ref.agent, ref.device) ? parts.catalog.lookup(ref) : undefined;
    } catch {
      return undefined;
    }
  };
  return new ContentWatch({
    clock: core.clock,
    log: core.log,
    record: core.record,
    roleOf: (ref) => {
      const found = registered(ref);
      return found ? mediaRoleOf(found.config) : 'source';
    },
    studioOf: (ref) => registered(ref)?.registration.studio,
    onAir: () => engine.isOnAir(),
    liveIn: (ref) => engine.slotsOf(ref).filter((id) => engine.isSlotOnAir(id) && sameRef(engine.liveOf(id), ref)),
    tolerance: (ref) => contentTolerance(parts, ref),
    sources: () =>
      engine
        .states()
        .filter((s) => s.onAir && s.active)
        .map((s) => ({ ref: s.active!, status: parts.registry.status(s.active!.agent, s.active!.device) })),
  });
}

function createRegistry(core: Core, store: Store): Registry {
  const registry = new Registry(core.config.detection);
  // Agents reconnect with backoff after a restart; give them this long before deadlines apply again.
  registry.restore(store.loadAgents(), store.loadDevices(), core.clock.now(), core.config.detection.restartGraceMs);
  return registry;
}

function createCatalog(core: Core, parts: ControllerParts): Catalog {
  const { clock, log, config } = core;
  return new Catalog({
    store: parts.store.catalog,
    clock,
    log,
    record: core.record,
    detection: config.detection,
    activeShows: () => parts.store.plan.activeShows(),
    publishDesired: (agent, desired) => core.say.publish('desiredConfig', topic.desiredConfig(agent), { ...desired, ...core.say.term() }),
    status: (ref) => parts.registry.status(ref.agent, ref.device),
    forgetDevice: (ref) => parts.fleet.forget(ref.agent, ref.device),
    named: (ref, names) => parts.registry.name(ref.agent, ref.device, names),
    slots: parts.engine,
    removalBlocked: (id) => {
      if (parts.engine.isSlotOnAir(id)) return 'it is on air';
      const show = parts.plan.shows.list({}).shows.find((s) => (s.state === 'scheduled' || s.state === 'on_air') && s.slots.includes(id));
      return show ? `show ${show.id} (${show.state}) needs it` : undefined;
    },
  });
}

function createProgramPath(core: Core, parts: ControllerParts): ProgramPath {
  return new ProgramPath({
    clock: core.clock,
    log: core.log,
    command: (ref, action, params, issuedBy) =>
      sendCommand(core, parts, ref, action, params, issuedBy, core.config.failover.activateTimeoutMs),
    record: core.record,
    liveSwitcher: (ref) =>
      parts.engine
        .slotsOf(ref)
        .map((id) => parts.engine.liveOf(id))
        .find((live) => live !== null) ?? ref,
    onProgramChanged: (_switcher, known) => parts.engine.onProgramChanged(known),
  });
}

function createEngine(core: Core, parts: ControllerParts): FailoverEngine {
  const { clock, log, config } = core;
  const send = (ref: DeviceRef, action: string, params: Params, issuedBy: string, timeoutMs: number) =>
    sendCommand(core, parts, ref, action, params, issuedBy, timeoutMs);
  return new FailoverEngine(
    {
      clock,
      log,
      status: (ref) => parts.registry.status(ref.agent, ref.device),
      reachable: (ref) => parts.fleet.reachable(ref),
      fleet: () => parts.fleet.view(),
      activate: (ref, params, issuedBy, timeoutMs) => {
        const role = parts.catalog.role(ref, 'activate', params);
        return send(ref, role.action, role.params, issuedBy, timeoutMs);
      },
      standby: (ref, issuedBy) => {
        const role = parts.catalog.role(ref, 'standby', {});
        void send(ref, role.action, role.params, issuedBy, 5_000).catch(() => undefined);
      },
      tally: (board, tally, on, issuedBy) => {
        if (!parts.fleet.reachable(board)) return; // told again when its agent is heard (TallyLamps.resend)
        void send(board, on ? 'tally-on' : 'tally-off', { tally }, issuedBy, 2_000).catch((err: Error) =>
          log.warn({ agent: board.agent, device: board.device, tally, err: err.message }, 'tally command failed'),
        );
      },
      record: (e) => recordFailoverEvent(core, parts, e),
      publish: (state) => core.say.publish('slot', topic.slot(state.slot), { ...state, ...core.say.term() }),
      unpublish: (slotId) => core.bus().publish(topic.slot(slotId), Buffer.alloc(0), { qos: 1, retain: true }),
      saveActive: (slot, active) => parts.store.saveSlotActive(slot, active, clock.now()),
      activateTimeoutMs: config.failover.activateTimeoutMs,
      program: parts.program,
    },
    parts.store.catalog.slots(), // the catalog's slot definitions (the catalog is built after the engine, which it is given)
    parts.store.loadSlotAssignments(),
  );
}

function createFleet(core: Core, parts: ControllerParts): Fleet {
  return new Fleet({
    registry: parts.registry,
    store: parts.store,
    record: core.record,
    clock: core.clock,
    log: core.log,
    decisions: parts.engine,
    catalog: parts.catalog,
    noteHealth: (agent, device, health) => core.emitter.emit('healthNoted', agent, device, health),
    bus: core.bus,
    counters: core.counters,
    graceMs: core.config.detection.restartGraceMs,
    linkCheckMs: core.config.detection.linkCheckMs,
    leading: () => core.say.mayAct(),
  });
}

function createPlan(core: Core, parts: ControllerParts, onAir: OnAirSwitch): Plan {
  const { engine, program } = parts;
  return new Plan({
    store: parts.store.plan,
    clock: core.clock,
    log: core.log,
    record: core.record,
    catalog: parts.catalog,
    selfTests: parts.selfTests,
    slots: engine,
    manualOnAir: () => onAir.manualOnAir(),
    onAirChanged: (by, reason) => onAir.refreshOnAir(by, reason),
    stream: (slot, on, by) => program.stream(slot, engine.liveOf(slot), on, by),
    history: parts.store.history,
    status: (ref) => parts.registry.status(ref.agent, ref.device),
    settings: core.config.plan,
  });
}

function createRouter(core: Core, parts: ControllerParts, handlers: CoreHandlers, status: () => StatusData): RequestRouter {
  const { clock } = core;
  return new RequestRouter({
    log: core.log,
    respond: (op, payload, user) =>
      core.bus().publish(user === undefined ? responseTopic(op) : userResponseTopic(user, op), payload, { qos: 1, retain: false }),
    onInvalid: (op, reason) => parts.intake.countInvalid(`controller/requests/${op}`, reason),
    limiter: new RateLimiter({ clock, perSecond: 10, burst: 30 }),
    refusalAnswers: new RateLimiter({ clock, perSecond: 1, burst: 1 }),
    observe: (op, status, ms) => core.emitter.emit('requestServed', op, status, ms),
    handlers,
    preEncoded: { status: (transaction) => encodeStatusAnswer(transaction, status(), parts.registry.devicesJson()) },
  });
}

function createIntake(core: Core, parts: ControllerParts, s: PartsSettings): MessageIntake {
  return new MessageIntake({
    adoptLocal: (agent, decision) => parts.engine.adoptLocal(agent, decision),
    fleet: parts.fleet,
    commands: parts.commands,
    catalog: parts.catalog,
    router: parts.router,
    record: core.record,
    clock: core.clock,
    log: core.log,
    counters: core.counters,
    ...(s.onHealthHandled ? { onHealthHandled: s.onHealthHandled } : {}),
    onControllerOffline: s.onControllerOffline,
  });
}

/** The decision is stored before the command goes (PostgreSQL: committed under this leader's term, bounded wait). */
function sendCommand(
  core: Core,
  parts: ControllerParts,
  ref: DeviceRef,
  action: string,
  params: Params,
  issuedBy: string,
  timeoutMs: number,
): Promise<CommandResult> {
  core.record({ type: 'command.sent', ts: core.clock.now(), agent: ref.agent, device: ref.device, by: issuedBy, data: { action, params } });
  const send = () => parts.commands.send({ target: ref, action, params, issuedBy, timeoutMs });
  const stored = parts.store.durable();
  return stored ? stored.then(send) : send();
}

function recordFailoverEvent(core: Core, parts: ControllerParts, e: FailoverEvent): void {
  if (e.type === 'failover.succeeded') core.counters.failovers += 1;
  core.record(e);
  if (e.type === 'failover.succeeded') parts.plan.liveChanged(e.slot);
}
