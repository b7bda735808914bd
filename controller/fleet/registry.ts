/**
 * The fleet picture: agents (with the session rule) and their devices' tracks. It owns state only;
 * the decisions come from the pure failure detector.
 *
 * It also knows how much of the fleet the controller can see. After a start or a reconnect to the
 * broker, agents get a grace to re-announce: deadlines wait, and a death of a session nobody has
 * heard live since then (a broker that restarted publishes every agent's will) is held until the
 * grace ends — a new birth in the meantime means it was the broker, not the agent. An agent counts
 * as reachable once a live message of its current session arrives; a retained one proves nothing.
 */
import type { AgentState, DeviceHealth, DeviceStatus, Heartbeat, StatusData } from '../../protocols/schemas.ts';
import { newTrack, onAgentLost, onHealth, onTick, type DetectionThresholds } from './failure-detector.ts';
import { deviceKey } from '../../protocols/device-ref.ts';
import { contentOnlyFailure } from '../../protocols/failure-detection.ts';
import type { ContentTolerance } from '../../protocols/content-policy.ts';
import type { AgentRecord, DeviceRecord } from '../store/fleet-rows.ts';
import type { Arrival, DeviceChange, RegistryResult } from './registry-results.ts';
import { DeviceSummaries, type DeviceNames } from './device-summaries.ts';
import { noteUnjudged, rejudged, type UnjudgedContent } from './unjudged-content.ts';

export type { AgentRecord, DeviceRecord } from '../store/fleet-rows.ts';
export type { AgentChange, Arrival, DeviceChange, RegistryResult } from './registry-results.ts';

interface AgentRuntime extends AgentRecord {
  /** Heard live in its current session since the controller last (re)connected. */
  confirmed: boolean;
  /** A death of this session that arrived before the agent was heard live again: applied when the grace ends. */
  heldDeath?: number;
}

/** Health of a session whose birth has not arrived yet is kept (the latest per device) until it does. */
const MAX_PARKED = 10_000;
const NOTHING: RegistryResult = { deviceChanges: [] };

export class Registry {
  private readonly agents = new Map<string, AgentRuntime>();
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly devicesByAgent = new Map<string, Set<string>>();
  private readonly parked = new Map<string, { agent: string; device: string; health: DeviceHealth }>();
  private linkUp = true;
  private graceUntil = 0;
  private readonly summaries = new DeviceSummaries();

  /** What a device's slots allow of a content fault now (controller/failover/content-policy.ts); set once the slots are known. */
  private contentTolerance?: (agent: string, device: string) => ContentTolerance | undefined;

  /** A standby's registry (no tolerance known): raw health of content-only failures, judged at adoption (unjudged-content.ts). */
  private unjudged?: UnjudgedContent;

  constructor(private readonly thresholds: DetectionThresholds) {}

  /** The slots' content rule, for the tracking step (protocols/failure-detection.ts judgeContent). */
  judgeContentWith(tolerance: (agent: string, device: string) => ContentTolerance | undefined): void {
    this.contentTolerance = tolerance;
  }

  /** For a hot standby, which knows no slot: content-only failures are kept raw for the new leader to judge (adopt). */
  judgeContentAtAdoption(): void {
    this.unjudged = new Map();
  }

  /** State from before a restart; then a grace, as after any reconnect. */
  restore(agents: AgentRecord[], devices: DeviceRecord[], now: number, graceMs: number): void {
    for (const a of agents) this.agents.set(a.id, { ...a, confirmed: false });
    // Deadlines count from now (then wait for the grace), not from before the restart.
    for (const d of devices) this.putDevice({ ...d, track: { ...d.track, lastHealthAt: now } });
    this.beginGrace(now, graceMs);
  }

