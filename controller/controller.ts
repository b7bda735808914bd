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
import { slotDefinitions, type ControllerConfig } from './config.ts';
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
  private ticker: NodeJS.Timeout | undefined;
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
    this.commands = new CommandClient({ clock, send: (agent, command) => this.publish('command', topic.command(agent), command) });
    this.engine = new FailoverEngine(
      {
        clock,
        log,
        status: (ref) => this.registry.status(ref.agent, ref.device),
        activate: (ref, params, issuedBy, timeoutMs) => this.sendCommand(ref, 'activate', params, issuedBy, timeoutMs),
        standby: (ref, issuedBy) => void this.sendCommand(ref, 'standby', {}, issuedBy, 5_000).catch(() => undefined),
        tally: (board, tally, on, issuedBy) =>
          void this.sendCommand(board, on ? 'tally-on' : 'tally-off', { tally }, issuedBy, 2_000).catch((err: Error) =>
            log.warn({ agent: board.agent, device: board.device, tally, err: err.message }, 'tally command failed'),
          ),
        record: (e) => this.recordFailoverEvent(e),
        publish: (state) => this.publish('slot', topic.slot(state.slot), state),
        saveActive: (slot, active) => this.store.saveSlotActive(slot, active, clock.now()),
        activateTimeoutMs: config.failover.activateTimeoutMs,
      },
      slotDefinitions(config),
      this.store.loadSlotAssignments(),
    );
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
        'profile.add': (p, by) => {
          const created = this.store.addProfile(p.profile, clock.now(), by);
          if (created) this.record({ type: 'profile.added', ts: clock.now(), by, data: { profile: p.profile.profile, version: p.profile.version } });
          return { profile: p.profile.profile, version: p.profile.version, created };
        },
        'profile.list': () => ({
          profiles: this.store.profiles().map(({ profile: p, addedAt, addedBy }) => ({ profile: p.profile, version: p.version, manufacturer: p.manufacturer, model: p.model, kind: p.kind, driver: p.driver, addedAt, addedBy })),
        }),
        'device.add': (p, by) => {
          const r = p.registration;
          if (!this.store.profile(r.profile, r.profileVersion)) throw new Error(`no profile "${r.profile}" version ${r.profileVersion}; add it with onair profile add`);
          const created = this.store.saveRegistration(r, clock.now());
          this.record({ type: 'device.added', ts: clock.now(), agent: r.agent, device: r.device, by, data: { profile: r.profile, version: r.profileVersion, changed: !created } });
          return { agent: r.agent, device: r.device, created };
        },
        'device.list': (p) => ({ devices: this.store.registrations().filter((r) => (!p.agent || r.agent === p.agent) && (!p.studio || r.studio === p.studio)) }),
        'device.show': (p) => {
          const found = this.store.registrations().find((r) => r.agent === p.agent && r.device === p.device);
          if (!found) throw new Error(`no registered device ${p.agent}/${p.device}`);
          return found;
        },
        'device.remove': (p, by) => {
          if (!this.store.removeRegistration(p.agent, p.device)) throw new Error(`no registered device ${p.agent}/${p.device}`);
          this.record({ type: 'device.removed', ts: clock.now(), agent: p.agent, device: p.device, by, ...(p.reason ? { reason: p.reason } : {}), data: {} });
          return { agent: p.agent, device: p.device };
        },
        'profile.show': (p) => {
          const found = this.store.profile(p.profile, p.version);
          if (!found) throw new Error(`no profile "${p.profile}"${p.version === undefined ? '' : ` version ${p.version}`}`);
          return found;
        },
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
    this.setOnAir(config.onAir || wasOnAir, 'controller', wasOnAir ? 'resumed after restart' : 'config');
    this.ticker = setInterval(() => this.tick(), config.detection.tickMs);
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.commands.cancelAll('controller stopping');
    if (this.bus.connected) this.publish('controllerState', topic.controllerState(), { online: false, ts: this.d.clock.now() });
    await this.bus.close();
    await this.broker?.close();
    this.store.close();
  }

  status(): StatusData {
    return {
      onAir: this.engine.isOnAir(),
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

  setOnAir(onAir: boolean, by: string, reason?: string): void {
    if (this.engine.isOnAir() !== onAir) this.record({ type: 'onair.changed', ts: this.d.clock.now(), by, ...(reason ? { reason } : {}), data: { onAir } });
    this.engine.setOnAir(onAir);
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
        if (payload.length === 0) return; // a cleared retained message
        const m = codecs.deviceHealth.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.counters.healthMessages! += 1;
        this.apply(this.registry.applyHealth(parsed.agentId, parsed.deviceId, m.value, now), mqttTopic);
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
      case 'request':
        void this.router.handle(parsed.op, payload);
        return;
      default:
        return;
    }
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
      this.record({ type: 'device.state', ts: change.at, agent: change.agent, device: change.device, reason: change.reason, data: { from: change.from, to: change.to } });
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
    this.record({ ...e, ts: this.d.clock.now() });
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
