/**
 * The studio's catalog: equipment profiles, registered devices and slots. Every change is stored,
 * audited with who made it, and — for devices — handed to the device's agent as its retained desired
 * config, which the agent applies live and confirms. Slots are built only from registered devices.
 * This class is the catalog's one face (the requests, the plan and the wiring use it); each part is
 * in its own file: profiles.ts, device-registrations.ts, slot-definitions.ts, agent-configs.ts.
 */
import { allAgentsDrivingAlone } from '../../failover/local-slots.ts';
import type { AppliedConfig, DeviceConfig, DeviceRegistration } from '../../../protocols/device-config.ts';
import type { OperationData, OperationParams } from '../../../protocols/contract.ts';
import type { EquipmentProfile } from '../../../protocols/profile.ts';
import type { DeviceRef, Params } from '../../../protocols/schemas.ts';
import { refName } from '../../../protocols/device-ref.ts';
import { AgentConfigs } from './agent-configs.ts';
import type { CatalogDependencies } from './catalog-dependencies.ts';
import { addDevice, describeDevice, namesOf, removeDevice, type DeviceRegistrationsDependencies } from './device-registrations.ts';
import { addProfile, listProfiles, showProfile } from './profiles.ts';
import { defineSlot, removeSlot, type SlotDefinitionsDependencies } from './slot-definitions.ts';
import type { CatalogLookup } from './slot-checks.ts';

export type { CatalogDependencies, CatalogSlots } from './catalog-dependencies.ts';

export class Catalog implements CatalogLookup {
  private readonly configs: AgentConfigs;
  /** What the device and slot operations work with: the catalog's dependencies, its agent configs and its lookups. */
  private readonly parts: DeviceRegistrationsDependencies & SlotDefinitionsDependencies;

  constructor(private readonly d: CatalogDependencies) {
    this.configs = new AgentConfigs({ ...d, roles: this });
    this.parts = { ...d, configs: this.configs, catalog: this };
  }

  /** O(1): called for every health message. */
  isRetiring(agent: string, device: string): boolean {
    return this.configs.isRetiring(agent, device);
  }

  isRegistered(agent: string, device: string): boolean {
    return this.d.store.registration(agent, device) !== undefined;
  }

  /** A show's quiet windows changed, or a show ended: agents that fail slots over alone get their new tolerance. */
  refreshAgentsDrivingAlone(): void {
    for (const agent of allAgentsDrivingAlone(this.d.store.slots())) this.configs.publish(agent);
  }

  /** After every (re)connect to the broker: a restarted broker may have lost retained configs. */
  publishAllDesired(): void {
    this.configs.publishAll();
  }

  onApplied(agent: string, report: AppliedConfig): void {
    this.configs.onApplied(agent, report);
  }

  addProfile(p: OperationParams<'profile.add'>, by: string): OperationData<'profile.add'> {
    return addProfile(this.d, p, by);
  }

  listProfiles(): OperationData<'profile.list'> {
    return listProfiles(this.d.store);
  }

  showProfile(p: OperationParams<'profile.show'>): OperationData<'profile.show'> {
    return showProfile(this.d.store, p);
  }

  addDevice(p: OperationParams<'device.add'>, by: string): OperationData<'device.add'> {
    return addDevice(this.parts, p, by);
  }

  listDevices(p: OperationParams<'device.list'>): OperationData<'device.list'> {
    const versions = this.d.store.configVersions();
    return {
      devices: this.d.store
        .registrations(p.agent)
        .filter((r) => !p.studio || r.studio === p.studio)
        .map((r) => describeDevice(this.parts, r, versions)),
    };
  }

  showDevice(p: OperationParams<'device.show'>): OperationData<'device.show'> {
    const found = this.d.store.registration(p.agent, p.device);
    if (!found) throw new Error(`no registered device ${p.agent}/${p.device}`);
    return describeDevice(this.parts, found, this.d.store.configVersions());
  }

  removeDevice(p: OperationParams<'device.remove'>, by: string): OperationData<'device.remove'> {
    return removeDevice(this.parts, p, by);
  }

  /** Every registered device's names to the status answer (at start, and when this controller takes the lead). */
  nameAll(): void {
    for (const { registration, profile } of this.units()) this.d.named?.(registration, namesOf(registration, profile));
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

  defineSlot(p: OperationParams<'slot.add'>, by: string): OperationData<'slot.add'> {
    return defineSlot(this.parts, p, by);
  }

  listSlots(): OperationData<'slot.list'> {
    return { slots: this.d.store.slots() };
  }

  removeSlot(p: OperationParams<'slot.remove'>, by: string): OperationData<'slot.remove'> {
    return removeSlot(this.parts, p, by);
  }

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
    return { registration, config: this.configs.deviceConfig(registration), profile: stored.profile };
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
}
