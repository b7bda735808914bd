/**
 * The studio's catalog: equipment profiles, registered devices and slots. Every change is stored,
 * audited with who made it, and — for devices — handed to the device's agent as its retained desired
 * config, which the agent applies live and confirms. Slots are built only from registered devices.
 */
import { agentsDrivingAlone, allAgentsDrivingAlone, localSlotsFor } from '../failover/local-slots.ts';
import { Value } from '@sinclair/typebox/value';
import { probeDeadline } from '../../protocols/probe-deadline.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { profileRules } from '../../protocols/health-rules.ts';
import { DEFAULT_TRACKING, type TrackingThresholds } from '../../protocols/failure-detection.ts';
import { DeviceConfig, type AppliedConfig, type DesiredConfig, type DeviceRegistration } from '../../protocols/device-config.ts';
import type { OperationData, OperationParams } from '../../protocols/contract.ts';
import { mergeSettings, type EquipmentProfile } from '../../protocols/profile.ts';
import { unitMediaConfig } from '../../protocols/media-config.ts';
import type { RegisteredDevice, SlotDefinition } from '../../protocols/registry-operations.ts';
import type { Show } from '../../protocols/plan-schemas.ts';
import type { DeviceRef, DeviceStatus, Params } from '../../protocols/schemas.ts';
import type { CatalogStore } from '../store/catalog-store.ts';
import { parseProfile } from '../../protocols/profile-loader.ts';
import { ConfigError } from '../../lib/yaml-config.ts';
import { unitProblems } from '../../protocols/drivers/checks.ts';
import type { NewEvent } from '../../protocols/events.ts';
import { deviceKey, refName } from '../../protocols/device-ref.ts';
import { checkTally, driverSpec, memberParams as paramsOfMembers, memberProblems, programMappings } from './slot-checks.ts';

export interface CatalogDependencies {
  store: CatalogStore;
  clock: Clock;
  log: Logger;
  record: (event: NewEvent) => void;
  publishDesired: (agent: string, config: DesiredConfig) => void;
  /** The controller's own detection thresholds, handed to agents that fail slots over alone. */
  detection?: TrackingThresholds;
  /** Shows not over: their quiet windows go to agents that fail slots over alone (LocalSlot.content). */
  activeShows?: () => readonly Show[];
  status: (ref: DeviceRef) => DeviceStatus;
  /** The device was unregistered: forget its state (registry and store). */
  forgetDevice: (ref: DeviceRef) => void;
  /** The slots as they run (the failover engine). */
  slots: CatalogSlots;
  /** Why this slot may not be removed now (on air, or a show needs it), or undefined. */
  removalBlocked: (id: string) => string | undefined;
}

/** What the catalog asks of the slots as they run: declared here, by the catalog; the failover engine implements it. */
export interface CatalogSlots {
  /** Throws why the slot cannot be changed now (it is failing over). */
  assertDefinable(id: string): void;
  definition(id: string): SlotDefinition | undefined;
  defineSlot(slot: SlotDefinition): void;
  removeSlot(id: string): boolean;
  slotsOf(ref: DeviceRef): string[];
}

const key = (agent: string, device: string): string => deviceKey(agent, device);

export class Catalog {
  /** Latest report from each agent about its desired config. */
  private readonly applied = new Map<string, AppliedConfig>();
  /** Unregistered devices whose agent has not yet confirmed stopping them: their late health is ignored. */
  private readonly retiring = new Map<string, { agent: string; untilVersion: number }>();

  constructor(private readonly d: CatalogDependencies) {}

  /** O(1): called for every health message. */
  isRetiring(agent: string, device: string): boolean {
    return this.retiring.size > 0 && this.retiring.has(key(agent, device));
  }

  isRegistered(agent: string, device: string): boolean {
    return this.d.store.registration(agent, device) !== undefined;
  }