  /**
   * Takes over what a hot standby saw while it stood by (controller/pair/standby-picture.ts) on top of the
   * stored picture, after the link is up: its agents stay heard (no grace needed for them), and every
   * difference from what the last leader stored comes back as a change to record and decide on.
   * `keep` filters the standby's devices (it has no catalog: unregistered ones it took from retained
   * copies may be ghosts; they enter again from their next live health). A content fault the standby
   * could not judge is judged now, with this leader's tolerance at `now` (unjudged-content.ts).
   */
  adopt(picture: Registry, keep: (agent: string, device: string) => boolean, now: number): RegistryResult[] {
    const agentChanges: RegistryResult[] = [];
    const heard = new Set<string>();
    for (const seen of picture.agents.values()) {
      const known = this.agents.get(seen.id);
      if (known && seen.session < known.session) continue;
      const confirmed = seen.confirmed && picture.linkUp;
      if (confirmed) heard.add(seen.id);
      const lastSeenAt = confirmed || !seen.online ? seen.lastSeenAt : Math.max(seen.lastSeenAt ?? 0, this.graceUntil);
      this.agents.set(seen.id, { ...seen, confirmed, lastSeenAt });
      const changed = !known || known.online !== seen.online || known.session !== seen.session;
      if (changed)
        agentChanges.push({
          deviceChanges: [],
          agentChange: {
            agent: seen.id,
            online: seen.online,
            session: seen.session,
            reason: `${seen.online ? 'online' : 'offline'}, as this controller saw it while standing by`,
          },
        });
    }
    const deviceChanges: DeviceChange[] = [];
    for (const seen of picture.devices.values()) {
      const key = deviceKey(seen.agent, seen.device);
      const stored = this.devices.get(key);
      if (!stored && !keep(seen.agent, seen.device)) continue;
      const held = picture.unjudged?.get(key);
      const tolerance = held && this.contentTolerance?.(seen.agent, seen.device);
      const track = rejudged(seen.track, { stored: stored?.track, held, tolerance }, this.thresholds, now);
      const lastHealthAt =
        heard.has(seen.agent) || track.lastHealthAt === null ? track.lastHealthAt : Math.max(track.lastHealthAt, this.graceUntil);
      this.putDevice({ ...seen, track: { ...track, lastHealthAt } });
      const from = stored?.track.status ?? 'unknown';
      if (from !== track.status) {
        deviceChanges.push({
          agent: seen.agent,
          device: seen.device,
          at: track.since,
          from,
          to: track.status,
          reason: `${track.detail ?? track.status}, as this controller saw it while standing by`,
        });
      }
    }
    for (const [key, parked] of picture.parked) this.parked.set(key, parked);
    // Agents reachable last: the engine must know what failed before it looks at their slots.
    return [...agentChanges, { deviceChanges }, ...[...heard].map((agent) => ({ deviceChanges: [], confirmed: agent }))];
  }

  /** The controller lost the broker: nothing is known to be reachable, and no deadline runs. */
  linkLost(): void {
    this.linkUp = false;
    for (const a of this.agents.values()) a.confirmed = false;
  }

  /**
   * Connected again (or started): agents get `graceMs` to re-announce before deadlines apply, and one
   * that died while we could not see it is still declared lost, once the grace is over.
   */
  beginGrace(now: number, graceMs: number): void {
    this.linkUp = true;
    this.graceUntil = now + graceMs;
    for (const a of this.agents.values()) {
      a.confirmed = false;
      if (a.online) a.lastSeenAt = Math.max(a.lastSeenAt ?? 0, this.graceUntil);
    }
    for (const d of this.devices.values())
      d.track = { ...d.track, lastHealthAt: d.track.lastHealthAt === null ? null : Math.max(d.track.lastHealthAt, this.graceUntil) };
  }

  /** Can the controller see the fleet: connected, and every agent that was online heard again (or the grace over)? */
  settled(now: number): boolean {
    if (!this.linkUp) return false;
    if (now >= this.graceUntil) return true;
    for (const a of this.agents.values()) if (a.online && !a.confirmed) return false;
    return true;
  }

  get connected(): boolean {
    return this.linkUp;
  }

