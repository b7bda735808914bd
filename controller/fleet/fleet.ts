/**
 * The controller's view of its agents. Births, deaths, heartbeats and health go through the registry
 * (state) and the failure detector (pure); what follows from them — stored, recorded, logged and
 * handed to the failover engine — comes out here.
 *
 * It also owns how much of the fleet the controller can see, so that a fault of the broker or of the
 * controller's own link never passes for a fault of the gear:
 * - cut off from the broker, no deadline runs and nothing is decided;
 * - after every (re)connect, agents get a grace to re-announce (the registry holds deaths meanwhile);
 * - with an external broker, a death is acted on only after a round trip to the broker succeeds —
 *   Mosquitto publishes every agent's will a few ms before it drops the controller when it stops —
 *   and deadlines run only while the link has been proven to deliver within the last second.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AgentState, DeviceHealth, DeviceRef, Heartbeat } from '../../protocols/schemas.ts';
import type { Bus } from '../broker/bus.ts';
import type { Registry, RegistryResult } from './registry.ts';
import type { AgentRecord, DeviceRecord } from './registry.ts';

/** blind: no broker link; settling: connected, agents still re-announcing; settled: the whole fleet is in view. */
export type FleetView = 'blind' | 'settling' | 'settled';
import type { NewEvent } from '../../protocols/events.ts';
import type { OnAirPart } from '../../protocols/event-severity.ts';

/** What the fleet tells the one that decides (declared here, by the fleet: the engine implements it, the fleet imports nothing of it). */
export interface FleetDecisions {
  onDeviceStatus(ref: DeviceRef, to: DeviceRecord['track']['status']): void;
  onAgentReachable(agent: string): void;
  reevaluate(): void;
  /** The device's part in the slots on air, told in its device.state event (a standby's fleet knows none). */
  onAirPart?(ref: DeviceRef): OnAirPart;
}

/** What the fleet counts (read by the controller's status and metrics). */
export interface FleetCounters {
  /** Messages from an older session, or about retired devices, ignored. */
  staleMessages: number;
  stateChanges: number;
}

export interface FleetDependencies {
  registry: Registry;
  store: { saveAgent(a: AgentRecord): void; saveDevice(d: DeviceRecord): void; deleteDevice(agent: string, device: string): void };
  record: (event: NewEvent) => void;
  clock: Clock;
  log: Logger;
  /** The failover engine's side (FailoverEngine implements it): told about every status change and every agent heard again. */
  decisions: FleetDecisions;
  catalog: { isRetiring(agent: string, device: string): boolean; isRegistered(agent: string, device: string): boolean };
  noteHealth: (agent: string, device: string, health: DeviceHealth) => void;
  bus: () => Bus;
  counters: FleetCounters;
  /** After a start or a reconnect, how long agents get to re-announce. */
  graceMs: number;
  /** How long a round trip to an external broker may take before the link counts as dead. */
  linkCheckMs: number;
  /** False while this controller is not sure it still leads a pair: it sees nothing to decide on. */
  leading?: () => boolean;
}

/** Deadlines need proof that the link delivers: a message (or a round trip) no older than this. */
const LINK_PROOF_MS = 1_000;

export class Fleet {
  private readonly deathsToConfirm: Array<{ agent: string; state: AgentState }> = [];
  private checking = false;
  private lastProvenAt = 0;
  private wasSettled = false;

  constructor(private readonly d: FleetDependencies) {}

  view(): FleetView {
    const { registry, clock } = this.d;
    if (!registry.connected || this.d.leading?.() === false) return 'blind';
    return registry.settled(clock.now()) ? 'settled' : 'settling';
  }

  reachable(ref: DeviceRef): boolean {
    return this.d.registry.reachable(ref.agent);
  }

  /** Connected (or started): a grace for the agents; nothing counts as heard until it is heard again. */
  linkUp(): void {
    const now = this.d.clock.now();
    this.d.registry.beginGrace(now, this.d.graceMs);
    this.lastProvenAt = now;
    this.wasSettled = false;
  }

  /**
   * What a hot standby saw while it stood by, taken over once the link is up (Registry.adopt): agents
   * it heard are reachable at once, and each difference from the stored picture is stored, recorded
   * and decided on like any other change.
   */
  adopt(picture: Registry): void {
    const results = this.d.registry.adopt(picture, (agent, device) => this.d.catalog.isRegistered(agent, device), this.d.clock.now());
    for (const result of results) this.apply(result, 'standby picture');
    this.wasSettled = false; // the next tick re-evaluates every slot if the fleet is in view
  }

  linkDown(): void {
    if (!this.d.registry.connected) return;
    this.d.registry.linkLost();
    // Deaths still waiting for proof of the link: the grace after the reconnect decides them.
    for (const { agent, state } of this.deathsToConfirm.splice(0)) this.d.registry.holdDeath(agent, state);
    this.d.log.warn('lost the broker: no deadline runs and no failover is decided until it is back and agents have re-announced');
    this.d.record({ type: 'broker.lost', ts: this.d.clock.now(), reason: 'the controller lost its broker connection', data: {} });
  }

  /** Any message proves the link delivers. */
  heard(): void {
    this.lastProvenAt = this.d.clock.now();
  }

