/**
 * A hot standby's view of the fleet. While another controller leads, the standby listens to the
 * same births, heartbeats and health on its own broker connection and keeps a registry current with
 * the code the leader runs (MessageIntake → Fleet → Registry), with nothing to store, record or
 * decide; it also keeps the leader's retained slot states and who leads. At takeover the new leader
 * adopts both (Fleet.adopt, FailoverEngine.adoptPublished) instead of starting blind: agents it heard
 * are reachable at once, so a failure at the moment of the takeover is decided without waiting for
 * every agent's next heartbeat.
 *
 * Its connection has its own client id (one MQTT client id per session [MQTT-3.1.3-2]: sharing the
 * leader's would throw the leader off) and no will: it is not the controller the fleet listens to.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { connectMqtt } from '../../lib/mqtt-connection.ts';
import { codecs } from '../../protocols/codec.ts';
import { parseTopic, standbySubscriptions } from '../../protocols/contract.ts';
import { clientIdFor, standbyUsername } from '../../protocols/access.ts';
import type { LeaderInfo, LocalDecision, SlotState } from '../../protocols/schemas.ts';
import type { BrokerSecrets } from '../broker/broker-link.ts';
import { mqttBus, type Bus } from '../broker/bus.ts';
import type { ControllerConfig } from '../config.ts';
import { Fleet, type FleetCounters } from '../fleet/fleet.ts';
import { MessageIntake, type IntakeCounters } from '../fleet/intake.ts';
import { Registry } from '../fleet/registry.ts';

export interface StandbyPictureOptions {
  config: Pick<ControllerConfig, 'broker' | 'detection'>;
  secrets: BrokerSecrets;
  /** This controller's name in the pair: part of its standby client id. */
  name: string;
  clock: Clock;
  log: Logger;
}

/** What the new leader takes over. */
export interface StandbyView {
  registry: Registry;
  slots: SlotState[];
  /** The last leader the standby saw on controller/state. */
  leader: LeaderInfo | undefined;
  /** Failovers agents made alone and still report (births, heartbeats), until a slot state shows them. */
  decisions: Array<{ agent: string; decision: LocalDecision }>;
  connected: boolean;
}

const nothing = (): void => undefined;

export class StandbyPicture {
  readonly counters: FleetCounters & IntakeCounters & { slotStates: number } = {
    healthMessages: 0,
    invalidPayloads: 0,
    staleMessages: 0,
    stateChanges: 0,
    slotStates: 0,
  };
  private readonly registry: Registry;
  private readonly fleet: Fleet;
  private readonly intake: MessageIntake;
  private readonly slots = new Map<string, SlotState>();
  private readonly decisions = new Map<string, { agent: string; decision: LocalDecision }>();
  private leader: LeaderInfo | undefined;
  private readonly bus: Bus;
  private readonly ticker: NodeJS.Timeout;
  private handedOver = false;
  private closed: Promise<void> | undefined;

  private constructor(private readonly o: StandbyPictureOptions) {
    const { config, clock } = o;
    if (!config.broker.url) throw new Error('a standby needs broker.url: controllers of a pair share an external broker');
    // The picture's own changes are the leader's business to log: only its errors are worth a line here.
    const quiet = o.log.child({ role: 'standby picture' }, { level: 'error' });
    this.registry = new Registry(config.detection);
    // No slots here to judge a content fault by: the new leader judges it at adoption (fleet/unjudged-content.ts).
    this.registry.judgeContentAtAdoption();
    const client = connectMqtt({
      url: config.broker.url,
      // Its own client id and, for an OnAir controller login, its own username (`controller/<name>/standby`,
      // same credential): under Mosquitto's use_username_as_clientid the leader's session would
      // otherwise close this one, or the reverse (protocols/access.ts clientIdFor).
      clientId: clientIdFor(config.broker.username, `standby-${o.name}-${randomUUID().slice(0, 8)}`).slice(0, 100),
      username: standbyUsername(config.broker.username),
      password: o.secrets.password,
      ...(o.secrets.tls ? { tls: o.secrets.tls } : {}),
      log: o.log,
    });
    this.bus = mqttBus(client);
    this.fleet = new Fleet({
      registry: this.registry,
      store: { saveAgent: nothing, saveDevice: nothing, deleteDevice: nothing },
      record: nothing,
      clock,
      log: quiet,
      decisions: { onDeviceStatus: nothing, onAgentReachable: nothing, reevaluate: nothing },
      // No catalog here: everything is taken in; the new leader keeps only what its catalog knows (Fleet.adopt).
      catalog: { isRetiring: () => false, isRegistered: () => true },
      noteHealth: nothing,
      bus: () => this.bus,
      counters: this.counters,
      graceMs: config.detection.restartGraceMs,
      linkCheckMs: config.detection.linkCheckMs,
      leading: () => false,
    });
    this.intake = new MessageIntake({
      fleet: this.fleet,
      commands: { onResult: () => false },
      catalog: { onApplied: nothing },
      // Kept for the takeover: the leader adopts them, and one it had no time to adopt is ours to adopt.
      adoptLocal: (agent, decision) => (this.decisions.set(`${agent}/${decision.id}`, { agent, decision }), 'seen'),
      router: { handle: async () => undefined },
      record: nothing,
      clock,
      log: quiet,
      counters: this.counters,
    });
    this.bus.onMessage((t, payload, retained) => this.onMessage(t, payload, retained));
    this.bus.onConnect(() => {
      if (this.handedOver) return;
      this.fleet.linkUp();
      this.bus.subscribe([standbySubscriptions.deviceHealth], 0); // as the leader takes health: retained state, QoS 0
      this.bus.subscribe(
        [standbySubscriptions.agentState, standbySubscriptions.heartbeat, standbySubscriptions.slots, standbySubscriptions.controllerState],
        1,
      );
      o.log.info({ broker: config.broker.url }, 'standing by: listening to the fleet');
    });
    this.bus.onDisconnect(() => this.fleet.linkDown());
    this.ticker = setInterval(() => this.fleet.tick(), config.detection.tickMs);
  }

