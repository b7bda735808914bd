/**
 * Everything the controller says on the broker goes through here: checked against the contract,
 * tagged with the leader's term where the contract has one, silenced while a leader of a pair is not
 * sure it still leads, and — on PostgreSQL — an event is published only once it is stored, so a
 * leader killed a moment later never leaves the fleet an event the database does not have (the next
 * leader numbers on from the database).
 */
import type { Logger } from '../../lib/logger.ts';
import { errorMessage } from '../../lib/timeout.ts';
import { encode } from '../../protocols/codec.ts';
import { TOPICS, topic, type PayloadOf, type TopicName } from '../../protocols/contract.ts';
import type { ControllerEvent } from '../../protocols/events.ts';

/** Events kept for the live feed while the lead is unproven; beyond this the oldest are left to the event log. */
const MAX_HELD_EVENTS = 1_000;
import type { LeaderInfo } from '../../protocols/schemas.ts';
import type { Bus } from './bus.ts';
import type { LeaderView } from '../controller-dependencies.ts';

/** What the announcer counts: what it could not say, and what it held back for want of a proven lead. */
export interface AnnouncerCounters {
  unpublishable: number;
  fencedPublishes: number;
}

export interface AnnouncerDependencies {
  bus: () => Bus | undefined;
  log: Logger;
  counters: AnnouncerCounters;
  /** The leader of controllers sharing a database; absent for a controller alone. */
  leader?: LeaderView | undefined;
  /** Resolves once everything stored so far is durable (PostgreSQL); undefined when it already is (SQLite). */
  durable: () => Promise<boolean> | undefined;
}

export class Announcer {
  /**
   * Retained states not published while the lead was not proven, the newest per topic. Their writers
   * (the failover engine, the catalog) publish only what changed, so a state dropped here would never
   * be sent again: a slot's `failing_over` stayed retained after its failover succeeded (issue 20.7).
   * They go out, in order, the moment the lead is proven again; a lost lead takes them with it.
   */
  private readonly held = new Map<string, { name: TopicName; payload: unknown }>();

  private everConnected = false;
  /** Events stored before the first connect, oldest first (bounded). */
  private readonly beforeFirstConnect: ControllerEvent[] = [];
  /** Events not yet committed while the lead was not proven, oldest first (bounded: the event log has them all). */
  private readonly heldEvents: ControllerEvent[] = [];

  constructor(private readonly d: AnnouncerDependencies) {
    d.leader?.onFresh?.(() => this.sendHeld());
  }

  /** `{term}` for payloads that carry the leader's term (commands, slot states, desired configs). */
  term(): { term?: number } {
    return this.d.leader ? { term: this.d.leader.info.term } : {};
  }

  /** `{leader}` for the controller's state and status. */
  leader(): { leader?: LeaderInfo } {
    return this.d.leader ? { leader: this.d.leader.info } : {};
  }

  /** Whether this controller may act: alone, always; in a pair, while its lease is fresh. */
  mayAct(): boolean {
    return this.d.leader?.fresh() ?? true;
  }

  /** An event, once it is stored. */
  event(stored: ControllerEvent): void {
    const durable = this.d.durable();
    if (!durable) return this.sendEvent(stored);
    void durable.then((committed) => this.sendEvent(stored, committed));
  }

  private sendEvent(stored: ControllerEvent, committed = true): void {
    const bus = this.d.bus();
    if (!bus?.connected) {
      // Before the first connect (a new leader takes its on-air state before its link opens): sent on
      // that connect. After it, events go out only live: the event log has what a broker outage hid.
      if (!this.everConnected && this.beforeFirstConnect.push(stored) > MAX_HELD_EVENTS) this.beforeFirstConnect.shift();
      return;
    }
    // Not committed in time, and the lead not proven this moment (a late renewal, PostgreSQL being
    // reached again): it goes out once the lead is proven (its term's writes are then taken up), and
    // is dropped with a lost lead (so are they: the next leader numbers its own events from there).
    if (!committed && !this.mayAct() && this.d.leader?.onFresh) {
      if (this.heldEvents.push(stored) > MAX_HELD_EVENTS) this.heldEvents.shift();
      return;
    }
    // Committed under a term that held the lead (the write checked it in its own transaction): a
    // fact, so it goes out whatever the lead is now. Fencing is for what acts or claims the present
    // (commands, retained states); holding a committed event back while the lead was unproven and
    // dropping it with a lost lead left it in the database and never on the live feed (the chaos
    // run's cut database link: 11 such events).
    this.sendNow(bus, stored);
  }

  private sendNow(bus: NonNullable<ReturnType<AnnouncerDependencies['bus']>>, stored: ControllerEvent): void {
    let bytes: Buffer;
    try {
      bytes = encode('controllerEvents', stored);
    } catch (err) {
      this.d.counters.unpublishable += 1;
      this.d.log.error(
        { topic: topic.controllerEvents(), err: errorMessage(err) },
        'refused to publish a payload that breaks the contract',
      );
      return;
    }
    bus.publish(topic.controllerEvents(), bytes, { qos: TOPICS.controllerEvents.qos, retain: TOPICS.controllerEvents.retain });
  }

  /** A payload that breaks our own contract is a bug: logged and counted, never thrown into whoever called. */
  publish<N extends TopicName>(name: N, mqttTopic: string, payload: PayloadOf<N>): void {
    const bus = this.d.bus();
    if (!bus) return;
    const spec = TOPICS[name];
    // A leader not sure it still leads (paused, cut off from PostgreSQL) says nothing: another may lead by now.
    if (!this.mayAct()) {
      this.d.counters.fencedPublishes += 1;
      if (spec.retain) this.held.set(mqttTopic, { name, payload });
      return;
    }
    // Newer than anything held for this topic: the held one must not follow it (nor go out before it).
    this.held.delete(mqttTopic);
    let bytes: Buffer;
    try {
      bytes = encode(name, payload);
    } catch (err) {
      this.d.counters.unpublishable += 1;
      this.d.log.error({ topic: mqttTopic, err: errorMessage(err) }, 'refused to publish a payload that breaks the contract');
      return;
    }
    bus.publish(mqttTopic, bytes, { qos: spec.qos, retain: spec.retain });
  }

  /** The broker link is up: the events stored before the first connect go out (the chaos run heard none of a new leader's first slot states). */
  connected(): void {
    const bus = this.d.bus();
    if (this.everConnected || !bus?.connected) return;
    this.everConnected = true;
    for (const e of this.beforeFirstConnect.splice(0)) this.sendEvent(e);
  }

  /** The lead is proven again: each retained state held back goes out (still this term's newest for its topic). */
  sendHeld(): void {
    if (!this.mayAct()) return;
    // Off the broker: its next connect republishes every retained state anyway, and events go out only live.
    const bus = this.d.bus();
    if (!bus?.connected) return void this.heldEvents.splice(0);
    const held = [...this.held];
    this.held.clear();
    for (const [mqttTopic, h] of held) this.publish(h.name, mqttTopic, h.payload as PayloadOf<typeof h.name>);
    for (const e of this.heldEvents.splice(0)) this.sendNow(bus, e);
  }
}
