/**
 * The fleet picture: agents (with the session rule) and their devices' tracks. It owns
 * state only; the decisions come from the pure failure detector.
 */
import type { AgentState, DeviceHealth, DeviceStatus, Heartbeat } from '../protocols/schemas.ts';
import { newTrack, onAgentLost, onHealth, onTick, type DetectionThresholds, type DeviceTrack, type Transition } from './failure-detector.ts';

export interface AgentRecord {
  id: string;
  online: boolean;
  session: number;
  lastSeenAt: number | null;
  heartbeatDeadlineMs: number;
}

export interface DeviceRecord {
  agent: string;
  device: string;
  driver?: string;
  kind?: string;
  track: DeviceTrack;
}

export interface DeviceChange extends Transition {
  agent: string;
  device: string;
  at: number;
}

export interface AgentChange {
  agent: string;
  online: boolean;
  session: number;
  reason: string;
}

export interface RegistryResult {
  agentChange?: AgentChange;
  deviceChanges: DeviceChange[];
  /** The message was stale (older session) and ignored. */
  ignored?: string;
}

export const deviceKey = (agent: string, device: string): string => `${agent}/${device}`;

export class Registry {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly devicesByAgent = new Map<string, Set<string>>();

  constructor(private readonly thresholds: DetectionThresholds) {}

  /**
   * State from before a restart. Deadlines restart from `now + graceMs`: agents need a moment to
   * reconnect, but one that died while the controller was down must still be declared lost.
   */
  restore(agents: AgentRecord[], devices: DeviceRecord[], now: number, graceMs: number): void {
    for (const a of agents) this.agents.set(a.id, { ...a, lastSeenAt: a.online ? now + graceMs : a.lastSeenAt });
    for (const d of devices) this.putDevice({ ...d, track: { ...d.track, lastHealthAt: now + graceMs } });
  }

  agent(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  device(agent: string, device: string): DeviceRecord | undefined {
    return this.devices.get(deviceKey(agent, device));
  }

  status(agent: string, device: string): DeviceStatus {
    return this.devices.get(deviceKey(agent, device))?.track.status ?? 'unknown';
  }

  allAgents(): AgentRecord[] {
    return [...this.agents.values()];
  }

  allDevices(): DeviceRecord[] {
    return [...this.devices.values()];
  }

  applyAgentState(agentId: string, state: AgentState, now: number): RegistryResult {
    const known = this.agents.get(agentId);
    if (known && state.session < known.session) {
      // Sparkplug B: a death (or birth) from an older session than the current birth is stale [tck-id-topics-nbirth-bdseq-matching].
      return { deviceChanges: [], ignored: `session ${state.session} is older than current session ${known.session}` };
    }
    const heartbeatDeadlineMs = state.heartbeatIntervalMs ? Math.max(this.thresholds.heartbeatDeadlineMs, 3 * state.heartbeatIntervalMs) : (known?.heartbeatDeadlineMs ?? this.thresholds.heartbeatDeadlineMs);
    // A death keeps the old `online` until loseAgent, so the change is reported exactly once.
    const record: AgentRecord = { id: agentId, online: state.online || (known?.online ?? false), session: state.session, lastSeenAt: now, heartbeatDeadlineMs };
    this.agents.set(agentId, record);
    const changed = !known || known.online !== state.online || known.session !== state.session;
    if (state.online) {
      for (const deviceId of state.devices ?? []) {
        if (!this.devices.has(deviceKey(agentId, deviceId))) this.putDevice({ agent: agentId, device: deviceId, track: newTrack(now) });
      }
      return changed ? { agentChange: { agent: agentId, online: true, session: state.session, reason: 'birth' }, deviceChanges: [] } : { deviceChanges: [] };
    }
    return this.loseAgent(record, now, 'agent offline (last will or goodbye)');
  }

  applyHeartbeat(agentId: string, heartbeat: Heartbeat, now: number): RegistryResult {
    const known = this.agents.get(agentId);
    if (!known || heartbeat.session < known.session) return { deviceChanges: [], ignored: 'heartbeat from an unknown or older session' };
    known.lastSeenAt = now;
    if (!known.online && heartbeat.session === known.session) {
      known.online = true;
      return { agentChange: { agent: agentId, online: true, session: known.session, reason: 'heartbeats resumed' }, deviceChanges: [] };
    }
    return { deviceChanges: [] };
  }

  applyHealth(agentId: string, deviceId: string, health: DeviceHealth, now: number): RegistryResult {
    const agent = this.agents.get(agentId);
    if (agent && health.session < agent.session) return { deviceChanges: [], ignored: `health from older session ${health.session}` };
    if (agent && !agent.online) return { deviceChanges: [], ignored: 'health from an agent that is offline' };
    if (agent) agent.lastSeenAt = now;
    const key = deviceKey(agentId, deviceId);
    let record = this.devices.get(key);
    if (!record) {
      record = { agent: agentId, device: deviceId, track: newTrack(now) };
      this.putDevice(record);
    }
    record.driver = health.driver;
    if (health.kind) record.kind = health.kind;
    const step = onHealth(record.track, health, now, this.thresholds);
    record.track = step.track;
    return { deviceChanges: step.transition ? [{ agent: agentId, device: deviceId, at: now, ...step.transition }] : [] };
  }

  /** Deadlines and recoveries. O(agents + devices); run on a timer, not per message. */
  tick(now: number): RegistryResult[] {
    const results: RegistryResult[] = [];
    for (const agent of this.agents.values()) {
      if (agent.online && agent.lastSeenAt !== null && now - agent.lastSeenAt > agent.heartbeatDeadlineMs) {
        results.push(this.loseAgent(agent, now, `no heartbeat for ${now - agent.lastSeenAt} ms`));
      }
    }
    const changes: DeviceChange[] = [];
    for (const record of this.devices.values()) {
      if (!this.agents.get(record.agent)?.online) continue;
      const step = onTick(record.track, now, this.thresholds);
      record.track = step.track;
      if (step.transition) changes.push({ agent: record.agent, device: record.device, at: now, ...step.transition });
    }
    if (changes.length > 0) results.push({ deviceChanges: changes });
    return results;
  }

  /** An unregistered device: no more deadlines or status for it. */
  removeDevice(agent: string, device: string): void {
    const key = deviceKey(agent, device);
    this.devices.delete(key);
    this.devicesByAgent.get(agent)?.delete(key);
  }

  private loseAgent(agent: AgentRecord, now: number, reason: string): RegistryResult {
    const wasOnline = agent.online;
    agent.online = false;
    const deviceChanges: DeviceChange[] = [];
    for (const key of this.devicesByAgent.get(agent.id) ?? []) {
      const record = this.devices.get(key)!;
      const step = onAgentLost(record.track, now, reason);
      record.track = step.track;
      if (step.transition) deviceChanges.push({ agent: agent.id, device: record.device, at: now, ...step.transition });
    }
    return {
      ...(wasOnline ? { agentChange: { agent: agent.id, online: false, session: agent.session, reason } } : {}),
      deviceChanges,
    };
  }

  private putDevice(record: DeviceRecord): void {
    const key = deviceKey(record.agent, record.device);
    this.devices.set(key, record);
    let keys = this.devicesByAgent.get(record.agent);
    if (!keys) {
      keys = new Set();
      this.devicesByAgent.set(record.agent, keys);
    }
    keys.add(key);
  }
}
