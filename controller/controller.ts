/**
 * Wires the controller's parts: broker link, fleet (registry and what the controller can see),
 * failover engine (decisions), catalog, plan, store (durability) and the request router. Message
 * handling is O(1) per message; disk writes happen only when something changes state. It stops in
 * order: stop deciding, let what is in flight end, then close the link, the broker and the store.
 */
import path from 'node:path';
import { errorMessage } from '../lib/timeout.ts';
import { TypedEmitter } from '../lib/typed-emitter.ts';
import { Announcer } from './broker/announcer.ts';
import { controllerSubscriptions, topic } from '../protocols/contract.ts';
import type { FailoverData, FailoverParams, StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent, EventsParams, NewEvent } from '../protocols/events.ts';
import type { EmbeddedBroker } from './broker/broker.ts';
import type { Identities, LoginResult } from './identity/identities.ts';
import { catalogHandlers, identityHandlers } from './request-handlers.ts';
import { wallLayoutHandlers } from './wall-layout-handlers.ts';
import { CONTROLLER_VERSION } from './version.ts';
import { openBrokerLink, readControllerBrokerSecrets } from './broker/broker-link.ts';
import type { Bus } from './broker/bus.ts';
import type { CoreHandlers } from './requests.ts';
import { Store, storageAlarms, type StoreHooks } from './store/store.ts';
import type { ControllerDependencies } from './controller-dependencies.ts';
import { noCounts, type ControllerCounters, type ControllerEvents, type ControllerFace, type Readiness } from './controller-face.ts';
import { createParts, type ControllerParts, type Core } from './controller-parts.ts';
import { adoptStandbyView } from './pair/standby-picture.ts';
import { SqliteHistory } from './store/history.ts';
import { Retention } from './store/retention.ts';

const STORE_RETRY_MS = 1_000; // how often writes the disk refused are tried again

export type { ControllerDependencies } from './controller-dependencies.ts';

/** Parts that start on a running controller's face (its HTTP side): closed first when it stops. */
export interface Attached {
  close(): Promise<void>;
}

export class Controller implements ControllerFace {
  readonly counters: ControllerCounters = noCounts();
  /** Stored events, answered requests and health noted, to whoever listens (controller/controller-face.ts). */
  readonly emitter = new TypedEmitter<ControllerEvents>();
  private bus!: Bus; // set before the first connect (listen), which is before anything is sent
  private broker: EmbeddedBroker | undefined;
  /** Built by boot (controller/controller-parts.ts); nothing reads them before. */
  private parts!: ControllerParts;
  private ticker: NodeJS.Timeout | undefined;
  private planTicker: NodeJS.Timeout | undefined;
  /** People, studios, contact points and the duty rota (issue 23): built with the handlers. */
  private flusher: NodeJS.Timeout | undefined;
  private retention: Retention | undefined;
  private readonly attached: Attached[] = [];
  /** The engineer's on-air override; shows on air arm failover too. */
  private manualOnAir = false;
  private stopping = false;
  private connects = 0;
  brokerUrl = '';
  private brokerProblem: () => string | undefined = () => undefined;
  /** Enrolled agents and people: the broker's logins. */
  identities!: Identities;
  /** What the controller says on the broker: checked, term-tagged, fenced, events once stored (controller/broker/announcer.ts). */
  private readonly say: Announcer;

  private constructor(private readonly d: ControllerDependencies) {
    this.say = new Announcer({
      bus: () => this.bus,
      log: d.log,
      counters: this.counters,
      leader: d.leader,
      durable: () => this.parts.store.durable(),
    });
    this.emitter.on('eventStored', (stored) => this.say.event(stored));
  }

  static async start(d: ControllerDependencies): Promise<Controller> {
    const controller = new Controller(d);
    await controller.boot();
    return controller;
  }