  /** A show's quiet windows changed, or a show ended: agents that fail slots over alone get their new tolerance. */
  refreshAgentsDrivingAlone(): void {
    for (const agent of allAgentsDrivingAlone(this.d.store.slots())) this.publishAgent(agent);
  }

  /** After every (re)connect to the broker: a restarted broker may have lost retained configs. */
  publishAllDesired(): void {
    for (const [agent, version] of this.d.store.configVersions()) this.d.publishDesired(agent, this.desiredFor(agent, version));
  }

  onApplied(agent: string, report: AppliedConfig): void {
    const previous = this.applied.get(agent);
    this.applied.set(agent, report);
    for (const [k, r] of this.retiring) {
      if (r.agent === agent && report.version >= r.untilVersion) this.retiring.delete(k);
    }
    const sameProblems = JSON.stringify(previous?.problems) === JSON.stringify(report.problems);
    if (previous?.version === report.version && sameProblems) return; // a repeat after a reconnect
    this.d.record({
      type: 'config.applied',
      ts: this.d.clock.now(),
      agent,
      data: { version: report.version, running: report.running.length, problems: report.problems },
    });
    for (const p of report.problems)
      this.d.log.warn({ agent, device: p.device, configVersion: report.version, err: p.error }, 'agent refused a registered device');
  }

  addProfile(p: OperationParams<'profile.add'>, by: string): OperationData<'profile.add'> {
    // Against its driver, exactly as `onair profile validate` does: any MQTT client can add profiles.
    try {
      parseProfile(JSON.stringify(p.profile, null, 2), `profile ${p.profile.profile}`);
    } catch (err) {
      if (err instanceof ConfigError)
        throw new Error(
          `profile ${p.profile.profile} v${p.profile.version} is not valid for its driver:\n  ${err.problems.map((x) => `${x.path}: ${x.message}${x.hint ? ` (${x.hint})` : ''}`).join('\n  ')}`,
          { cause: err },
        );
      throw err;
    }
    const created = this.d.store.addProfile(p.profile, this.d.clock.now(), by);
    if (created)
      this.d.record({
        type: 'profile.added',
        ts: this.d.clock.now(),
        by,
        data: { profile: p.profile.profile, version: p.profile.version },
      });
    return { profile: p.profile.profile, version: p.profile.version, created };
  }

  listProfiles(): OperationData<'profile.list'> {
    return {
      profiles: this.d.store.profiles().map(({ profile: p, addedAt, addedBy }) => ({
        profile: p.profile,
        version: p.version,
        manufacturer: p.manufacturer,
        model: p.model,
        kind: p.kind,
        driver: p.driver,
        addedAt,
        addedBy,
      })),
    };
  }

  showProfile(p: OperationParams<'profile.show'>): OperationData<'profile.show'> {
    const found = this.d.store.profile(p.profile, p.version);
    if (!found) throw new Error(`no profile "${p.profile}"${p.version === undefined ? '' : ` version ${p.version}`}`);
    return found;
  }

  addDevice(p: OperationParams<'device.add'>, by: string): OperationData<'device.add'> {
    const r = { ...p.registration, ...(p.registration.helpers ? { helpers: this.resolveHelpers(p.registration) } : {}) };
    const stored = this.d.store.profile(r.profile, r.profileVersion);
    if (!stored) throw new Error(`no profile "${r.profile}" version ${r.profileVersion}; add it with onair profile add`);
    // Checked here as the CLI checks it: any MQTT client can register gear.
    const spec = driverSpec(stored.profile.driver);
    const options = mergeSettings(stored.profile.connection, r.options);
    const problems = unitProblems(spec, stored.profile, options, r.testParams);
    if (problems.length > 0) throw new Error(`${r.agent}/${r.device} (${spec.name}) cannot be registered:\n  ${problems.join('\n  ')}`);
    const raised = probeDeadline(spec, options, r.probe?.timeoutMs).raised; // the agent raises it too, and logs it
    const created = this.d.store.saveRegistration(r, this.d.clock.now());
    this.retiring.delete(key(r.agent, r.device)); // registered again before its agent confirmed the removal
    const configVersion = this.publishAgent(r.agent);
    this.d.record({
      type: 'device.added',
      ts: this.d.clock.now(),
      agent: r.agent,
      device: r.device,
      by,
      data: { profile: r.profile, version: r.profileVersion, changed: !created, configVersion },
    });
    return { agent: r.agent, device: r.device, created, configVersion, ...(raised ? { notes: [raised] } : {}) };
  }

