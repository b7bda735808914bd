/**
 * Wires the controller's parts: broker link, fleet (registry and what the controller can see),
 * failover engine (decisions), catalog, plan, store (durability) and the request router. Message
 * handling is O(1) per message; disk writes happen only when something changes state. It stops in
 * order: stop deciding, let what is in flight end, then close the link, the broker and the store.
 */
import path from 'node:path';
import { errorMessage } from '../lib/timeout.ts';
import { Announcer } from './announcer.ts';
import { controllerSubscriptions, responseTopic, topic, userResponseTopic, type PayloadOf, type TopicName } from '../protocols/contract.ts';
import type { DeviceRef, FailoverData, FailoverParams, StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent, EventsParams } from '../protocols/events.ts';
import type { EmbeddedBroker } from './broker.ts';
import type { Identities } from './identities.ts';
import { RateLimiter } from '../lib/rate-limit.ts';
import { catalogHandlers, identityHandlers } from './request-handlers.ts';
import { ControllerMetrics } from './metrics.ts';
import { httpSettings, startHttpServer, type HttpServer, type Readiness } from './http-server.ts';
import { CONTROLLER_VERSION } from './version.ts';
import { openBrokerLink, readControllerBrokerSecrets } from './broker-link.ts';
import type { Bus } from './bus.ts';
import { CommandClient } from './command-client.ts';
import { Catalog } from './catalog.ts';
import { SelfTestRunner } from './self-test.ts';
import { Plan } from './plan.ts';
import { ProgramPath } from './program-path.ts';
import { FailoverEngine, type FailoverEvent } from './failover-engine.ts';
import { Fleet } from './fleet.ts';
import { MessageIntake } from './intake.ts';
import { Registry } from './registry.ts';
import { RequestRouter, type Handlers } from './requests.ts';
import { Store, storageAlarms, type NewEvent, type StoreHooks } from './store.ts';
import type { ControllerDependencies } from './controller-dependencies.ts';
import { ConsoleHub } from './console-hub.ts';
import { adoptStandbyView } from './standby-picture.ts';
import { SqliteHistory } from './history.ts';
import { Retention } from './retention.ts';

const STORE_RETRY_MS = 1_000; // how often writes the disk refused are tried again

export type { ControllerDependencies } from './controller-dependencies.ts';

export class Controller {
  readonly counters: Record<string, number> = { healthMessages: 0, invalidPayloads: 0, staleMessages: 0, stateChanges: 0, failovers: 0, handlerErrors: 0, unpublishable: 0, corruptRows: 0, fencedPublishes: 0 };
  private bus!: Bus;
  private broker: EmbeddedBroker | undefined;
  private store!: Store;
  private registry!: Registry;
  private fleet!: Fleet;
  private engine!: FailoverEngine;
  private program!: ProgramPath;
  private commands!: CommandClient;
  private router!: RequestRouter;
  private intake!: MessageIntake;
  private catalog!: Catalog;
  private selfTests!: SelfTestRunner;
  private plan!: Plan;
  private ticker: NodeJS.Timeout | undefined;
  private planTicker: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private retention: Retention | undefined;
  /** The engineer's on-air override; shows on air arm failover too. */
  private manualOnAir = false;
  private stopping = false;
  private connects = 0;
  brokerUrl = '';
  private brokerProblem: () => string | undefined = () => undefined;
  /** Enrolled agents and people: the broker's logins. */
  identities!: Identities;
  /** What the controller says on the broker: checked, term-tagged, fenced, events once stored (controller/announcer.ts). */
  private readonly say: Announcer;
  readonly metrics = new ControllerMetrics({ status: () => this.status(), counters: this.counters, eventLogSize: () => this.store.eventCount() });
  private http: HttpServer | undefined;
  /** The console's sessions, live feed and health history (controller/console-hub.ts). */
  console!: ConsoleHub;

  private constructor(private readonly d: ControllerDependencies) {
    this.say = new Announcer({ bus: () => this.bus, log: d.log, counters: this.counters, leader: d.leader, durable: () => this.store.durable() });
  }

  static async start(d: ControllerDependencies): Promise<Controller> {
    const controller = new Controller(d);
    await controller.boot();
    return controller;
  }

