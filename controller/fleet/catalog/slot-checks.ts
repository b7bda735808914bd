/**
 * The checks a slot's definition passes before it is stored (controller/fleet/catalog/slot-definitions.ts):
 * parameters only for its members, each member's activate and standby against what its driver takes,
 * one program switcher per slot with sources of the kind it takes, tally lamps a board really has.
 * Each throws with the words a technician needs; none changes anything.
 */
import type { OperationParams } from '../../../protocols/contract.ts';
import type { DeviceConfig, DeviceRegistration } from '../../../protocols/device-config.ts';
import type { EquipmentProfile } from '../../../protocols/profile.ts';
import type { ProgramMapping, SlotDefinition } from '../../../protocols/registry-operations.ts';
import { PROGRAM_SOURCE_KINDS, formatProgramSource, parseProgramSource } from '../../../protocols/program-source.ts';
import type { DeviceRef, Params } from '../../../protocols/schemas.ts';
import { DRIVER_SPECS } from '../../../protocols/drivers/index.ts';
import { actionProblems } from '../../../protocols/drivers/checks.ts';
import type { DriverSpec } from '../../../protocols/drivers/spec.ts';
import { refName } from '../../../protocols/device-ref.ts';

/** What the checks read of the catalog. */
export interface CatalogLookup {
  resolve(name: string): DeviceRef;
  lookup(ref: DeviceRef): { registration: DeviceRegistration; config: DeviceConfig; profile: EquipmentProfile };
  role(ref: DeviceRef, role: 'activate' | 'standby', slotParams: Params): { action: string; params: Params };
}

export function memberParams(c: CatalogLookup, p: OperationParams<'slot.add'>, members: DeviceRef[]): Record<string, Params> | undefined {
  if (!p.memberParams) return undefined;
  const names = members.map(refName);
  return Object.fromEntries(
    Object.entries(p.memberParams).map(([name, params]) => {
      const member = c.resolve(name);
      if (!names.includes(refName(member)))
        throw new Error(`parameters for ${name}: it is not a member of slot ${p.slot} (members: ${names.join(', ')})`);
      return [refName(member), params];
    }),
  );
}

/** What this member's activate and standby would be sent, against what its driver's actions take. */
export function memberProblems(c: CatalogLookup, member: DeviceRef, slot: SlotDefinition): string[] {
  const { config } = c.lookup(member);
  const spec = driverSpec(config.driver);
  const activate = c.role(member, 'activate', { ...slot.params, ...slot.memberParams?.[refName(member)] });
  const standby = c.role(member, 'standby', {});
  return [activate, standby]
    .flatMap((r) => actionProblems(spec, r.action, r.params, config.options))
    .map((p) => `${refName(member)} (${spec.name}): ${p}`);
}

export function driverSpec(name: string): DriverSpec {
  const spec = DRIVER_SPECS.get(name);
  if (!spec) throw new Error(`no driver "${name}" (drivers: ${[...DRIVER_SPECS.keys()].join(', ')})`);
  return spec;
}

export function programMappings(c: CatalogLookup, p: OperationParams<'slot.add'>, names: string[]): ProgramMapping[] {
  const mappings = Object.entries(p.program ?? {}).map(([memberName, target]): ProgramMapping => {
    const member = c.resolve(memberName);
    if (!names.includes(refName(member)))
      throw new Error(`program for ${memberName}: it is not a member of slot ${p.slot} (members: ${names.join(', ')})`);
    const hash = target.indexOf('#');
    const switcher = c.resolve(target.slice(0, hash));
    const source = target.slice(hash + 1);
    const { config } = c.lookup(switcher);
    const kind = PROGRAM_SOURCE_KINDS[config.driver];
    if (!kind)
      throw new Error(
        `program for ${memberName}: ${refName(switcher)} is no program switcher (its driver is ${config.driver}; switchers: ${Object.keys(PROGRAM_SOURCE_KINDS).join(', ')})`,
      );
    const parsed = parseProgramSource(source);
    if (typeof parsed === 'string') throw new Error(`program for ${memberName}: ${parsed}`);
    if (parsed.kind !== kind)
      throw new Error(
        `program for ${memberName}: ${refName(switcher)} (${config.driver}) takes ${kind === 'scene' ? 'scene:<name>' : 'input:<n>'}, not "${source}"`,
      );
    return { member, switcher, source: formatProgramSource(parsed) };
  });
  const switchers = new Set(mappings.map((m) => refName(m.switcher)));
  if (switchers.size > 1)
    throw new Error(`slot ${p.slot}: its members appear on ${[...switchers].join(' and ')}; one slot feeds one program switcher`);
  return mappings;
}

export function checkTally(c: CatalogLookup, board: DeviceRef, tally: string): void {
  const { config } = c.lookup(board);
  if (config.driver !== 'firmata') throw new Error(`${refName(board)} drives no tally lamps (its driver is ${config.driver}, not firmata)`);
  const tallies = Object.keys((config.options.tallies as Record<string, unknown> | undefined) ?? {});
  if (!tallies.includes(tally)) throw new Error(`${refName(board)} has no tally "${tally}"; it has: ${tallies.join(', ') || 'none'}`);
}