  listDevices(p: OperationParams<'device.list'>): OperationData<'device.list'> {
    const versions = this.d.store.configVersions();
    return {
      devices: this.d.store
        .registrations(p.agent)
        .filter((r) => !p.studio || r.studio === p.studio)
        .map((r) => this.describe(r, versions)),
    };
  }

  /** Every registered device with its profile, read once: what maintenance schedules and due items look at. */
  units(): Array<{ registration: DeviceRegistration; profile: EquipmentProfile }> {
    const profiles = new Map<string, EquipmentProfile | undefined>();
    return this.d.store.registrations().flatMap((registration) => {
      const id = `${registration.profile}@${registration.profileVersion}`;
      if (!profiles.has(id)) profiles.set(id, this.d.store.profile(registration.profile, registration.profileVersion)?.profile);
      const profile = profiles.get(id);
      return profile ? [{ registration, profile }] : [];
    });
  }

  showDevice(p: OperationParams<'device.show'>): OperationData<'device.show'> {
    const found = this.d.store.registration(p.agent, p.device);
    if (!found) throw new Error(`no registered device ${p.agent}/${p.device}`);
    return this.describe(found, this.d.store.configVersions());
  }

  removeDevice(p: OperationParams<'device.remove'>, by: string): OperationData<'device.remove'> {
    const ref = { agent: p.agent, device: p.device };
    if (!this.d.store.registration(p.agent, p.device)) throw new Error(`no registered device ${refName(ref)}`);
    const slots = this.d.slots.slotsOf(ref);
    if (slots.length > 0)
      throw new Error(
        `${refName(ref)} is in slot ${slots.join(', ')}; take it out of the slot first (onair slot add to redefine, or onair slot remove)`,
      );
    const watched = this.d.store.registrations().filter((r) => Object.values(r.helpers ?? {}).includes(refName(ref)));
    if (watched.length > 0)
      throw new Error(`${refName(ref)} is the helper of ${watched.map((r) => refName(r)).join(', ')}; change their --helper first`);
    this.d.store.removeRegistration(p.agent, p.device);
    const configVersion = this.publishAgent(p.agent);
    this.retiring.set(key(p.agent, p.device), { agent: p.agent, untilVersion: configVersion });
    this.d.forgetDevice(ref);
    this.d.record({
      type: 'device.removed',
      ts: this.d.clock.now(),
      agent: p.agent,
      device: p.device,
      by,
      ...(p.reason ? { reason: p.reason } : {}),
      data: { configVersion },
    });
    return { agent: p.agent, device: p.device, configVersion };
  }