  private async boot(): Promise<void> {
    const { config, clock, log } = this.d;
    const hooks: StoreHooks = {
      onCorrupt: (table, key, reason) => {
        this.counters.corruptRows! += 1;
        log.warn({ table, key: key.slice(0, 100), reason }, 'skipped a stored row that no longer matches its schema');
      },
      ...storageAlarms({ log, clock, record: (e) => this.record(e) }),
      onMigrated: (r) => log.info({ from: r.from, to: r.to, applied: r.applied }, 'brought the database schema up to date'),
    };
    this.store = this.d.openStore ? await this.d.openStore(hooks) : new Store(path.resolve(this.d.baseDir ?? process.cwd(), config.dataDir), hooks);
    this.d.takeover?.mark('storeOpened');
    this.registry = new Registry(config.detection);
    this.console = new ConsoleHub({ clock, status: () => this.status(), history: this.store.history, record: (e) => this.record(e) });
    // Agents reconnect with backoff after a restart; give them this long before deadlines apply again.
    this.registry.restore(this.store.loadAgents(), this.store.loadDevices(), clock.now(), config.detection.restartGraceMs);
    this.catalog = new Catalog({
      store: this.store.catalog,
      clock,
      log,
      record: (e) => this.record(e),
      failAfterProbes: config.detection.failAfterProbes,
      publishDesired: (agent, desired) => this.publish('desiredConfig', topic.desiredConfig(agent), { ...desired, ...this.say.term() }),
      status: (ref) => this.registry.status(ref.agent, ref.device),
      forgetDevice: (ref) => this.fleet.forget(ref.agent, ref.device),
      slots: {
        assertDefinable: (id) => this.engine.assertDefinable(id),
        exists: (id) => this.engine.definition(id) !== undefined,
        define: (slot) => this.engine.defineSlot(slot),
        remove: (id) => this.engine.removeSlot(id),
        membership: (ref) => this.engine.slotsOf(ref),
        removalBlocked: (id) => {
          if (this.engine.isSlotOnAir(id)) return 'it is on air';
          const show = this.plan.shows.list({}).shows.find((s) => (s.state === 'scheduled' || s.state === 'on_air') && s.slots.includes(id));
          return show ? `show ${show.id} (${show.state}) needs it` : undefined;
        },
      },
    });
    this.commands = new CommandClient({ clock, send: (agent, command) => this.publish('command', topic.command(agent), { ...command, ...this.say.term() }) });
    this.fleet = new Fleet({
      registry: this.registry,
      store: this.store,
      record: (e) => this.record(e),
      clock,
      log,
      decisions: { onDeviceStatus: (ref, to) => this.engine.onDeviceStatus(ref, to), onAgentReachable: (agent) => this.engine.onAgentReachable(agent), reevaluate: () => this.engine.reevaluate() },
      catalog: this.catalog,
      noteHealth: (agent, device, health) => (this.plan.noteHealth(agent, device, health), this.program.noteHealth(agent, device, health), this.console.noteHealth(agent, device, health)),
      bus: () => this.bus,
      counters: this.counters,
      graceMs: config.detection.restartGraceMs,
      linkCheckMs: config.detection.linkCheckMs,
      leading: () => this.say.mayAct(),
    });
    this.program = new ProgramPath({
      clock,
      log,
      command: (ref, action, params, issuedBy) => this.sendCommand(ref, action, params, issuedBy, config.failover.activateTimeoutMs),
      record: (e) => this.record(e),
      liveSwitcher: (ref) => this.engine.slotsOf(ref).map((id) => this.engine.liveOf(id)).find((live) => live !== null) ?? ref,
      onProgramChanged: (_switcher, known) => this.engine.onProgramChanged(known),
    });
    this.engine = new FailoverEngine(
      {
        clock,
        log,
        status: (ref) => this.registry.status(ref.agent, ref.device),
        reachable: (ref) => this.fleet.reachable(ref),
        fleet: () => this.fleet.view(),
        activate: (ref, params, issuedBy, timeoutMs) => {
          const role = this.catalog.role(ref, 'activate', params);
          return this.sendCommand(ref, role.action, role.params, issuedBy, timeoutMs);
        },
        standby: (ref, issuedBy) => {
          const role = this.catalog.role(ref, 'standby', {});
          void this.sendCommand(ref, role.action, role.params, issuedBy, 5_000).catch(() => undefined);
        },
        tally: (board, tally, on, issuedBy) => {
          if (!this.fleet.reachable(board)) return; // told again when its agent is heard (TallyLamps.resend)
          void this.sendCommand(board, on ? 'tally-on' : 'tally-off', { tally }, issuedBy, 2_000).catch((err: Error) =>
            log.warn({ agent: board.agent, device: board.device, tally, err: err.message }, 'tally command failed'),
          );
        },
        record: (e) => this.recordFailoverEvent(e),
        publish: (state) => this.publish('slot', topic.slot(state.slot), { ...state, ...this.say.term() }),
        unpublish: (slotId) => this.bus.publish(topic.slot(slotId), Buffer.alloc(0), { qos: 1, retain: true }),
        saveActive: (slot, active) => this.store.saveSlotActive(slot, active, clock.now()),
        activateTimeoutMs: config.failover.activateTimeoutMs,
        program: this.program,
      },
      this.catalog.slotDefinitions(),
      this.store.loadSlotAssignments(),
    );
    this.selfTests = new SelfTestRunner({
      clock,
      command: (ref, action, params, timeoutMs) => this.commands.send({ target: ref, action, params, issuedBy: 'self-test', timeoutMs }),
      protectedReason: (ref) => this.plan.onAirReason(ref),
    });
    this.plan = new Plan({
      store: this.store.plan,
      clock,
      log,
      record: (e) => this.record(e),
      catalog: this.catalog,
      selfTests: this.selfTests,
      slot: (id) => this.engine.definition(id),
      swap: (slot, to, reason) => this.engine.requestFailover(slot, `${to.agent}/${to.device}`, reason, 'preshow'),
      manualOnAir: () => this.manualOnAir,
      slotsOf: (ref) => this.engine.slotsOf(ref),
      onAirChanged: (by, reason) => this.refreshOnAir(by, reason),
      stream: (slot, on, by) => this.program.stream(slot, this.engine.liveOf(slot), on, by),
      live: (slot) => this.engine.liveOf(slot),
      history: this.store.history,
      settings: config.plan,
    });
    this.router = new RequestRouter({
      log,
      respond: (op, payload, user) => this.bus.publish(user === undefined ? responseTopic(op) : userResponseTopic(user, op), payload, { qos: 1, retain: false }),
      onInvalid: (op, reason) => this.intake.countInvalid(`controller/requests/${op}`, reason),
      limiter: new RateLimiter({ clock, perSecond: 10, burst: 30 }),
      refusalAnswers: new RateLimiter({ clock, perSecond: 1, burst: 1 }),
      observe: (op, status, ms) => this.metrics.onRequest(op, status, ms),
      handlers: this.handlers(),
    });

    this.intake = new MessageIntake({
      adoptLocal: (agent, decision) => this.engine.adoptLocal(agent, decision),
      fleet: this.fleet,
      commands: this.commands,
      catalog: this.catalog,
      router: this.router,
      record: (e) => this.record(e),
      clock,
      log,
      counters: this.counters,
      ...(this.d.onHealthHandled ? { onHealthHandled: this.d.onHealthHandled } : {}),
      onControllerOffline: () => (log.warn('controller/state was published offline while this controller runs (a late will): announcing again'), this.publishControllerState()),
    });
    this.identities = this.store.identities(clock);
    // On air BEFORE the broker link opens: its first connect publishes controller/state and every slot
    // state at once, and a leader taking over a show on air announced `onAir: false` for the moment
    // until setOnAir below ran (issue 20.5). Nothing is recorded or published here (no bus yet, the
    // fleet blind); setOnAir below records the change as before.
    this.d.takeover?.mark('partsBuilt');
    const wasOnAir = (await this.store.history.lastOnAir()) === true;
    this.d.takeover?.mark('onAirRead');
    this.engine.setOnAir(config.onAir || wasOnAir, new Set(this.plan.shows.onAir().flatMap((show) => show.slots)));
    const secrets = this.d.brokerSecrets ?? readControllerBrokerSecrets(config.broker, this.d.baseDir ?? process.cwd());
    // Nothing about the fleet is known until the first connect (which begins the agents' grace).
    if (!config.broker.embedded) this.registry.linkLost();
    this.d.takeover?.mark('brokerConnecting');
    const link = await openBrokerLink({ config: config.broker, secrets, clock, log, login: (u, p, source) => this.identities.login(u, p, source), listen: (bus) => this.listen(bus), retry: this.d.retryBrokerAtStart === true, dialed: this.d.dialedBroker, ...(config.name ? { name: config.name } : {}) });
    this.brokerProblem = link.problem;
    this.broker = link.broker;
    this.brokerUrl = link.url;
    // A controller that restarts mid-show must come back on air: a crash must not disarm failover.
    this.record({ type: 'controller.started', ts: clock.now(), data: { version: CONTROLLER_VERSION, broker: this.brokerUrl, resumedOnAir: wasOnAir } });
    await this.plan.recover();
    this.setOnAir(config.onAir || wasOnAir, 'controller', wasOnAir ? 'resumed after restart' : 'config');
    this.ticker = setInterval(() => this.fleet.tick(), config.detection.tickMs);
    this.flusher = setInterval(() => this.store.flush(), STORE_RETRY_MS);
    this.planTicker = setInterval(() => this.plan.tick(), config.plan.tickMs);
    this.retention = new Retention({ history: this.store.history, clock, log, days: config.history.retentionDays });
    const api = { router: this.router, login: (u: string, p: string, source?: string) => this.identities.login(u, p, source) };
    if (config.http.enabled) this.http = await startHttpServer(httpSettings(config, this.d.baseDir ?? process.cwd(), { log, metrics: this.metrics, readiness: () => this.readiness(), api, console: this.console }));
  }

