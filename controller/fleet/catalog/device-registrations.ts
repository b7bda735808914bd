/**
 * Registered devices: checked against their profile's driver as the CLI checks them (any MQTT client
 * can register gear), stored, handed to their agent in its next config, audited. A device a slot or
 * another device's helper still needs cannot be removed.
 */
import type { OperationData, OperationParams } from '../../../protocols/contract.ts';
import type { DeviceRegistration } from '../../../protocols/device-config.ts';
import { mergeSettings, type EquipmentProfile } from '../../../protocols/profile.ts';
import { probeDeadline } from '../../../protocols/probe-deadline.ts';
import { unitProblems } from '../../../protocols/drivers/checks.ts';
import type { RegisteredDevice } from '../../../protocols/registry-operations.ts';
import { refName } from '../../../protocols/device-ref.ts';
import type { AgentConfigs } from './agent-configs.ts';
import type { CatalogDependencies } from './catalog-dependencies.ts';
import { driverSpec, type CatalogLookup } from './slot-checks.ts';

export type DeviceRegistrationsDependencies = Pick<
  CatalogDependencies,
  'store' | 'clock' | 'record' | 'status' | 'forgetDevice' | 'slots' | 'named'
> & {
  configs: AgentConfigs;
  catalog: Pick<CatalogLookup, 'resolve'>;
};

export function addDevice(d: DeviceRegistrationsDependencies, p: OperationParams<'device.add'>, by: string): OperationData<'device.add'> {
  const r = { ...p.registration, ...(p.registration.helpers ? { helpers: resolveHelpers(d, p.registration) } : {}) };
  const stored = d.store.profile(r.profile, r.profileVersion);
  if (!stored) throw new Error(`no profile "${r.profile}" version ${r.profileVersion}; add it with onair profile add`);
  const spec = driverSpec(stored.profile.driver);
  const options = mergeSettings(stored.profile.connection, r.options);
  const problems = unitProblems(spec, stored.profile, options, r.testParams);
  if (problems.length > 0) throw new Error(`${r.agent}/${r.device} (${spec.name}) cannot be registered:\n  ${problems.join('\n  ')}`);
  const raised = probeDeadline(spec, options, r.probe?.timeoutMs).raised; // the agent raises it too, and logs it
  const created = d.store.saveRegistration(r, d.clock.now());
  d.configs.keep(r.agent, r.device);
  d.named?.(r, namesOf(r, stored.profile));
  const configVersion = d.configs.publish(r.agent);
  d.record({
    type: 'device.added',
    ts: d.clock.now(),
    agent: r.agent,
    device: r.device,
    by,
    data: { profile: r.profile, version: r.profileVersion, changed: !created, configVersion },
  });
  return { agent: r.agent, device: r.device, created, configVersion, ...(raised ? { notes: [raised] } : {}) };
}

export function removeDevice(
  d: DeviceRegistrationsDependencies,
  p: OperationParams<'device.remove'>,
  by: string,
): OperationData<'device.remove'> {
  const ref = { agent: p.agent, device: p.device };
  if (!d.store.registration(p.agent, p.device)) throw new Error(`no registered device ${refName(ref)}`);
  const slots = d.slots.slotsOf(ref);
  if (slots.length > 0)
    throw new Error(
      `${refName(ref)} is in slot ${slots.join(', ')}; take it out of the slot first (onair slot add to redefine, or onair slot remove)`,
    );
  const watched = d.store.registrations().filter((r) => Object.values(r.helpers ?? {}).includes(refName(ref)));
  if (watched.length > 0)
    throw new Error(`${refName(ref)} is the helper of ${watched.map((r) => refName(r)).join(', ')}; change their --helper first`);
  d.store.removeRegistration(p.agent, p.device);
  const configVersion = d.configs.publish(p.agent);
  d.configs.retire(p.agent, p.device, configVersion);
  d.forgetDevice(ref);
  d.named?.(ref, undefined);
  d.record({
    type: 'device.removed',
    ts: d.clock.now(),
    agent: p.agent,
    device: p.device,
    by,
    ...(p.reason ? { reason: p.reason } : {}),
    data: { configVersion },
  });
  return { agent: p.agent, device: p.device, configVersion };
}

/** A registration as `device.list` and `device.show` give it: where its agent stands with it, its status and slots. */
export function describeDevice(
  d: DeviceRegistrationsDependencies,
  r: DeviceRegistration,
  versions: ReadonlyMap<string, number>,
): RegisteredDevice {
  const ref = { agent: r.agent, device: r.device };
  return { ...r, ...d.configs.deployment(r, versions), status: d.status(ref), slots: d.slots.slotsOf(ref) };
}

/** What the console shows of a registered device: its label, its profile's manufacturer and model, its studio. */
export function namesOf(r: DeviceRegistration, profile: Pick<EquipmentProfile, 'manufacturer' | 'model'>) {
  return { label: r.label, model: `${profile.manufacturer} ${profile.model}`, studio: r.studio };
}

/** Helpers must be registered (and not the device itself); stored as agent/device. */
function resolveHelpers(d: DeviceRegistrationsDependencies, r: DeviceRegistration): Record<string, string> {
  return Object.fromEntries(
    Object.entries(r.helpers ?? {}).map(([role, name]) => {
      const helper = d.catalog.resolve(name);
      if (helper.agent === r.agent && helper.device === r.device) throw new Error(`${role}: a device cannot watch itself`);
      return [role, refName(helper)];
    }),
  );
}