  private async boot(): Promise<void> {
    const { config, clock, log } = this.d;
    const store = await this.openStore();
    this.d.takeover?.mark('storeOpened');
    const core: Core = {
      config,
      clock,
      log,
      counters: this.counters,
      emitter: this.emitter,
      say: this.say,
      bus: () => this.bus,
      record: (e) => this.record(e),
    };
    this.parts = createParts(core, store, {
      onAir: { manualOnAir: () => this.manualOnAir, refreshOnAir: (by, reason) => this.refreshOnAir(by, reason) },
      handlers: (parts) => this.handlers(parts),
      status: () => this.status(),
      ...(this.d.onHealthHandled ? { onHealthHandled: this.d.onHealthHandled } : {}),
      onControllerOffline: () => (
        log.warn('controller/state was published offline while this controller runs (a late will): announcing again'),
        this.publishControllerState()
      ),
    });
    const { registry, engine, plan, fleet } = this.parts;
    this.identities = store.identities(clock);
    // On air BEFORE the broker link opens: its first connect publishes controller/state and every slot
    // state at once, and a leader taking over a show on air announced `onAir: false` for the moment
    // until setOnAir below ran (issue 20.5). Nothing is recorded or published here (no bus yet, the
    // fleet blind); setOnAir below records the change as before.
    this.d.takeover?.mark('partsBuilt');
    const wasOnAir = (await store.history.lastOnAir()) === true;
    this.d.takeover?.mark('onAirRead');
    engine.setOnAir(config.onAir || wasOnAir, new Set(plan.shows.onAir().flatMap((show) => show.slots)));
    const secrets = this.d.brokerSecrets ?? readControllerBrokerSecrets(config.broker, this.d.baseDir ?? process.cwd());
    // Nothing about the fleet is known until the first connect (which begins the agents' grace).
    if (!config.broker.embedded) registry.linkLost();
    this.d.takeover?.mark('brokerConnecting');
    const link = await openBrokerLink({
      config: config.broker,
      secrets,
      clock,
      log,
      login: (u, p, source) => this.login(u, p, source),
      listen: (bus) => this.listen(bus),
      retry: this.d.retryBrokerAtStart === true,
      dialed: this.d.dialedBroker,
      ...(config.name ? { name: config.name } : {}),
    });
    this.brokerProblem = link.problem;
    this.broker = link.broker;
    this.brokerUrl = link.url;
    // A controller that restarts mid-show must come back on air: a crash must not disarm failover.
    this.record({
      type: 'controller.started',
      ts: clock.now(),
      data: { version: CONTROLLER_VERSION, broker: this.brokerUrl, resumedOnAir: wasOnAir },
    });
    await plan.recover();
    this.setOnAir(config.onAir || wasOnAir, 'controller', wasOnAir ? 'resumed after restart' : 'config');
    this.ticker = setInterval(() => fleet.tick(), config.detection.tickMs);
    this.flusher = setInterval(() => store.flush(), STORE_RETRY_MS);
    this.planTicker = setInterval(() => {
      plan.tick();
      this.parts.alerting.tick();
    }, config.plan.tickMs);
    this.retention = new Retention({ history: store.history, clock, log, days: config.history.retentionDays });
    // This controller leads from here (a pair's standby becomes a Controller only when it takes over):
    // what the last leader queued is sent now, and open alerts go to Alertmanager again.
    this.parts.alerting.lead();
  }

  private openStore(): Promise<Store> | Store {
    const { config, clock, log } = this.d;
    const hooks: StoreHooks = {
      onCorrupt: (table, key, reason) => {
        this.counters.corruptRows += 1;
        log.warn({ table, key: key.slice(0, 100), reason }, 'skipped a stored row that no longer matches its schema');
      },
      ...storageAlarms({ log, clock, record: (e) => this.record(e) }),
      onMigrated: (r) => log.info({ from: r.from, to: r.to, applied: r.applied }, 'brought the database schema up to date'),
    };
    return this.d.openStore ? this.d.openStore(hooks) : new Store(path.resolve(this.d.baseDir ?? process.cwd(), config.dataDir), hooks);
  }

  /** A part started on this controller's face (its HTTP side): closed first when the controller stops. */
  attach(part: Attached): void {
    this.attached.push(part);
  }

  readiness(): Readiness {
    const problem = this.brokerProblem();
    const broker = this.bus.connected ? [] : [`the broker is not connected${problem ? ` (${problem})` : ''}`];
    const reasons = [...(this.stopping ? ['stopping'] : []), ...broker, ...(this.parts.store.isOpen() ? [] : ['the store is closed'])];
    return { ready: reasons.length === 0, reasons };
  }

  /**
   * Close what was started on it (its HTTP side: requests in flight are answered first); stop deciding;
   * let decisions in flight end without a verdict; then close the link, the broker and the store.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const part of this.attached.splice(0).reverse()) await part.close();
    const { plan, engine, commands, program, store } = this.parts;
    clearInterval(this.ticker);
    clearInterval(this.planTicker);
    clearInterval(this.flusher);
    await this.retention?.stop();
    plan.stop(); // jobs still running stay "running" in the database: the next start re-queues them
    const halted = engine.halt();
    commands.cancelAll('controller stopping');
    await halted;
    await program.settled();
    await this.parts.alerting.stop(); // sends in flight end; what is queued stays queued for the next leader
    if (this.bus.connected) this.say.publish('controllerState', topic.controllerState(), { online: false, ts: this.d.clock.now() });
    await this.bus.close();
    await this.broker?.close();
    await store.close();
  }

  status(): StatusData {
    const { engine, plan, registry, program, store } = this.parts;
    const backlog = store.backlog();
    return {
      onAir: engine.isOnAir(),
      showsOnAir: plan.shows.onAir().map((s) => s.id),
      ...this.say.leader(),
      ...registry.summary(),
      slots: engine.states(),
      program: program.summary(),
      counters: { ...this.counters, heldEvents: backlog.events, heldWrites: backlog.writes, droppedEvents: backlog.droppedEvents },
    };
  }

  /** Acknowledgement links in notifications (controller/alerting/delivery/): the HTTP side serves /ack/<token>. */
  get ackLinks(): ControllerFace['ackLinks'] {
    return this.parts.alerting.ackDesk;
  }

  get requests(): ControllerFace['requests'] {
    return this.parts.router;
  }

  get consoleSessions(): ControllerFace['consoleSessions'] {
    return this.parts.store.consoleSessions;
  }

