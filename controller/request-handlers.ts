/**
 * Request handlers that only forward to one part of the controller: the catalog's (profiles,
 * devices, slots) and the admin's.
 *
 * The admin's requests: enrolling people, tools and agents over MQTT, as `onair user|agent` does on
 * the controller machine. Every change is recorded in the event log with who made it; a credential
 * is returned once, in the answer only the asking admin can read.
 */
import type { NewEvent } from '../protocols/events.ts';
import { loginName, newCredential, type Identities } from './identity/identities.ts';
import type { Handlers } from './requests.ts';
import type { Role } from '../protocols/access.ts';
import type { Catalog } from './fleet/catalog/catalog.ts';

type CatalogOps =
  | 'profile.add'
  | 'profile.list'
  | 'profile.show'
  | 'device.add'
  | 'device.list'
  | 'device.show'
  | 'device.remove'
  | 'slot.add'
  | 'slot.list'
  | 'slot.remove';

export const catalogHandlers = (catalog: Catalog): Pick<Handlers, CatalogOps> => ({
  'profile.add': (p, by) => catalog.addProfile(p, by),
  'profile.list': () => catalog.listProfiles(),
  'profile.show': (p) => catalog.showProfile(p),
  'device.add': (p, by) => catalog.addDevice(p, by),
  'device.list': (p) => catalog.listDevices(p),
  'device.show': (p) => catalog.showDevice(p),
  'device.remove': (p, by) => catalog.removeDevice(p, by),
  'slot.add': (p, by) => catalog.defineSlot(p, by),
  'slot.list': () => catalog.listSlots(),
  'slot.remove': (p, by) => catalog.removeSlot(p, by),
});

type IdentityOps = 'user.list' | 'user.add' | 'user.remove' | 'agent.list' | 'agent.enrol' | 'agent.revoke';

export function identityHandlers(d: {
  identities: () => Identities;
  record: (e: NewEvent) => void;
  now: () => number;
}): Pick<Handlers, IdentityOps> {
  const changed = (kind: 'user' | 'agent', name: string, change: string, by: string, role?: Role) =>
    d.record({ type: 'identity.changed', ts: d.now(), by, data: { kind, name, change, ...(role ? { role } : {}) } });
  return {
    'user.list': () => ({
      users: d
        .identities()
        .list('user')
        .map((u) => ({ name: u.name, role: u.role ?? 'viewer', changedAt: u.changedAt, revokedAt: u.revokedAt })),
    }),
    'user.add': async (p, by) => {
      const token = p.password === undefined ? newCredential() : undefined;
      const existed = d
        .identities()
        .list('user')
        .some((u) => u.name === p.name && u.revokedAt === null);
      await d.identities().addUser(p.name, p.role, p.password ?? token!);
      changed('user', p.name, existed ? 'secret and role set' : 'added', by, p.role);
      return { name: p.name, role: p.role, ...(token ? { token } : {}) };
    },
    'user.remove': (p, by) => {
      const removed = d.identities().revoke('user', p.name);
      if (removed) changed('user', p.name, 'removed', by);
      return { removed };
    },
    'agent.list': () => ({
      agents: d
        .identities()
        .list('agent')
        .map((a) => ({ id: a.name, changedAt: a.changedAt, revokedAt: a.revokedAt })),
    }),
    'agent.enrol': async (p, by) => {
      const existed = d
        .identities()
        .list('agent')
        .some((a) => a.name === p.id && a.revokedAt === null);
      const credential = await d.identities().enrollAgent(p.id);
      changed('agent', p.id, existed ? 'credential rotated' : 'enrolled', by);
      return { id: p.id, username: loginName('agent', p.id), credential };
    },
    'agent.revoke': (p, by) => {
      const revoked = d.identities().revoke('agent', p.id);
      if (revoked) changed('agent', p.id, 'revoked', by);
      return { revoked };
    },
  };
}
