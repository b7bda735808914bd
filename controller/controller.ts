/**
 * Wires the controller's parts: broker connection, registry (state), failure detector
 * (inside the registry's pure steps), failover engine (decisions), store (durability)
 * and the request router. Message handling is O(1) per message; disk writes happen only
 * when something changes state.
 */
import path from 'node:path';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { connectMqtt, waitForConnect } from '../lib/mqtt-connection.ts';
import { codecs, encode } from '../protocols/codec.ts';
import { TOPICS, controllerSubscriptions, parseTopic, responseTopic, topic, type PayloadOf, type TopicName } from '../protocols/contract.ts';
import type { ControllerEvent, DeviceRef, EventsParams, FailoverData, FailoverParams, StatusData } from '../protocols/schemas.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { mqttBus, type Bus } from './bus.ts';
import { CommandClient } from './command-client.ts';
import type { ControllerConfig } from './config.ts';
import { Catalog } from './catalog.ts';
import { SelfTestRunner } from './self-test.ts';
import { Plan } from './plan.ts';
import { FailoverEngine, type FailoverEvent } from './failover-engine.ts';
import { Registry, type RegistryResult } from './registry.ts';
import { RequestRouter } from './requests.ts';
import { Store, type NewEvent } from './store.ts';

export const CONTROLLER_VERSION = '0.1.0';

export interface ControllerDependencies {
  config: ControllerConfig;
  clock: Clock;
  log: Logger;
  /** Directory the config file is in: a relative dataDir is resolved against it. */
  baseDir?: string;
  brokerPassword?: string;
  /** Hook for measurements: called after each health message is handled, with its age in ms. */
  onHealthHandled?: (latencyMs: number) => void;
}

export class Controller {
  readonly counters: Record<string, number> = { healthMessages: 0, invalidPayloads: 0, staleMessages: 0, stateChanges: 0, failovers: 0 };
  private bus!: Bus;
  private broker: EmbeddedBroker | undefined;
  private store!: Store;
  private registry!: Registry;
  private engine!: FailoverEngine;
  private commands!: CommandClient;
  private router!: RequestRouter;
  private catalog!: Catalog;
  private selfTests!: SelfTestRunner;
  private plan!: Plan;
  private ticker: NodeJS.Timeout | undefined;
  private planTicker: NodeJS.Timeout | undefined;
  /** The engineer's on-air override; shows on air arm failover too. */
  private manualOnAir = false;
  brokerUrl = '';

  private constructor(private readonly d: ControllerDependencies) {}

  static async start(d: ControllerDependencies): Promise<Controller> {
    const controller = new Controller(d);
    await controller.boot();
    return controller;
  }

