/**
 * Slots, built only from registered devices: each definition checked (slot-checks.ts) before it is
 * stored, stored before it runs (a change the store could not keep must not be live either), handed to
 * the agents that fail it over alone, audited.
 */
import type { OperationData, OperationParams } from '../../../protocols/contract.ts';
import type { SlotDefinition } from '../../../protocols/registry-operations.ts';
import { refName } from '../../../protocols/device-ref.ts';
import { agentsDrivingAlone } from '../../failover/local-slots.ts';
import type { AgentConfigs } from './agent-configs.ts';
import type { CatalogDependencies } from './catalog-dependencies.ts';
import { checkTally, memberParams as paramsOfMembers, memberProblems, programMappings, type CatalogLookup } from './slot-checks.ts';

export type SlotDefinitionsDependencies = Pick<CatalogDependencies, 'store' | 'clock' | 'record' | 'slots' | 'removalBlocked'> & {
  configs: AgentConfigs;
  catalog: CatalogLookup;
};

export function defineSlot(d: SlotDefinitionsDependencies, p: OperationParams<'slot.add'>, by: string): OperationData<'slot.add'> {
  const c = d.catalog;
  const primary = c.resolve(p.primary);
  const backups = (p.backups ?? []).map((b) => c.resolve(b));
  const members = [primary, ...backups];
  const names = members.map(refName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`${twice} is named twice in slot ${p.slot}`);
  const tallies = Object.entries(p.tallies ?? {}).map(([memberName, lamp]) => {
    const member = c.resolve(memberName);
    if (!names.includes(refName(member)))
      throw new Error(`tally for ${memberName}: it is not a member of slot ${p.slot} (members: ${names.join(', ')})`);
    const [boardName, tally] = lamp.split('#') as [string, string];
    const board = c.resolve(boardName);
    checkTally(c, board, tally);
    return { member, board, tally };
  });
  const program = programMappings(c, p, names);
  const memberParams = paramsOfMembers(c, p, members);
  const slot: SlotDefinition = {
    id: p.slot,
    ...(p.label ? { label: p.label } : {}),
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
  const problems = members.flatMap((m) => memberProblems(c, m, slot));
  if (problems.length > 0) throw new Error(`slot ${p.slot} cannot be defined:\n  ${problems.join('\n  ')}`);
  d.slots.assertDefinable(slot.id); // refused while the slot is failing over, before anything is stored
  const before = d.store.slots().find((s) => s.id === slot.id);
  const created = d.store.saveSlot(slot, d.clock.now());
  d.slots.defineSlot(slot);
  for (const agent of agentsDrivingAlone(before, slot)) d.configs.publish(agent); // it fails this slot over alone
  d.record({
    type: 'slot.defined',
    ts: d.clock.now(),
    slot: p.slot,
    by,
    data: { primary: refName(primary), backups: backups.map(refName), params: slot.params, changed: !created },
  });
  return { slot, created };
}

export function removeSlot(d: SlotDefinitionsDependencies, p: OperationParams<'slot.remove'>, by: string): OperationData<'slot.remove'> {
  const blocked = d.removalBlocked(p.slot);
  if (blocked) throw new Error(`slot ${p.slot} cannot be removed: ${blocked}`);
  if (d.slots.definition(p.slot) === undefined) throw new Error(`no slot "${p.slot}"`);
  d.slots.assertDefinable(p.slot);
  const removed = d.store.slots().find((s) => s.id === p.slot);
  d.store.removeSlot(p.slot);
  for (const agent of agentsDrivingAlone(removed)) d.configs.publish(agent);
  d.slots.removeSlot(p.slot);
  d.record({ type: 'slot.removed', ts: d.clock.now(), slot: p.slot, by, ...(p.reason ? { reason: p.reason } : {}), data: {} });
  return { slot: p.slot };
}