  defineSlot(p: OperationParams<'slot.add'>, by: string): OperationData<'slot.add'> {
    const primary = this.resolve(p.primary);
    const backups = (p.backups ?? []).map((b) => this.resolve(b));
    const members = [primary, ...backups];
    const names = members.map(refName);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`${twice} is named twice in slot ${p.slot}`);
    const tallies = Object.entries(p.tallies ?? {}).map(([memberName, lamp]) => {
      const member = this.resolve(memberName);
      if (!names.includes(refName(member)))
        throw new Error(`tally for ${memberName}: it is not a member of slot ${p.slot} (members: ${names.join(', ')})`);
      const [boardName, tally] = lamp.split('#') as [string, string];
      const board = this.resolve(boardName);
      checkTally(this, board, tally);
      return { member, board, tally };
    });
    const program = programMappings(this, p, names);
    const memberParams = paramsOfMembers(this, p, members);
    const slot: SlotDefinition = {
      id: p.slot,
      primary,
      backups,
      params: p.params ?? {},
      ...(memberParams ? { memberParams } : {}),
      tallies,
      ...(program.length ? { program } : {}),
      ...(p.preshow ? { preshow: p.preshow } : {}),
      ...(p.onContentFault ? { onContentFault: p.onContentFault } : {}),
      ...(p.mayBeDark ? { mayBeDark: true } : {}),
      ...(p.mayBeStill ? { mayBeStill: true } : {}),
      ...(p.maySilence ? { maySilence: true } : {}),
    };
    const problems = members.flatMap((m) => memberProblems(this, m, slot));
    if (problems.length > 0) throw new Error(`slot ${p.slot} cannot be defined:\n  ${problems.join('\n  ')}`);
    this.d.slots.assertDefinable(slot.id); // refused while the slot is failing over, before anything is stored
    // Stored first, then run: a change the store could not keep must not be live either.
    const before = this.d.store.slots().find((s) => s.id === slot.id);
    const created = this.d.store.saveSlot(slot, this.d.clock.now());
    this.d.slots.defineSlot(slot);
    for (const agent of agentsDrivingAlone(before, slot)) this.publishAgent(agent); // it fails this slot over alone
    this.d.record({
      type: 'slot.defined',
      ts: this.d.clock.now(),
      slot: p.slot,
      by,
      data: { primary: refName(primary), backups: backups.map(refName), params: slot.params, changed: !created },
    });
    return { slot, created };
  }

  listSlots(): OperationData<'slot.list'> {
    return { slots: this.d.store.slots() };
  }

  removeSlot(p: OperationParams<'slot.remove'>, by: string): OperationData<'slot.remove'> {
    const blocked = this.d.removalBlocked(p.slot);
    if (blocked) throw new Error(`slot ${p.slot} cannot be removed: ${blocked}`);
    if (this.d.slots.definition(p.slot) === undefined) throw new Error(`no slot "${p.slot}"`);
    this.d.slots.assertDefinable(p.slot);
    const removed = this.d.store.slots().find((s) => s.id === p.slot);
    this.d.store.removeSlot(p.slot);
    for (const agent of agentsDrivingAlone(removed)) this.publishAgent(agent);
    this.d.slots.removeSlot(p.slot);
    this.d.record({ type: 'slot.removed', ts: this.d.clock.now(), slot: p.slot, by, ...(p.reason ? { reason: p.reason } : {}), data: {} });
    return { slot: p.slot };
  }

  /** Per-member parameters, keyed by the member's agent/device. */
  /** `agent/device`, or a device id only one registration has. */
  resolve(name: string): DeviceRef {
    const slash = name.indexOf('/');
    if (slash > 0) {
      const ref = { agent: name.slice(0, slash), device: name.slice(slash + 1) };
      if (!this.d.store.registration(ref.agent, ref.device))
        throw new Error(`${name} is not a registered device; register it first with onair device add`);
      return ref;
    }
    const matches = this.d.store.registrations().filter((r) => r.device === name);
    if (matches.length === 1) return { agent: matches[0]!.agent, device: name };
    if (matches.length > 1)
      throw new Error(`"${name}" is registered on several agents; say which: ${matches.map((m) => refName(m)).join(', ')}`);
    throw new Error(`"${name}" is not a registered device; register it first with onair device add`);
  }

  /** The registration, its profile and the device config its agent runs — for self-tests. */
  lookup(ref: DeviceRef): { registration: DeviceRegistration; config: DeviceConfig; profile: EquipmentProfile } {
    const registration = this.d.store.registration(ref.agent, ref.device);
    if (!registration) throw new Error(`${refName(ref)} is not a registered device`);
    const stored = this.d.store.profile(registration.profile, registration.profileVersion);
    if (!stored) throw new Error(`profile ${registration.profile} v${registration.profileVersion} of ${refName(ref)} is missing`);
    return { registration, config: this.deviceConfig(registration), profile: stored.profile };
  }

  /**
   * What `activate` or `standby` means for this device: its profile's role (a receiver unmutes, a
   * fixture recalls its key scene), with the slot's parameters over the role's. Devices without a
   * profile role (or not registered) get the driver's own action of that name.
   */
  role(ref: DeviceRef, role: 'activate' | 'standby', slotParams: Params): { action: string; params: Params } {
    const registration = this.d.store.registration(ref.agent, ref.device);
    const defined = registration && this.d.store.profile(registration.profile, registration.profileVersion)?.profile.roles[role];
    return defined ? { action: defined.action, params: { ...defined.params, ...slotParams } } : { action: role, params: slotParams };
  }

  /** Helpers must be registered (and not the device itself); stored as agent/device. */
  private resolveHelpers(r: DeviceRegistration): Record<string, string> {
    return Object.fromEntries(
      Object.entries(r.helpers ?? {}).map(([role, name]) => {
        const helper = this.resolve(name);
        if (helper.agent === r.agent && helper.device === r.device) throw new Error(`${role}: a device cannot watch itself`);
        return [role, refName(helper)];
      }),
    );
  }

  /** The helpers of a registered device, by role. */
  helpers(ref: DeviceRef): Record<string, DeviceRef> {
    const helpers = this.d.store.registration(ref.agent, ref.device)?.helpers ?? {};
    return Object.fromEntries(
      Object.entries(helpers).map(([role, name]) => {
        const [agent, device] = name.split('/') as [string, string];
        return [role, { agent, device }];
      }),
    );
  }

  /** `member=switcher#source`, checked against the switcher's driver like a tally against its board. */
  private publishAgent(agent: string): number {
    const version = this.d.store.nextConfigVersion(agent, this.d.clock.now());
    this.d.publishDesired(agent, this.desiredFor(agent, version));
    return version;
  }

  private desiredFor(agent: string, version: number): DesiredConfig {
    const slots = localSlotsFor(
      agent,
      this.d.store.slots(),
      (ref, role, params) => this.role(ref, role, params),
      this.d.detection ?? DEFAULT_TRACKING,
      this.d.activeShows?.() ?? [],
    );
    return {
      version,
      ts: this.d.clock.now(),
      devices: this.d.store.registrations(agent).map((r) => this.deviceConfig(r)),
      ...(slots.length ? { slots } : {}),
    };
  }

  /** Profile defaults under the unit's own settings; driver option defaults are the agent's to fill in. */
  private deviceConfig(r: DeviceRegistration): DeviceConfig {
    const p = this.d.store.profile(r.profile, r.profileVersion)?.profile;
    if (!p) throw new Error(`profile ${r.profile} v${r.profileVersion} of ${r.agent}/${r.device} is missing`);
    const media = unitMediaConfig(p.media, r.media);
    return Value.Default(DeviceConfig, {
      id: r.device,
      driver: p.driver,
      kind: p.kind,
      options: mergeSettings(p.connection, r.options),
      profile: `${p.profile}@${p.version}`,
      rules: profileRules(p),
      ...(r.probe ? { probe: r.probe } : {}),
      ...(media ? { media } : {}),
    }) as DeviceConfig;
  }

  private describe(r: DeviceRegistration, versions: ReadonlyMap<string, number>): RegisteredDevice {
    const applied = this.applied.get(r.agent);
    const current = versions.get(r.agent);
    const problem = applied?.problems.find((p) => p.device === r.device)?.error;
    const deployment =
      applied && applied.version === current
        ? problem
          ? 'refused'
          : applied.running.includes(r.device)
            ? 'running'
            : 'pending'
        : 'pending';
    const ref = { agent: r.agent, device: r.device };
    return { ...r, deployment, ...(problem ? { problem } : {}), status: this.d.status(ref), slots: this.d.slots.slotsOf(ref) };
  }
}
