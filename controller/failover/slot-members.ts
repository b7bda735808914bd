/** A slot's members by name, for the failover engine (controller/failover/failover-engine.ts). */
import type { DeviceRef } from '../../protocols/schemas.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import { refName } from '../../protocols/device-ref.ts';

/** A failover that cannot be done now, with the reason for whoever asked. */
export class FailoverRefused extends Error {
  override name = 'FailoverRefused';
}

/** The member a person named (`agent/device`, or a device id that is unique in the slot). */
export function resolveMember(def: SlotDefinition, name: string): DeviceRef {
  const members = [def.primary, ...def.backups];
  const matches = members.filter((m) => refName(m) === name || m.device === name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new FailoverRefused(`"${name}" is ambiguous in ${def.id}; use agent/device: ${matches.map(refName).join(', ')}`);
  throw new FailoverRefused(`"${name}" is not a member of ${def.id}; members: ${members.map(refName).join(', ')}`);
}
