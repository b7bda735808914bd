/**
 * The agent process: one MQTT session (birth, will, heartbeat), its devices (from its own file
 * and from the controller's retained desired config, applied live), and the command executor.
 * It reconnects by itself and republishes its birth and every device's health after each reconnect.
 */
import os from 'node:os';
import type { MqttClient } from 'mqtt';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { connectMqtt, endMqtt, waitForConnect } from '../lib/mqtt-connection.ts';
import { codecs, encode } from '../protocols/codec.ts';
import { TOPICS, topic, type PayloadOf, type TopicName } from '../protocols/contract.ts';
import type { DesiredConfig } from '../protocols/device-config.ts';
import { LocalDecision } from '../protocols/schemas.ts';
import { Value } from '@sinclair/typebox/value';
import { CarryOn } from './carry-on.ts';
import type { AgentConfig } from './config.ts';
import { CommandExecutor } from './command-executor.ts';
import type { DesiredConfigCache } from './config-cache.ts';
import type { HealthReport } from './device-runner.ts';
import { DeviceSet } from './device-set.ts';
import type { DriverCatalog } from './driver.ts';
import { memoryKeptState, type KeptState } from './kept-state.ts';
import { createMediaWatch } from './media/media-watch.ts';
import type { MediaWatchFactory } from './media/with-media.ts';
import { PictureOutbox } from './media/picture-outbox.ts';
import { pictureTopic } from '../protocols/picture-topic.ts';
import { PICTURE_QOS, PICTURE_RETAIN } from '../protocols/pictures.ts';
import type { BrokerClientSecrets } from '../lib/broker-client.ts';

export const AGENT_VERSION = '0.1.0';

export interface AgentDependencies {
  config: AgentConfig;
  drivers: DriverCatalog;
  clock: Clock;
  log: Logger;
  /** The broker password and TLS files the config names, read by the caller (lib/broker-client.ts readBrokerSecrets). */
  brokerSecrets?: BrokerClientSecrets;
  /** Where the last applied desired config is kept, so a restart without the controller still runs the registered gear. */
  configCache?: DesiredConfigCache;
  /** Outputs the agent has set (DMX levels, relays), kept across restarts; in memory only when not given. */
  keptState?: KeptState;
  /** The media watch of a device with `media` in its config: ffmpeg's (agent/media/media-watch.ts) unless given. */
  mediaWatches?: MediaWatchFactory;
}

const SESSION_KEY = 'agent:session';
const DECISIONS_KEY = 'agent:local-decisions';
const SLOTS_PREFIX = topic.slot('');
const lastSession = (kept: KeptState): number => {
  const value = kept.read(SESSION_KEY);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
};

/** Built in for every device: a probe now, its health in the result (self-tests check what an action did). */
export const PROBE_ACTION = 'probe';

/** The longest pause between an agent's broker connection attempts. */
export const AGENT_RECONNECT_MAX_MS = 3_000;

export class Agent {
  private client: MqttClient | undefined;
  private session = 0;
  /** Subscribed to commands and birth published on the current connection. */
  private ready = false;
  private stopping = false;
  private readonly startedAt: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private aloneCheck: NodeJS.Timeout | undefined;
  private readonly devices: DeviceSet;
  private readonly executor: CommandExecutor;
  private readonly keptState: KeptState;
  /** Fails over the slots this agent drives alone while the controller is out of reach (agent/carry-on.ts). */
  private readonly carryOn: CarryOn;
  /** The wall's live pictures on their way: the newest per device, never a queue (agent/media/picture-outbox.ts). */
  private readonly pictures: PictureOutbox;
  readonly counters = { invalidPayloads: 0, commands: 0, healthPublished: 0, configsApplied: 0 };