  private async boot(): Promise<void> {
    const { config, clock, log } = this.d;
    this.store = new Store(path.resolve(this.d.baseDir ?? process.cwd(), config.dataDir));
    this.registry = new Registry(config.detection);
    // Agents reconnect with backoff after a restart; give them this long before deadlines apply again.
    this.registry.restore(this.store.loadAgents(), this.store.loadDevices(), clock.now(), config.detection.restartGraceMs);
    this.catalog = new Catalog({
      store: this.store.catalog,
      clock,
      log,
      record: (e) => this.record(e),
      publishDesired: (agent, desired) => this.publish('desiredConfig', topic.desiredConfig(agent), desired),
      status: (ref) => this.registry.status(ref.agent, ref.device),
      forgetDevice: (ref) => this.forgetDevice(ref.agent, ref.device),
      slots: {
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
    this.commands = new CommandClient({ clock, send: (agent, command) => this.publish('command', topic.command(agent), command) });
    this.engine = new FailoverEngine(
      {
        clock,
        log,
        status: (ref) => this.registry.status(ref.agent, ref.device),
        activate: (ref, params, issuedBy, timeoutMs) => {
          const role = this.catalog.role(ref, 'activate', params);
          return this.sendCommand(ref, role.action, role.params, issuedBy, timeoutMs);
        },
        standby: (ref, issuedBy) => {
          const role = this.catalog.role(ref, 'standby', {});
          void this.sendCommand(ref, role.action, role.params, issuedBy, 5_000).catch(() => undefined);
        },
        tally: (board, tally, on, issuedBy) =>
          void this.sendCommand(board, on ? 'tally-on' : 'tally-off', { tally }, issuedBy, 2_000).catch((err: Error) =>
            log.warn({ agent: board.agent, device: board.device, tally, err: err.message }, 'tally command failed'),
          ),
        record: (e) => this.recordFailoverEvent(e),
        publish: (state) => this.publish('slot', topic.slot(state.slot), state),
        unpublish: (slotId) => this.bus.publish(topic.slot(slotId), Buffer.alloc(0), { qos: 1, retain: true }),
        saveActive: (slot, active) => this.store.saveSlotActive(slot, active, clock.now()),
        activateTimeoutMs: config.failover.activateTimeoutMs,
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
      events: (until) => this.store.eventsUntil(until),
      settings: config.plan,
    });
    this.router = new RequestRouter({
      log,
      respond: (op, payload) => this.bus.publish(responseTopic(op), payload, { qos: 1, retain: false }),
      onInvalid: (op, reason) => this.countInvalid(`controller/requests/${op}`, reason),
      handlers: {
        status: () => this.status(),
        failover: (p, by) => this.failover(p, by),
        events: (p) => ({ events: this.events(p) }),
        'on-air': (p, by) => {
          this.setOnAir(p.onAir, by, p.reason);
          return { onAir: this.engine.isOnAir() };
        },
        'profile.add': (p, by) => this.catalog.addProfile(p, by),
        'profile.list': () => this.catalog.listProfiles(),
        'profile.show': (p) => this.catalog.showProfile(p),
        'device.add': (p, by) => this.catalog.addDevice(p, by),
        'device.list': (p) => this.catalog.listDevices(p),
        'device.show': (p) => this.catalog.showDevice(p),
        'device.remove': (p, by) => this.catalog.removeDevice(p, by),
        'slot.add': (p, by) => this.catalog.defineSlot(p, by),
        'slot.list': () => this.catalog.listSlots(),
        'slot.remove': (p, by) => this.catalog.removeSlot(p, by),
        ...this.plan.handlers(),
      },
    });

    if (config.broker.embedded) {
      this.broker = await startEmbeddedBroker({ port: config.broker.port, host: config.broker.host, log });
      this.brokerUrl = this.broker.url;
      this.bus = this.broker.bus(log);
      this.listen();
    } else {
      if (!config.broker.url) throw new Error('broker.url is required when broker.embedded is false');
      this.brokerUrl = config.broker.url;
      const client = connectMqtt({
        url: this.brokerUrl,
        clientId: 'onair-controller',
        username: config.broker.username,
        password: this.d.brokerPassword,
        log,
        will: () => ({ topic: topic.controllerState(), payload: encode('controllerState', { online: false, ts: clock.now() }), qos: 1, retain: true }),
      });
      this.bus = mqttBus(client);
      this.listen(); // before the first connect event, or its subscriptions are never made
      await waitForConnect(client, 10_000);
    }
    // A controller that restarts mid-show must come back on air: a crash must not disarm failover.
    const wasOnAir = this.store.lastOnAir() === true;
    this.record({ type: 'controller.started', ts: clock.now(), data: { version: CONTROLLER_VERSION, broker: this.brokerUrl, resumedOnAir: wasOnAir } });
    this.plan.recover();
    this.setOnAir(config.onAir || wasOnAir, 'controller', wasOnAir ? 'resumed after restart' : 'config');
    this.ticker = setInterval(() => this.tick(), config.detection.tickMs);
    this.planTicker = setInterval(() => this.plan.tick(), config.plan.tickMs);
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    if (this.planTicker) clearInterval(this.planTicker);
    this.plan.stop(); // jobs still running stay "running" in the database: the next start re-queues them
    this.commands.cancelAll('controller stopping');
    if (this.bus.connected) this.publish('controllerState', topic.controllerState(), { online: false, ts: this.d.clock.now() });
    await this.bus.close();
    await this.broker?.close();
    this.store.close();
  }

  status(): StatusData {
    return {
      onAir: this.engine.isOnAir(),
      showsOnAir: this.plan.shows.onAir().map((s) => s.id),
      agents: this.registry.allAgents().map((a) => ({ agent: a.id, online: a.online, session: a.session, lastSeenAt: a.lastSeenAt })),
      devices: this.registry.allDevices().map((r) => ({
        agent: r.agent,
        device: r.device,
        status: r.track.status,
        since: r.track.since,
        reported: r.track.reported,
        lastHealthAt: r.track.lastHealthAt,
        ...(r.driver ? { driver: r.driver } : {}),
        ...(r.kind ? { kind: r.kind } : {}),
        ...(r.track.detail ? { detail: r.track.detail } : {}),
      })),
      slots: this.engine.states(),
      counters: { ...this.counters },
    };
  }

  /** Manual failover; resolves once the new device confirmed `activate`. */
  failover(request: FailoverParams, by: string): Promise<FailoverData> {
    return this.engine.requestFailover(request.slot, request.to, request.reason, by);
  }

  events(query: EventsParams = {}): ControllerEvent[] {
    return this.store.events(query);
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



  private listen(): void {
    this.bus.onMessage((t, payload) => this.onMessage(t, payload));
    this.bus.onConnect(() => this.onConnect());
  }

  private onConnect(): void {
    const { deviceHealth, ...events } = controllerSubscriptions;
    // Health is retained state, not an event: the agent's QoS 1 publish already secures it at the
    // broker, and a resubscribe redelivers the latest value. Taking it at QoS 0 halves the packets per
    // message on the controller's side (no PUBACK round trip). Births, deaths, results and requests stay QoS 1.
    this.bus.subscribe([deviceHealth], 0);
    this.bus.subscribe(Object.values(events), 1);
    this.publishControllerState();
    this.engine.publishAll();
    this.catalog.publishAllDesired();
  }

  private publishControllerState(): void {
    this.publish('controllerState', topic.controllerState(), { online: true, ts: this.d.clock.now(), onAir: this.engine.isOnAir(), version: CONTROLLER_VERSION });
  }

  private onMessage(mqttTopic: string, payload: Buffer): void {
    const parsed = parseTopic(mqttTopic);
    if (!parsed) return;
    const now = this.d.clock.now();
    switch (parsed.name) {
      case 'agentState': {
        const m = codecs.agentState.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.apply(this.registry.applyAgentState(parsed.agentId, m.value, now), mqttTopic);
        return;
      }
      case 'heartbeat': {
        const m = codecs.heartbeat.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.apply(this.registry.applyHeartbeat(parsed.agentId, m.value, now), mqttTopic);
        return;
      }
      case 'deviceHealth': {
        if (payload.length === 0) return this.onHealthCleared(parsed.agentId, parsed.deviceId);
        const m = codecs.deviceHealth.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.counters.healthMessages! += 1;
        if (this.catalog.isRetiring(parsed.agentId, parsed.deviceId)) return void (this.counters.staleMessages! += 1);
        this.apply(this.registry.applyHealth(parsed.agentId, parsed.deviceId, m.value, now), mqttTopic);
        this.plan.maintenance.noteHealth(parsed.agentId, parsed.deviceId, m.value);
        this.d.onHealthHandled?.(this.d.clock.now() - m.value.ts);
        return;
      }
      case 'commandResult': {
        const m = codecs.commandResult.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        if (this.commands.onResult(parsed.agentId, m.value) && m.value.status !== 'accepted') {
          this.record({ type: 'command.result', ts: now, agent: parsed.agentId, device: m.value.device, data: { ...m.value } });
        }
        return;
      }
      case 'appliedConfig': {
        if (payload.length === 0) return;
        const m = codecs.appliedConfig.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.catalog.onApplied(parsed.agentId, m.value);
        return;
      }
      case 'request':
        void this.router.handle(parsed.op, payload);
        return;
      default:
        return;
    }
  }

  /**
   * An agent clears a device's retained health when it stops running it for good. One that is not
   * registered (a stale cached config ran it until the agent heard from us) is forgotten, not left
   * to miss its health deadline and raise a false failure.
   */
  private onHealthCleared(agent: string, device: string): void {
    if (!this.registry.device(agent, device) || this.catalog.isRegistered(agent, device)) return;
    this.forgetDevice(agent, device);
    this.d.log.info({ agent, device }, 'device no longer run by its agent and not registered: forgotten');
  }

  private forgetDevice(agent: string, device: string): void {
    this.registry.removeDevice(agent, device);
    this.store.deleteDevice(agent, device);
  }

  private apply(result: RegistryResult, mqttTopic: string): void {
    if (result.ignored) {
      this.counters.staleMessages! += 1;
      this.d.log.debug({ topic: mqttTopic, reason: result.ignored }, 'ignored a stale message');
      return;
    }
    const now = this.d.clock.now();
    if (result.agentChange) {
      const c = result.agentChange;
      const agent = this.registry.agent(c.agent);
      if (agent) this.store.saveAgent(agent);
      this.record({ type: c.online ? 'agent.online' : 'agent.offline', ts: now, agent: c.agent, reason: c.reason, data: { session: c.session } });
      this.d.log[c.online ? 'info' : 'warn']({ agent: c.agent, session: c.session, reason: c.reason }, c.online ? 'agent online' : 'agent offline');
    }
    for (const change of result.deviceChanges) {
      this.counters.stateChanges! += 1;
      const record = this.registry.device(change.agent, change.device);
      if (record) this.store.saveDevice(record);
      this.record({ type: 'device.state', ts: change.at, agent: change.agent, device: change.device, reason: change.reason, data: { from: change.from, to: change.to, ...(change.failingSince !== undefined ? { failingSince: change.failingSince } : {}) } });
      this.d.log[change.to === 'ok' ? 'info' : 'warn']({ agent: change.agent, device: change.device, from: change.from, to: change.to, reason: change.reason }, 'device state changed');
      this.engine.onDeviceStatus({ agent: change.agent, device: change.device }, change.to);
    }
  }

  private tick(): void {
    for (const result of this.registry.tick(this.d.clock.now())) this.apply(result, '(deadline)');
  }

  private sendCommand(ref: DeviceRef, action: string, params: Record<string, unknown>, issuedBy: string, timeoutMs: number) {
    this.record({ type: 'command.sent', ts: this.d.clock.now(), agent: ref.agent, device: ref.device, by: issuedBy, data: { action, params } });
    return this.commands.send({ target: ref, action, params, issuedBy, timeoutMs });
  }

  private recordFailoverEvent(e: FailoverEvent): void {
    if (e.type === 'failover.succeeded') this.counters.failovers! += 1;
    this.record(e);
  }

  private record(event: NewEvent): ControllerEvent {
    const stored = this.store.appendEvent(event);
    if (this.bus?.connected) this.publish('controllerEvents', topic.controllerEvents(), stored);
    return stored;
  }

  private countInvalid(mqttTopic: string, reason: string): void {
    this.counters.invalidPayloads! += 1;
    this.d.log.warn({ topic: mqttTopic, reason, count: this.counters.invalidPayloads }, 'dropped an invalid payload');
  }

  private publish<N extends TopicName>(name: N, mqttTopic: string, payload: PayloadOf<N>): void {
    const spec = TOPICS[name];
    this.bus.publish(mqttTopic, encode(name, payload), { qos: spec.qos, retain: spec.retain });
  }
}