  get httpUrl(): string | undefined { return this.http?.url; } // with http.enabled, e.g. http://127.0.0.1:8080

  /** Ready: the store open and the broker connected (/readyz). */
  readiness(): Readiness {
    const problem = this.brokerProblem();
    const broker = this.bus.connected ? [] : [`the broker is not connected${problem ? ` (${problem})` : ''}`];
    const reasons = [...(this.stopping ? ['stopping'] : []), ...broker, ...(this.store.isOpen() ? [] : ['the store is closed'])];
    return { ready: reasons.length === 0, reasons };
  }

  /** Stop deciding; let decisions in flight end without a verdict; then close the link, the broker and the store. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.ticker);
    clearInterval(this.planTicker);
    clearInterval(this.flusher);
    await this.retention?.stop();
    this.plan.stop(); // jobs still running stay "running" in the database: the next start re-queues them
    const halted = this.engine.halt();
    this.commands.cancelAll('controller stopping');
    await halted;
    await this.program.settled();
    if (this.bus.connected) this.publish('controllerState', topic.controllerState(), { online: false, ts: this.d.clock.now() });
    await this.bus.close();
    await this.broker?.close();
    this.console.close();
    await this.http?.close();
    await this.store.close();
  }

  status(): StatusData {
    return {
      onAir: this.engine.isOnAir(),
      showsOnAir: this.plan.shows.onAir().map((s) => s.id),
      ...this.say.leader(),
      ...this.registry.summary(),
      slots: this.engine.states(),
      program: this.program.summary(),
      counters: { ...this.counters, ...this.storeCounters() },
    };
  }

  private storeCounters(): Record<string, number> {
    const b = this.store.backlog();
    return { heldEvents: b.events, heldWrites: b.writes, droppedEvents: b.droppedEvents };
  }

  /** Manual failover; resolves once the new device confirmed `activate`. */
  failover(request: FailoverParams, by: string): Promise<FailoverData> {
    return this.engine.requestFailover(request.slot, request.to, request.reason, by);
  }