  /** Connects in the background (a broker down at start is retried with backoff, as everywhere). */
  static start(o: StandbyPictureOptions): StandbyPicture {
    return new StandbyPicture(o);
  }

  /** What it sees now, in counts: for tests (the new leader logs the same counts when it takes it over). */
  summary(): ReturnType<typeof countsOf> & { connected: boolean; leader?: LeaderInfo } {
    return { connected: this.bus.connected, ...countsOf(this.view()), ...(this.leader ? { leader: this.leader } : {}) };
  }

  /** The picture as it stands (the registry itself: read, do not change). */
  view(): StandbyView {
    return {
      registry: this.registry,
      slots: [...this.slots.values()],
      leader: this.leader,
      connected: this.bus.connected,
      decisions: [...this.decisions.values()],
    };
  }

  /** Stops listening and hands the picture over: from now on it is the new leader's, and this connection closes. */
  handOver(): StandbyView {
    const view = this.view();
    this.handedOver = true;
    void this.close();
    return view;
  }

  /** Idempotent: the seat closes it again if leading never got as far as the handover. */
  close(): Promise<void> {
    this.handedOver = true;
    clearInterval(this.ticker);
    this.closed ??= this.bus.close().catch((err: Error) => this.o.log.warn({ err: err.message }, 'closing the standby connection failed'));
    return this.closed;
  }

  /** Inside mqtt.js's delivery: nothing may escape. */
  private onMessage(mqttTopic: string, payload: Buffer, retained: boolean): void {
    if (this.handedOver) return;
    try {
      this.fleet.heard();
      const parsed = parseTopic(mqttTopic);
      if (parsed?.name === 'slot') return this.onSlot(parsed.slotId, payload);
      if (parsed?.name === 'controllerState') return this.onControllerState(payload);
      this.intake.handle(mqttTopic, payload, retained);
    } catch (err) {
      this.o.log.error(
        { topic: mqttTopic.slice(0, 200), err: (err as Error).message },
        'the standby could not take a message in; it carries on',
      );
    }
  }

  private onSlot(slotId: string, payload: Buffer): void {
    if (payload.length === 0) return void this.slots.delete(slotId); // the slot was removed
    const m = codecs.slot.decode(payload);
    if (!m.ok) return this.intake.countInvalid(`slots/${slotId}`, m.reason);
    this.counters.slotStates += 1;
    this.slots.set(slotId, m.value);
    const live = m.value.active;
    // Adopted (the slot shows it): the agent stops reporting it, and so do we.
    for (const [key, { agent, decision }] of this.decisions)
      if (decision.slot === slotId && live?.agent === agent && live.device === decision.to) this.decisions.delete(key);
  }

  private onControllerState(payload: Buffer): void {
    if (payload.length === 0) return;
    const m = codecs.controllerState.decode(payload);
    if (!m.ok) return this.intake.countInvalid('controller/state', m.reason);
    const leader = m.value.leader;
    if (!leader || (this.leader && leader.term < this.leader.term)) return;
    if (leader.term !== this.leader?.term)
      this.o.log.info({ leader: leader.name, term: leader.term }, 'standing by: the pair has a leader');
    this.leader = leader;
  }
}

function countsOf(view: Pick<StandbyView, 'registry' | 'slots'>): { agents: number; agentsHeard: number; devices: number; slots: number } {
  const agents = view.registry.allAgents();
  return {
    agents: agents.length,
    agentsHeard: agents.filter((a) => view.registry.reachable(a.id)).length,
    devices: view.registry.allDevices().length,
    slots: view.slots.length,
  };
}

/**
 * The new leader's side, on its first connect: the last leader's live members it never stored, then
 * the fleet as the standby saw it (agents heard stay reachable; differences are recorded and decided).
 */
export function adoptStandbyView(
  view: StandbyView,
  o: {
    term: number | undefined;
    fleet: Pick<Fleet, 'adopt'>;
    engine: {
      adoptPublished(states: readonly SlotState[], lastTerm: number, by: string): number;
      adoptLocal(agent: string, decision: LocalDecision): string;
    };
    log: Logger;
  },
): void {
  const lastTerm = (o.term ?? 0) - 1;
  const by = view.leader?.term === lastTerm ? `${view.leader.name} (term ${lastTerm})` : `the leader of term ${lastTerm}`;
  const recovered = o.term === undefined ? 0 : o.engine.adoptPublished(view.slots, lastTerm, by);
  // An agent's own failover the last leader had no time to adopt: before any decision on that gear.
  const agentsOwn = view.decisions.filter(({ agent, decision }) => o.engine.adoptLocal(agent, decision) === 'adopted').length;
  const seen = countsOf(view);
  o.fleet.adopt(view.registry);
  o.log.info({ ...seen, recoveredSlots: recovered, agentsOwn }, 'took over the fleet as seen while standing by');
  if (recovered > 0) o.log.warn({ recovered, by }, 'the last leader put members live that never reached the database: they stand');
}