  get history(): ControllerFace['history'] {
    return this.parts.store.history;
  }

  login(username: string, password: string, source?: string): Promise<LoginResult> {
    return this.identities.login(username, password, source);
  }

  eventLogSize(): number {
    return this.parts.store.eventCount();
  }

  /** Manual failover; resolves once the new device confirmed `activate`. */
  failover(request: FailoverParams, by: string): Promise<FailoverData> {
    return this.parts.engine.requestFailover(request.slot, request.to, request.reason, by);
  }

  /** In-process reads of the embedded (SQLite) log, bounded by `limit` (tests, diagnostics); requests read the history asynchronously. */
  events(query: EventsParams = {}): ControllerEvent[] {
    const history = this.parts.store.history;
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
    const { engine, plan } = this.parts;
    const wasOnAir = engine.isOnAir();
    const showSlots = new Set(plan.shows.onAir().flatMap((show) => show.slots));
    engine.setOnAir(this.manualOnAir, showSlots);
    const onAir = engine.isOnAir();
    if (wasOnAir !== onAir || manualChanged) {
      this.record({
        type: 'onair.changed',
        ts: this.d.clock.now(),
        by,
        ...(reason ? { reason } : {}),
        data: { onAir, manualOnAir: this.manualOnAir, slots: [...showSlots] },
      });
    }
    this.publishControllerState();
  }

  /** The operations the core answers (the console side serves its own: controller/requests.ts LaterOperation). */
  private handlers({ store, engine, catalog, plan, alerting }: ControllerParts): CoreHandlers {
    const planHandlers = plan.handlers();
    return {
      status: () => this.status(),
      failover: (p, by) => this.failover(p, by),
      events: async (p) => ({ events: await store.history.events(p) }),
      'on-air': (p, by) => {
        this.setOnAir(p.onAir, by, p.reason);
        return { onAir: engine.isOnAir() };
      },
      ...catalogHandlers(catalog),
      ...planHandlers,
      ...alerting.vetOwners(planHandlers),
      ...identityHandlers({ identities: () => this.identities, record: (e) => this.record(e), now: () => this.d.clock.now() }),
      ...alerting.handlers,
      ...wallLayoutHandlers({ rows: store.wallLayouts, now: () => this.d.clock.now() }),
    };
  }

  /** Before the first connect event: it subscribes and publishes through this bus. */
  private listen(bus: Bus): void {
    this.bus = bus;
    bus.onMessage((t, payload, retained) => this.onMessage(t, payload, retained));
    bus.onConnect(() => this.onConnect(bus));
    bus.onDisconnect(() => this.parts.fleet.linkDown());
  }

  private onConnect(bus: Bus): void {
    if (this.stopping) return;
    const { fleet, engine, catalog } = this.parts;
    this.connects += 1;
    fleet.linkUp();
    if (this.connects === 1) this.d.takeover?.mark('brokerConnected');
    if (this.connects > 1)
      this.record({
        type: 'broker.restored',
        ts: this.d.clock.now(),
        reason: 'the controller reconnected to its broker; agents get their grace to re-announce',
        data: {},
      });
    const { deviceHealth, ...events } = controllerSubscriptions;
    // Health is retained state, not an event: the agent's QoS 1 publish already secures it at the
    // broker, and a resubscribe redelivers the latest value. Taking it at QoS 0 halves the packets per
    // message on the controller's side (no PUBACK round trip). Births, deaths, results and requests stay QoS 1.
    bus.subscribe([deviceHealth], 0);
    bus.subscribe(Object.values(events), 1);
    this.publishControllerState();
    this.say.connected();
    if (this.d.leader) this.d.takeover?.announced(this.d.leader.info.term);
    engine.publishAll();
    catalog.publishAllDesired();
    const view = this.connects === 1 ? this.d.standbyView?.() : undefined;
    if (view) adoptStandbyView(view, { term: this.d.leader?.info.term, fleet, engine, log: this.d.log });
  }

  private publishControllerState(): void {
    this.say.publish('controllerState', topic.controllerState(), {
      online: true,
      ts: this.d.clock.now(),
      onAir: this.parts.engine.isOnAir(),
      version: CONTROLLER_VERSION,
      ...this.say.leader(),
    });
  }

  /** Called from inside the broker's delivery: nothing may escape from here into aedes. */
  private onMessage(mqttTopic: string, payload: Buffer, retained: boolean): void {
    if (this.stopping) return; // wills published while the broker closes are not failures
    try {
      this.parts.fleet.heard();
      this.parts.intake.handle(mqttTopic, payload, retained);
    } catch (err) {
      this.counters.handlerErrors += 1;
      this.d.log.error(
        { topic: mqttTopic.slice(0, 200), err: errorMessage(err), stack: (err as Error).stack },
        'handling a message failed; the message is dropped, the controller carries on',
      );
    }
  }

  /** Stored (or held for the store), then to every listener: the announcer, and the HTTP side's metrics and live feed when it runs. */
  record(event: NewEvent): ControllerEvent {
    const stored = this.parts.store.appendEvent(event);
    this.emitter.emit('eventStored', stored);
    return stored;
  }
}