  /** In-process reads of the embedded (SQLite) log, bounded by `limit` (tests, diagnostics); requests read the history asynchronously. */
  events(query: EventsParams = {}): ControllerEvent[] {
    const history = this.store.history;
    if (!(history instanceof SqliteHistory)) throw new Error('the event log in PostgreSQL is read with the events request');
    return history.read(query);
  }

  /** The engineer's override (`onair on-air`); failover stays armed while any show is on air regardless. */
  setOnAir(onAir: boolean, by: string, reason?: string): void {
    const changed = this.manualOnAir !== onAir;
    this.manualOnAir = onAir;
    this.refreshOnAir(by, reason, changed);
  }

  private refreshOnAir(by: string, reason?: string, manualChanged = false): void {
    const wasOnAir = this.engine.isOnAir();
    const showSlots = new Set(this.plan.shows.onAir().flatMap((show) => show.slots));
    this.engine.setOnAir(this.manualOnAir, showSlots);
    const onAir = this.engine.isOnAir();
    if (wasOnAir !== onAir || manualChanged) {
      this.record({ type: 'onair.changed', ts: this.d.clock.now(), by, ...(reason ? { reason } : {}), data: { onAir, manualOnAir: this.manualOnAir, slots: [...showSlots] } });
    }
    this.publishControllerState();
  }

