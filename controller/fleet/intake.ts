/**
 * Every message the controller receives, classified by topic (ids checked), bounded and validated,
 * then handed to the part it concerns: the fleet (births, deaths, heartbeats, health), the command
 * client (results), the catalog (applied configs) or the request router. An invalid one is counted
 * and logged with its topic and reason, and dropped.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { codecs } from '../../protocols/codec.ts';
import { parseTopic } from '../../protocols/contract.ts';
import type { AppliedConfig } from '../../protocols/device-config.ts';
import type { CommandResult, LocalDecision } from '../../protocols/schemas.ts';
import type { Fleet } from './fleet.ts';
import type { NewEvent } from '../../protocols/events.ts';

/** What the intake counts. */
export interface IntakeCounters {
  healthMessages: number;
  /** Payloads refused as malformed or out of contract. */
  invalidPayloads: number;
}

export interface IntakeDependencies {
  fleet: Fleet;
  commands: { onResult(agent: string, result: CommandResult): boolean };
  catalog: { onApplied(agent: string, report: AppliedConfig): void };
  /** A failover an agent made alone while cut off: adopted, never decided twice (FailoverEngine.adoptLocal). */
  adoptLocal: (agent: string, decision: LocalDecision) => string;
  router: { handle(op: string, payload: Buffer, user?: string): Promise<void> };
  record: (event: NewEvent) => void;
  clock: Clock;
  log: Logger;
  counters: IntakeCounters;
  /** Measurements: called after each health message is handled, with its age in ms. */
  onHealthHandled?: (latencyMs: number) => void;
  /** controller/state said offline, live, while this controller runs: a late will (a cluster node's). */
  onControllerOffline?: () => void;
}

export class MessageIntake {
  constructor(private readonly d: IntakeDependencies) {}

  handle(mqttTopic: string, payload: Buffer, retained: boolean): void {
    const { fleet, counters } = this.d;
    const parsed = parseTopic(mqttTopic);
    if (!parsed) return;
    switch (parsed.name) {
      case 'invalid':
        return this.countInvalid(mqttTopic, parsed.reason);
      case 'agentState': {
        if (payload.length === 0) return;
        const m = codecs.agentState.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        if (!retained) this.adopt(parsed.agentId, m.value.decisions); // a retained birth's list is from its connect: stale
        return fleet.onAgentState(parsed.agentId, m.value, retained);
      }
      case 'heartbeat': {
        const m = codecs.heartbeat.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        this.adopt(parsed.agentId, m.value.decisions); // before the heartbeat counts: no decision on its failed gear first
        return fleet.onHeartbeat(parsed.agentId, m.value);
      }
      case 'deviceHealth': {
        if (payload.length === 0) return fleet.onHealthCleared(parsed.agentId, parsed.deviceId);
        const m = codecs.deviceHealth.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        counters.healthMessages += 1;
        fleet.onHealth(parsed.agentId, parsed.deviceId, m.value, retained);
        this.d.onHealthHandled?.(this.d.clock.now() - m.value.ts);
        return;
      }
      case 'commandResult': {
        const m = codecs.commandResult.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        if (this.d.commands.onResult(parsed.agentId, m.value) && m.value.status !== 'accepted') {
          this.d.record({
            type: 'command.result',
            ts: this.d.clock.now(),
            agent: parsed.agentId,
            device: m.value.device,
            data: { ...m.value },
          });
        }
        return;
      }
      case 'appliedConfig': {
        if (payload.length === 0) return;
        const m = codecs.appliedConfig.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        return this.d.catalog.onApplied(parsed.agentId, m.value);
      }
      case 'controllerState': {
        // Our own announcement comes back; a live "offline" while we run is a will published late.
        if (retained || payload.length === 0) return;
        const m = codecs.controllerState.decode(payload);
        if (!m.ok) return this.countInvalid(mqttTopic, m.reason);
        if (!m.value.online) this.d.onControllerOffline?.();
        return;
      }
      case 'request':
        if (retained) return; // a retained copy of a request was answered when it was made
        this.d.router
          .handle(parsed.op, payload, parsed.user)
          .catch((err: Error) => this.d.log.error({ op: parsed.op, err: err.message }, 'a request failed outside its handler'));
        return;
      default:
        return;
    }
  }

  /** Failovers the agent made alone: adopted, never decided a second time. */
  private adopt(agent: string, decisions: readonly LocalDecision[] | undefined): void {
    for (const decision of decisions ?? []) {
      const outcome = this.d.adoptLocal(agent, decision);
      if (outcome !== 'seen')
        this.d.log.info(
          { agent, slot: decision.slot, from: decision.from, to: decision.to, outcome },
          'a failover the agent made on its own',
        );
    }
  }

  countInvalid(mqttTopic: string, reason: string): void {
    this.d.counters.invalidPayloads += 1;
    this.d.log.warn(
      { topic: mqttTopic.length > 200 ? `${mqttTopic.slice(0, 200)}…` : mqttTopic, reason, count: this.d.counters.invalidPayloads },
      'dropped an invalid payload',
    );
  }
}