  constructor(private readonly d: AgentDependencies) {
    this.startedAt = d.clock.now();
    this.pictures = new PictureOutbox({ send: (deviceId, jpeg, done) => this.sendPicture(deviceId, jpeg, done), log: d.log });
    this.keptState = d.keptState ?? memoryKeptState();
    this.devices = new DeviceSet({
      agentId: d.config.agentId,
      drivers: d.drivers,
      clock: d.clock,
      log: d.log,
      healthIntervalMs: d.config.healthIntervalMs,
      keptState: this.keptState,
      mediaWatches: d.mediaWatches ?? createMediaWatch,
      publishHealth: (deviceId, health) => this.publishHealth(deviceId, health),
      publishPicture: (deviceId, jpeg) => this.pictures.offer(deviceId, jpeg),
      forget: (deviceId) => {
        this.pictures.forget(deviceId);
        this.client?.publish(topic.deviceHealth(this.id, deviceId), '', { qos: 1, retain: true });
      },
    });
    this.executor = new CommandExecutor({
      agentId: d.config.agentId,
      clock: d.clock,
      log: d.log,
      target: (deviceId) => {
        const device = this.devices.get(deviceId);
        if (!device) return undefined;
        return {
          actions: [...device.definition.actions, PROBE_ACTION],
          execute: async (action, params, signal) => {
            if (action !== PROBE_ACTION) return device.runner.execute(action, params, signal);
            const { status, checks, metrics, ts } = await device.runner.freshHealth();
            return { data: { status, checks, metrics, ts } };
          },
        };
      },
      publish: (result) => this.publish('commandResult', topic.commandResult(this.id), result),
    });
    const kept = this.keptState.read(DECISIONS_KEY);
    this.carryOn = new CarryOn({
      agentId: d.config.agentId,
      clock: d.clock,
      log: d.log,
      aloneAfterMs: d.config.aloneAfterMs,
      kept: Array.isArray(kept) ? kept.filter((x): x is LocalDecision => Value.Check(LocalDecision, x)) : [],
      execute: (deviceId, action, params) => {
        const device = this.devices.get(deviceId);
        if (!device) return Promise.reject(new Error(`no device ${deviceId}`));
        return device.runner.execute(action, params, AbortSignal.timeout(device.config.actionTimeoutMs));
      },
      // Kept for a restart; carried by the birth and every heartbeat until the controller shows them adopted.
      onDecisions: (decisions) => {
        this.keptState.write(DECISIONS_KEY, decisions);
        if (decisions.length > 0) this.sendHeartbeat(); // at once if the controller is there to hear it
      },
    });
  }

  get id(): string {
    return this.d.config.agentId;
  }

  async start(connectTimeoutMs = 10_000): Promise<void> {
    const { config, log } = this.d;
    this.client = connectMqtt({
      url: config.broker.url,
      clientId: `onair-agent-${config.agentId}`,
      username: config.broker.username,
      password: this.d.brokerSecrets?.password,
      ...(this.d.brokerSecrets?.tls ? { tls: this.d.brokerSecrets.tls } : {}),
      log,
      writeCache: false, // keeps the agent small: see connectMqtt
      // Retries at least every 3 s (jittered), well inside the controller's restart grace (10 s by
      // default): a restarted controller hears every agent before it may count one as lost. A 10 s
      // cap let an agent whose attempts fell on a controller that was still down miss the grace.
      reconnect: { initialMs: 250, maxMs: AGENT_RECONNECT_MAX_MS },
      will: () => {
        // A new session per connect attempt: the controller ignores births and deaths older than the birth
        // it holds. It grows even when this machine's clock steps back (NTP, a replaced battery): the
        // last one is kept across restarts.
        this.session = Math.max(this.session + 1, this.d.clock.now(), lastSession(this.keptState) + 1);
        this.keptState.write(SESSION_KEY, this.session);
        this.keptState.flush();
        return { topic: topic.agentState(this.id), payload: encode('agentState', this.death()), qos: 1, retain: true };
      },
    });
    this.client.on('connect', () => (this.carryOn.onLink(true), this.onConnect()));
    this.client.on('close', () => ((this.ready = false), this.carryOn.onLink(false)));
    this.client.on('message', (t, payload, packet) => this.onMessage(t, payload, packet.retain));
    this.devices.startLocal(config.devices);
    const cached = this.d.configCache?.load();
    if (cached) {
      log.info(
        { agent: this.id, configVersion: cached.version, devices: cached.devices.length },
        'running the cached desired config until the controller sends its own',
      );
      this.applyDesired(cached, false);
    }
    this.heartbeat = setInterval(() => this.sendHeartbeat(), config.heartbeatIntervalMs);
    this.aloneCheck = setInterval(() => this.carryOn.tick(), 250); // acts the moment the controller has been gone long enough
    await waitForConnect(this.client, connectTimeoutMs);
  }