  private handlers(): Handlers {
    return {
      status: () => this.status(),
      failover: (p, by) => this.failover(p, by),
      events: async (p) => ({ events: await this.store.history.events(p) }),
      'on-air': (p, by) => {
        this.setOnAir(p.onAir, by, p.reason);
        return { onAir: this.engine.isOnAir() };
      },
      ...catalogHandlers(this.catalog),
      ...this.plan.handlers(),
      ...this.console.handlers(),
      ...identityHandlers({ identities: () => this.identities, record: (e) => this.record(e), now: () => this.d.clock.now() }),
    };
  }

  /** Before the first connect event: it subscribes and publishes through this bus. */
  private listen(bus: Bus): void {
    this.bus = bus;
    bus.onMessage((t, payload, retained) => this.onMessage(t, payload, retained));
    bus.onConnect(() => this.onConnect(bus));
    bus.onDisconnect(() => this.fleet.linkDown());
  }

  private onConnect(bus: Bus): void {
    if (this.stopping) return;
    this.connects += 1;
    this.fleet.linkUp();
    if (this.connects === 1) this.d.takeover?.mark('brokerConnected');
    if (this.connects > 1) this.record({ type: 'broker.restored', ts: this.d.clock.now(), reason: 'the controller reconnected to its broker; agents get their grace to re-announce', data: {} });
    const { deviceHealth, ...events } = controllerSubscriptions;
    // Health is retained state, not an event: the agent's QoS 1 publish already secures it at the
    // broker, and a resubscribe redelivers the latest value. Taking it at QoS 0 halves the packets per
    // message on the controller's side (no PUBACK round trip). Births, deaths, results and requests stay QoS 1.
    bus.subscribe([deviceHealth], 0);
    bus.subscribe(Object.values(events), 1);
    this.publishControllerState();
    this.say.connected();
    if (this.d.leader) this.d.takeover?.announced(this.d.leader.info.term);
    this.engine.publishAll();
    this.catalog.publishAllDesired();
    const view = this.connects === 1 ? this.d.standbyView?.() : undefined;
    if (view) adoptStandbyView(view, { term: this.d.leader?.info.term, fleet: this.fleet, engine: this.engine, log: this.d.log });
  }

  private publishControllerState(): void {
    this.publish('controllerState', topic.controllerState(), { online: true, ts: this.d.clock.now(), onAir: this.engine.isOnAir(), version: CONTROLLER_VERSION, ...this.say.leader() });
  }

  /** Called from inside the broker's delivery: nothing may escape from here into aedes. */
  private onMessage(mqttTopic: string, payload: Buffer, retained: boolean): void {
    if (this.stopping) return; // wills published while the broker closes are not failures
    try {
      this.fleet.heard();
      this.intake.handle(mqttTopic, payload, retained);
    } catch (err) {
      this.counters.handlerErrors! += 1;
      this.d.log.error({ topic: mqttTopic.slice(0, 200), err: errorMessage(err), stack: (err as Error).stack }, 'handling a message failed; the message is dropped, the controller carries on');
    }
  }

  /** The decision is stored before the command goes (PostgreSQL: committed under this leader's term, bounded wait). */
  private sendCommand(ref: DeviceRef, action: string, params: Record<string, unknown>, issuedBy: string, timeoutMs: number) {
    this.record({ type: 'command.sent', ts: this.d.clock.now(), agent: ref.agent, device: ref.device, by: issuedBy, data: { action, params } });
    const send = () => this.commands.send({ target: ref, action, params, issuedBy, timeoutMs });
    const stored = this.store.durable();
    return stored ? stored.then(send) : send();
  }

  private recordFailoverEvent(e: FailoverEvent): void {
    if (e.type === 'failover.succeeded') this.counters.failovers! += 1;
    this.record(e);
    if (e.type === 'failover.succeeded') this.plan.liveChanged(e.slot);
  }

  private record(event: NewEvent): ControllerEvent {
    const stored = this.store.appendEvent(event);
    this.metrics.onEvent(stored);
    this.console.onEvent(stored);
    this.say.event(stored);
    return stored;
  }

  private publish<N extends TopicName>(name: N, mqttTopic: string, payload: PayloadOf<N>): void {
    this.say.publish(name, mqttTopic, payload);
  }

}