  /** Heard live since the last (re)connect: a command sent to it can arrive. */
  reachable(agent: string): boolean {
    const a = this.agents.get(agent);
    return !!a && a.online && a.confirmed && this.linkUp;
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

  /** Agents and devices as `status` reports them (each device's entry kept until it changes: device-summaries.ts). */
  summary(): Pick<StatusData, 'agents' | 'devices'> {
    const devices: StatusData['devices'] = [];
    for (const r of this.devices.values()) devices.push(this.summaries.of(r).entry);
    return {
      agents: this.allAgents().map((a) => ({ agent: a.id, online: a.online, session: a.session, lastSeenAt: a.lastSeenAt })),
      devices,
    };
  }

  /** A registration's label, model and studio for its `status` entry (undefined: unregistered). */
  name(agent: string, device: string, names: DeviceNames | undefined): void {
    this.summaries.name(agent, device, names);
  }

  /** The devices of `summary()` as one JSON array, serialised only where an entry changed. */
  devicesJson(): string {
    return this.summaries.json(this.devices.values());
  }

  applyAgentState(agentId: string, state: AgentState, at: Arrival): RegistryResult {
    const known = this.agents.get(agentId);
    if (known && state.session < known.session) {
      // Sparkplug B: a death (or birth) from an older session than the current birth is stale [tck-id-topics-nbirth-bdseq-matching].
      return { deviceChanges: [], ignored: `session ${state.session} is older than current session ${known.session}` };
    }
    if (!state.online) return this.applyDeath(agentId, known, state, at.now);
    const heartbeatDeadlineMs = state.heartbeatIntervalMs
      ? Math.max(this.thresholds.heartbeatDeadlineMs, 3 * state.heartbeatIntervalMs)
      : (known?.heartbeatDeadlineMs ?? this.thresholds.heartbeatDeadlineMs);
    const changed = !known || !known.online || known.session !== state.session;
    const confirmed = at.live || (!!known?.confirmed && known.session === state.session);
    const record: AgentRuntime = {
      id: agentId,
      online: true,
      session: state.session,
      lastSeenAt: Math.max(at.now, known?.lastSeenAt ?? 0),
      heartbeatDeadlineMs,
      confirmed,
    };
    this.agents.set(agentId, record);
    for (const deviceId of state.devices ?? []) {
      if (!this.devices.has(deviceKey(agentId, deviceId))) this.putDevice({ agent: agentId, device: deviceId, track: newTrack(at.now) });
    }
    const deviceChanges = this.unpark(agentId, state.session, at.now);
    return {
      deviceChanges,
      ...(changed ? { agentChange: { agent: agentId, online: true, session: state.session, reason: 'birth' } } : {}),
      ...(confirmed && !known?.confirmed ? { confirmed: agentId } : {}),
    };
  }

  private applyDeath(agentId: string, known: AgentRuntime | undefined, state: AgentState, now: number): RegistryResult {
    if (!known) {
      this.agents.set(agentId, {
        id: agentId,
        online: false,
        session: state.session,
        lastSeenAt: now,
        heartbeatDeadlineMs: this.thresholds.heartbeatDeadlineMs,
        confirmed: false,
      });
      return NOTHING;
    }
    if (state.session !== known.session) {
      // A death names the session it ends [tck-id-payloads-ndeath-bdseq]: one for a session we never saw born ends nothing.
      return { deviceChanges: [], ignored: `death for session ${state.session}, but the current session is ${known.session}` };
    }
    if (!known.online) return NOTHING;
    if (!known.confirmed && now < this.graceUntil) {
      // Not heard live since we (re)connected: a restarted broker publishes every agent's will. Wait for the grace.
      known.heldDeath = state.session;
      return { deviceChanges: [], ignored: `death of session ${state.session} held until the agents have had their grace to reconnect` };
    }
    return this.loseAgent(known, now, 'agent offline (last will or goodbye)');
  }

  /**
   * A death heard while the controller could not prove its own link (the broker may be publishing
   * wills as it shuts down): kept for the grace after the reconnect, which decides it.
   */
  holdDeath(agentId: string, state: AgentState): void {
    const known = this.agents.get(agentId);
    if (!known || !known.online || state.online || state.session !== known.session) return;
    known.confirmed = false;
    known.heldDeath = state.session;
  }

  applyHeartbeat(agentId: string, heartbeat: Heartbeat, now: number): RegistryResult {
    const known = this.agents.get(agentId);
    if (!known || heartbeat.session < known.session) return { deviceChanges: [], ignored: 'heartbeat from an unknown or older session' };
    if (heartbeat.session !== known.session) return NOTHING; // a newer session whose birth we have not seen: wait for it
    known.lastSeenAt = now;
    const firstLive = !known.confirmed;
    known.confirmed = true;
    known.heldDeath = undefined;
    if (!known.online) {
      known.online = true;
      return {
        agentChange: { agent: agentId, online: true, session: known.session, reason: 'heartbeats resumed' },
        deviceChanges: [],
        confirmed: agentId,
      };
    }
    return firstLive ? { deviceChanges: [], confirmed: agentId } : NOTHING;
  }

  applyHealth(agentId: string, deviceId: string, health: DeviceHealth, at: Arrival): RegistryResult {
    const agent = this.agents.get(agentId);
    if (agent && health.session < agent.session) return { deviceChanges: [], ignored: `health from older session ${health.session}` };
    if (!agent || health.session > agent.session || !agent.online) {
      if (agent && health.session === agent.session) return { deviceChanges: [], ignored: 'health from an agent that is offline' };
      // Its birth has not arrived yet (retained messages come in any order): keep it for the birth.
      this.park(agentId, deviceId, health);
      return NOTHING;
    }
    if (at.live) agent.lastSeenAt = at.now;
    const firstLive = at.live && !agent.confirmed;
    if (at.live) {
      agent.confirmed = true;
      agent.heldDeath = undefined;
    }
    return { ...this.healthStep(agentId, deviceId, health, at.now), ...(firstLive ? { confirmed: agentId } : {}) };
  }

  private healthStep(agentId: string, deviceId: string, health: DeviceHealth, now: number): RegistryResult {
    const key = deviceKey(agentId, deviceId);
    let record = this.devices.get(key);
    if (!record) {
      record = { agent: agentId, device: deviceId, track: newTrack(now) };
      this.putDevice(record);
    }
    record.driver = health.driver;
    if (health.kind) record.kind = health.kind;
    // What its slots allow of a content fault, asked only when content is all that failed (rare).
    const content = this.contentTolerance && contentOnlyFailure(health) ? this.contentTolerance(agentId, deviceId) : undefined;
    const step = onHealth(record.track, health, now, content ? { ...this.thresholds, content } : this.thresholds);
    record.track = step.track;
    if (this.unjudged) noteUnjudged(this.unjudged, key, health, step.track);
    return { deviceChanges: step.transition ? [{ agent: agentId, device: deviceId, at: now, ...step.transition }] : [] };
  }

  private park(agent: string, device: string, health: DeviceHealth): void {
    const key = deviceKey(agent, device);
    this.parked.delete(key); // re-insert: the Map stays oldest first
    this.parked.set(key, { agent, device, health });
    if (this.parked.size > MAX_PARKED) this.parked.delete(this.parked.keys().next().value!);
  }

  private unpark(agent: string, session: number, now: number): DeviceChange[] {
    const changes: DeviceChange[] = [];
    for (const [key, p] of this.parked) {
      if (p.agent !== agent || p.health.session > session) continue;
      this.parked.delete(key);
      if (p.health.session === session) changes.push(...this.healthStep(agent, p.device, p.health, now).deviceChanges);
    }
    return changes;
  }

  /** Deadlines, recoveries and the end of a grace. O(agents + devices); run on a timer, not per message. */
  tick(now: number): RegistryResult[] {
    if (!this.linkUp) return []; // cut off from the broker: silence means nothing
    const results: RegistryResult[] = [];
    for (const agent of this.agents.values()) {
      if (agent.heldDeath !== undefined && now >= this.graceUntil) {
        const held = agent.heldDeath;
        agent.heldDeath = undefined;
        if (agent.online && !agent.confirmed && held === agent.session)
          results.push(this.loseAgent(agent, now, 'agent offline: its last will stood, and it did not reconnect within the grace'));
      }
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
    this.parked.delete(key);
    this.unjudged?.delete(key);
  }

  private loseAgent(agent: AgentRuntime, now: number, reason: string): RegistryResult {
    const wasOnline = agent.online;
    agent.online = false;
    agent.confirmed = false;
    agent.heldDeath = undefined;
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