  /** stop() closed the client for good. */
  private closed = false;

  async stop(): Promise<void> {
    this.stopping = true; // our goodbye comes back to us: not a late will
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.aloneCheck) clearInterval(this.aloneCheck);
    await this.devices.stopAll();
    this.keptState.flush();
    if (this.client) {
      // A clean DISCONNECT discards the will [MQTT-3.1.2-10], so say goodbye explicitly.
      if (this.client.connected) this.publish('agentState', topic.agentState(this.id), this.death());
      await endMqtt(this.client);
      this.closed = true;
    }
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    this.ready = false;
    // Order matters: listen for commands before announcing anything, so no controller can
    // act on our health before we can hear it; then birth, then the latest health.
    client
      .subscribeAsync(
        [
          topic.controllerState(),
          topic.command(this.id),
          topic.desiredConfig(this.id),
          topic.agentState(this.id),
          ...this.carryOn.slotIds().map(topic.slot),
        ],
        { qos: 1 },
      )
      .then(() => {
        this.d.log.info({ agent: this.id, session: this.session }, 'connected to broker; publishing birth');
        this.publishBirth();
        this.pictures.reset();
        this.ready = true;
        for (const [deviceId, device] of this.devices.entries()) {
          const health = device.runner.lastHealth();
          if (health) this.publishHealth(deviceId, health);
        }
      })
      .catch((err: Error) =>
        this.d.log.warn({ agent: this.id, err: err.message }, 'subscribing to commands failed; will retry on reconnect'),
      );
  }

  private onMessage(mqttTopic: string, payload: Buffer, retained: boolean): void {
    if (mqttTopic === topic.controllerState()) return this.onControllerState(payload);
    if (mqttTopic === topic.agentState(this.id)) return this.onOwnState(payload, retained);
    if (mqttTopic.startsWith(SLOTS_PREFIX)) {
      const state = payload.length > 0 ? codecs.slot.decode(payload) : undefined;
      if (state?.ok) this.carryOn.onSlotState(state.value);
      return;
    }
    if (mqttTopic === topic.desiredConfig(this.id)) return this.onDesiredConfig(payload);
    if (mqttTopic !== topic.command(this.id)) return;
    const decoded = codecs.command.decode(payload);
    if (!decoded.ok) {
      this.counters.invalidPayloads += 1;
      this.d.log.warn(
        { agent: this.id, topic: mqttTopic, reason: decoded.reason, count: this.counters.invalidPayloads },
        'dropped an invalid command payload',
      );
      return;
    }
    this.counters.commands += 1;
    this.executor.handle(decoded.value);
  }

  private publishBirth(): void {
    this.publish('agentState', topic.agentState(this.id), {
      online: true,
      session: this.session,
      ts: this.d.clock.now(),
      version: AGENT_VERSION,
      hostname: os.hostname(),
      devices: this.devices.ids(),
      heartbeatIntervalMs: this.d.config.heartbeatIntervalMs,
      ...this.pendingDecisions(),
    });
  }

  /**
   * Our own state, published live as offline while we are connected: the will of an earlier
   * connection, published late — a broker of a cluster publishes the wills of a node that died once
   * it has missed its heartbeats, after we reconnected elsewhere. It would stand as our retained
   * state; the birth goes out again on top of it. (The retained copy sent on subscribe is the last
   * connection's, before our birth: not acted on.)
   */
  private onOwnState(payload: Buffer, retained: boolean): void {
    if (retained || !this.ready || this.stopping || payload.length === 0) return;
    const decoded = codecs.agentState.decode(payload);
    if (!decoded.ok || decoded.value.online) return;
    this.d.log.warn(
      { agent: this.id, session: this.session, deathOf: decoded.value.session },
      'our own state was published offline while we are connected (a late will): publishing the birth again',
    );
    this.publishBirth();
  }

  /** The leader's term, so a controller that lost the lead cannot command us (fencing). */
  private onControllerState(payload: Buffer): void {
    if (payload.length === 0) return;
    const decoded = codecs.controllerState.decode(payload);
    if (!decoded.ok) return;
    if (decoded.value.leader) this.executor.noteLeaderTerm(decoded.value.leader.term);
    this.carryOn.onControllerState(decoded.value.online);
  }

  private onDesiredConfig(payload: Buffer): void {
    if (payload.length === 0) return; // cleared retained config: keep running what we run
    const decoded = codecs.desiredConfig.decode(payload);
    if (!decoded.ok) {
      this.counters.invalidPayloads += 1;
      this.d.log.warn(
        { agent: this.id, reason: decoded.reason },
        'dropped an invalid desired config; keeping the devices running as they are',
      );
      return;
    }
    if (this.executor.isStale(decoded.value.term)) {
      this.d.log.warn({ agent: this.id, term: decoded.value.term }, 'ignored a desired config from a controller that no longer leads');
      return;
    }
    if (decoded.value.term !== undefined) this.executor.noteLeaderTerm(decoded.value.term);
    this.applyDesired(decoded.value, true);
  }

  /** Applies a desired config; one from the controller is reported back and cached, one from the cache is only run. */
  private applyDesired(desired: DesiredConfig, fromController: boolean): void {
    const before = new Set(this.carryOn.slotIds());
    this.carryOn.setSlots(desired.slots ?? []);
    const added = this.carryOn.slotIds().filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !this.carryOn.slotIds().includes(id));
    if (this.client?.connected && added.length) void this.client.subscribeAsync(added.map(topic.slot), { qos: 1 }).catch(() => undefined);
    if (this.client?.connected && removed.length) void this.client.unsubscribeAsync(removed.map(topic.slot)).catch(() => undefined);
    this.devices
      .apply(desired)
      .then((applied) => {
        this.counters.configsApplied += 1;
        if (!fromController) return;
        this.publish('appliedConfig', topic.appliedConfig(this.id), applied);
        this.d.configCache?.save(desired);
      })
      .catch((err: Error) =>
        this.d.log.error({ agent: this.id, configVersion: desired.version, err: err.message }, 'applying the desired config failed'),
      );
  }

  /** Ids of the devices running now (tests, diagnostics). */
  deviceIds(): string[] {
    return this.devices.ids();
  }

  /** Failovers made alone that the controller has not shown adopted yet (agent/carry-on.ts). */
  private pendingDecisions(): { decisions?: LocalDecision[] } {
    const decisions = this.carryOn.pending();
    return decisions.length > 0 ? { decisions: [...decisions] } : {};
  }

  private publishHealth(deviceId: string, health: HealthReport): void {
    this.carryOn.onHealth(deviceId, health);
    // Not connected (or birth not out yet): keep only the latest, republished on connect.
    if (!this.ready) return;
    this.counters.healthPublished += 1;
    this.publish('deviceHealth', topic.deviceHealth(this.id, deviceId), { ...health, session: this.session });
  }

  /** QoS 0, not retained, only while connected: a picture is news for a second and must never queue offline. */
  private sendPicture(deviceId: string, jpeg: Buffer, done: () => void): boolean {
    const client = this.client;
    if (!this.ready || !client?.connected || this.closed || client.disconnecting) return false;
    client.publish(pictureTopic(this.id, deviceId), jpeg, { qos: PICTURE_QOS, retain: PICTURE_RETAIN }, () => done());
    return true;
  }

  private sendHeartbeat(): void {
    if (!this.client?.connected) return;
    const now = this.d.clock.now();
    this.publish('heartbeat', topic.heartbeat(this.id), {
      session: this.session,
      ts: now,
      uptimeMs: now - this.startedAt,
      ...this.pendingDecisions(),
    });
  }

  private death(): PayloadOf<'agentState'> {
    return { online: false, session: this.session, ts: this.d.clock.now() };
  }

  private publish<N extends TopicName>(name: N, mqttTopic: string, payload: PayloadOf<N>): void {
    const client = this.client;
    // A command that ends after stop() closed the client (its stores are gone: mqtt.js would throw
    // into whatever finished the command) has nobody to tell. Seen on a loaded machine.
    if (!client || this.closed || client.disconnecting || client.disconnected) return;
    const spec = TOPICS[name];
    client.publish(mqttTopic, encode(name, payload), { qos: spec.qos, retain: spec.retain });
  }
}