  onAgentState(agent: string, state: AgentState, retained: boolean): void {
    if (state.online && retained && state.devices) {
      // A replayed birth can arrive after the live clear of a device it lists (see onHealth): from a
      // retained copy only registered devices enter the picture; an agent's own appear when heard.
      state = {
        ...state,
        devices: state.devices.filter((d) => this.d.registry.device(agent, d) !== undefined || this.d.catalog.isRegistered(agent, d)),
      };
    }
    if (!state.online && !retained && !this.d.bus().inProcess) {
      this.deathsToConfirm.push({ agent, state });
      this.confirmLink();
      return;
    }
    this.apply(this.d.registry.applyAgentState(agent, state, { now: this.d.clock.now(), live: !retained }), 'agent state');
  }

  onHeartbeat(agent: string, heartbeat: Heartbeat): void {
    this.apply(this.d.registry.applyHeartbeat(agent, heartbeat, this.d.clock.now()), 'heartbeat');
  }

  onHealth(agent: string, device: string, health: DeviceHealth, retained: boolean): void {
    if (this.d.catalog.isRetiring(agent, device)) return void (this.d.counters.staleMessages += 1);
    // A broker may deliver a retained copy after the live clear that deleted it (aedes streams
    // retained messages while live ones already flow to a new subscription): an unregistered device
    // (one from an agent's own file) enters the picture only from its live health, never a ghost.
    if (retained && this.d.registry.device(agent, device) === undefined && !this.d.catalog.isRegistered(agent, device)) {
      return void (this.d.counters.staleMessages += 1);
    }
    this.apply(this.d.registry.applyHealth(agent, device, health, { now: this.d.clock.now(), live: !retained }), 'health');
    this.d.noteHealth(agent, device, health);
  }

  /**
   * An agent clears a device's retained health when it stops running it for good. One that is not
   * registered (a stale cached config ran it until the agent heard from us) is forgotten, not left
   * to miss its health deadline and raise a false failure.
   */
  onHealthCleared(agent: string, device: string): void {
    if (this.d.catalog.isRegistered(agent, device)) return;
    const known = this.d.registry.device(agent, device) !== undefined;
    // Also drops health kept for a birth still to come: the clear can overtake the birth, not the health.
    this.d.registry.removeDevice(agent, device);
    if (!known) return;
    this.d.store.deleteDevice(agent, device);
    this.d.log.info({ agent, device }, 'device no longer run by its agent and not registered: forgotten');
  }

  forget(agent: string, device: string): void {
    this.d.registry.removeDevice(agent, device);
    this.d.store.deleteDevice(agent, device);
  }

  /** Deadlines, recoveries, the end of a grace. On the controller's timer. */
  tick(): void {
    const now = this.d.clock.now();
    if (!this.d.registry.connected) return;
    if (!this.d.bus().inProcess && now - this.lastProvenAt > LINK_PROOF_MS) {
      // Silence everywhere: first make sure it is not our own link that went quiet.
      this.confirmLink();
      return;
    }
    for (const result of this.d.registry.tick(now)) this.apply(result, 'deadline');
    const settled = this.d.registry.settled(now);
    if (settled && !this.wasSettled) this.d.decisions.reevaluate(); // what waited for the grace is decided now
    this.wasSettled = settled;
  }

  private confirmLink(): void {
    if (this.checking) return;
    this.checking = true;
    const deaths = this.deathsToConfirm.splice(0);
    void this.d
      .bus()
      .roundTrip(this.d.linkCheckMs)
      .then((ok) => {
        this.checking = false;
        if (!ok) {
          this.d.log.warn(
            { deaths: deaths.length },
            'the broker did not answer a round trip: reconnecting; held deaths wait for the grace',
          );
          this.linkDown();
          for (const { agent, state } of deaths) this.d.registry.holdDeath(agent, state);
          this.d.bus().reconnect();
          return;
        }
        this.heard();
        for (const { agent, state } of deaths)
          this.apply(this.d.registry.applyAgentState(agent, state, { now: this.d.clock.now(), live: true }), 'agent state');
        if (this.deathsToConfirm.length > 0) this.confirmLink();
      });
  }

  private apply(result: RegistryResult, source: string): void {
    const { store, record, log, clock, registry, decisions } = this.d;
    if (result.ignored) {
      this.d.counters.staleMessages += 1;
      log.debug({ source, reason: result.ignored }, 'ignored a message');
      return;
    }
    const now = clock.now();
    if (result.agentChange) {
      const c = result.agentChange;
      const agent = registry.agent(c.agent);
      if (agent) store.saveAgent(agent);
      record({
        type: c.online ? 'agent.online' : 'agent.offline',
        ts: now,
        agent: c.agent,
        reason: c.reason,
        data: { session: c.session },
      });
      log[c.online ? 'info' : 'warn'](
        { agent: c.agent, session: c.session, reason: c.reason },
        c.online ? 'agent online' : 'agent offline',
      );
    }
    for (const change of result.deviceChanges) {
      this.d.counters.stateChanges += 1;
      const device = registry.device(change.agent, change.device);
      if (device) store.saveDevice(device);
      record({
        type: 'device.state',
        ts: change.at,
        agent: change.agent,
        device: change.device,
        reason: change.reason,
        data: {
          from: change.from,
          to: change.to,
          ...(change.failingSince !== undefined ? { failingSince: change.failingSince } : {}),
          ...(decisions.onAirPart ? { onAir: decisions.onAirPart({ agent: change.agent, device: change.device }) } : {}),
        },
      });
      log[change.to === 'ok' ? 'info' : 'warn'](
        { agent: change.agent, device: change.device, from: change.from, to: change.to, reason: change.reason },
        'device state changed',
      );
      decisions.onDeviceStatus({ agent: change.agent, device: change.device }, change.to);
    }
    if (result.confirmed) decisions.onAgentReachable(result.confirmed);
  }
}
