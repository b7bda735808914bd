/**
 * Where `onair user|agent` enrols: the controller's database on its own machine (with
 * --controller-config or --data, as mosquitto_passwd works on its file; how the first admin is made),
 * or the running controller over MQTT as a logged-in admin (the `user.*` / `agent.*` requests).
 */
import path from 'node:path';
import { systemClock } from '../lib/clock.ts';
import { brokerUrls, parseBrokerUrl } from '../lib/mqtt-connection.ts';
import type { Role } from '../protocols/access.ts';
import type { Identities } from '../controller/identity/identities.ts';
import { request, requestOptions, UserError, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { cliIdentity } from '../i18n/messages/cli-identity.ts';

export interface StoreOpts {
  controllerConfig?: string;
  data?: string;
}

export interface IdentityBackend {
  /** Enrols or rotates; returns the credential. */
  enrolAgent(id: string): Promise<string>;
  revokeAgent(id: string): Promise<boolean>;
  agents(): Promise<Array<{ id: string; changedAt: number; revokedAt: number | null }>>;
  setUser(name: string, role: Role, secret: string): Promise<void>;
  removeUser(name: string): Promise<boolean>;
  users(): Promise<Array<{ name: string; role: Role; revokedAt: number | null }>>;
}

/** The controller's database, found as `onair controller` finds it (--data, or the config's dataDir). */
export async function withIdentities<T>(opts: StoreOpts, work: (ids: Identities) => Promise<T> | T): Promise<T> {
  const { defaultControllerConfig, loadControllerConfig } = await import('../controller/config.ts');
  const { Store } = await import('../controller/store/store.ts');
  const file = opts.controllerConfig;
  const config = file ? loadControllerConfig(file) : defaultControllerConfig();
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  if (config.postgres && !opts.data) {
    // A pair's identities are in its shared database: every controller of the pair knows them.
    const { withPostgresIdentities } = await import('../controller/identity/pg-identities.ts');
    const { readSecret } = await import('../lib/secret.ts');
    const pgSettings = config.postgres;
    try {
      const password = readSecret(
        { env: pgSettings.passwordEnv, file: pgSettings.passwordFile && path.resolve(baseDir, pgSettings.passwordFile) },
        'postgres',
      );
      return await withPostgresIdentities({ url: pgSettings.url, ...(password !== undefined ? { password } : {}) }, systemClock, work);
    } catch (err) {
      throw userError(cliIdentity, 'pairDatabase', { url: pgSettings.url, error: (err as Error).message });
    }
  }
  const dir = opts.data ?? path.resolve(baseDir, config.dataDir);
  const store = new Store(dir);
  try {
    return await work(store.identities(systemClock));
  } catch (err) {
    throw new UserError((err as Error).message);
  } finally {
    await store.close();
  }
}

const local = (opts: StoreOpts): IdentityBackend => ({
  enrolAgent: (id) => withIdentities(opts, (ids) => ids.enrollAgent(id)),
  revokeAgent: (id) => withIdentities(opts, (ids) => ids.revoke('agent', id)),
  agents: () =>
    withIdentities(opts, (ids) => ids.list('agent').map((a) => ({ id: a.name, changedAt: a.changedAt, revokedAt: a.revokedAt }))),
  setUser: (name, role, secret) => withIdentities(opts, (ids) => ids.addUser(name, role, secret)),
  removeUser: (name) => withIdentities(opts, (ids) => ids.revoke('user', name)),
  users: () =>
    withIdentities(opts, (ids) => ids.list('user').map((u) => ({ name: u.name, role: u.role ?? 'viewer', revokedAt: u.revokedAt }))),
});

function remote(o: ClientOpts): IdentityBackend {
  const options = requestOptions(o);
  if (options.user === undefined && parseBrokerUrl(brokerUrls(o.broker)[0]!).username === undefined) {
    throw userError(cliIdentity, 'needAdmin', {
      logins: 'ONAIR_USER, --user',
      lastLogin: 'ONAIR_TOKEN_FILE',
      config: '--controller-config',
      data: '--data',
    });
  }
  const ask = <T>(work: Parameters<typeof withController<T>>[1]) => withController(options, work);
  return {
    enrolAgent: async (id) => (await ask((c) => request(c, 'agent.enrol', { id }, options))).credential,
    revokeAgent: async (id) => (await ask((c) => request(c, 'agent.revoke', { id }, options))).revoked,
    agents: async () => (await ask((c) => request(c, 'agent.list', {}, options))).agents,
    setUser: async (name, role, password) => void (await ask((c) => request(c, 'user.add', { name, role, password }, options))),
    removeUser: async (name) => (await ask((c) => request(c, 'user.remove', { name }, options))).removed,
    users: async () => (await ask((c) => request(c, 'user.list', {}, options))).users,
  };
}

/** The database when one is named, else the running controller. */
export const identityBackend = (opts: StoreOpts & ClientOpts): IdentityBackend =>
  opts.controllerConfig || opts.data ? local(opts) : remote(opts);
