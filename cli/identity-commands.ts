/**
 * Enrolling agents and people, run on the controller's machine against its database (as
 * `mosquitto_passwd` works on its password file): the running controller checks each login against
 * the database, so an enrolment, a rotation or a revocation counts from the next login. A credential
 * is printed once and stored only as a salted scrypt hash.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../lib/clock.ts';
import { ROLES, type Role } from '../protocols/access.ts';
import { newCredential, type Identities } from '../controller/identities.ts';
import { askSecret } from './prompt.ts';
import { UserError } from './request-client.ts';

interface StoreOpts {
  controllerConfig?: string;
  data?: string;
}

/** The controller's database, found as `onair controller` finds it (--data, or the config's dataDir). */
async function withIdentities<T>(opts: StoreOpts, work: (ids: Identities) => Promise<T> | T): Promise<T> {
  const { defaultControllerConfig, loadControllerConfig } = await import('../controller/config.ts');
  const { Store } = await import('../controller/store.ts');
  const file = opts.controllerConfig;
  const config = file ? loadControllerConfig(file) : defaultControllerConfig();
  const dir = opts.data ?? path.resolve(file ? path.dirname(path.resolve(file)) : process.cwd(), config.dataDir);
  const store = new Store(dir);
  try {
    return await work(store.identities(systemClock));
  } finally {
    store.close();
  }
}

/** ONAIR_PASSWORD, or asked on the terminal without echo. */
async function password(prompt: string): Promise<string> {
  if (process.env.ONAIR_PASSWORD) return process.env.ONAIR_PASSWORD;
  if (!process.stdin.isTTY) throw new UserError('set ONAIR_PASSWORD, or run on a terminal to be asked');
  return askSecret(prompt);
}

const storeOptions = (c: Command): Command => c.option('--controller-config <file>', 'the controller\'s config (YAML): its dataDir').option('--data <dir>', 'the controller\'s data directory');

export function registerIdentityCommands(program: Command): void {
  // `onair agent` runs an agent; its subcommands enrol agents with the controller's broker.
  const agent = program.commands.find((c) => c.name() === 'agent') ?? program.command('agent');
  const enrol = async (id: string, opts: StoreOpts, verb: string) => {
    const credential = await withIdentities(opts, (ids) => ids.enrollAgent(id));
    process.stdout.write(
      `${verb} agent ${id}. Its credential (shown once, stored only as a hash):\n\n  ${credential}\n\n` +
        `Give it to the agent by reference, never in its config file:\n  broker: { url: mqtt://<controller>:1883, username: "agent/${id}", passwordEnv: ONAIR_AGENT_PASSWORD }\n`,
    );
  };
  storeOptions(agent.command('add <id>').description('enrol an agent and print its credential once')).action((id: string, opts: StoreOpts) => enrol(id, opts, 'Enrolled'));
  storeOptions(agent.command('rotate <id>').description('give an agent a new credential (the old one stops working)')).action((id: string, opts: StoreOpts) => enrol(id, opts, 'Rotated'));
  storeOptions(agent.command('revoke <id>').description('stop an agent logging in')).action(async (id: string, opts: StoreOpts) => {
    if (!(await withIdentities(opts, (ids) => ids.revoke('agent', id)))) throw new UserError(`no enrolled agent ${id} to revoke`);
    process.stdout.write(`Revoked agent ${id}: it can no longer log in (a connection it has now stays until it drops).\n`);
  });
  storeOptions(agent.command('list').description('enrolled agents')).action(async (opts: StoreOpts) => {
    for (const a of await withIdentities(opts, (ids) => ids.list('agent'))) process.stdout.write(`${a.name.padEnd(24)} ${a.revokedAt ? `revoked ${new Date(a.revokedAt).toISOString()}` : `enrolled, credential from ${new Date(a.changedAt).toISOString()}`}\n`);
  });

  const user = program.command('user').description('people who log in to OnAir, with a role (run on the controller machine)');
  const tokenOption = (c: Command): Command => c.option('--token-file <file>', 'for a tool: generate a random secret and write "name:secret" to this new file (mode 0600), for ONAIR_TOKEN_FILE');
  /** Sets the secret (asked, or generated into a token file for a tool) and says where it went. */
  const setSecret = async (name: string, role: Role, opts: StoreOpts & { tokenFile?: string }, prompt: string): Promise<string> => {
    const secret = opts.tokenFile ? newCredential() : await password(prompt);
    // The token file first ('wx': never overwrite one, 0600 from the first byte), so a refused file changes no secret.
    if (opts.tokenFile) {
      try {
        writeFileSync(opts.tokenFile, `${name}:${secret}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        throw new UserError(`cannot write the token file ${opts.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    await withIdentities(opts, (ids) => ids.addUser(name, role, secret)).catch((err: Error) => {
      if (opts.tokenFile) rmSync(opts.tokenFile, { force: true });
      throw new UserError(err.message);
    });
    if (!opts.tokenFile) return '';
    return ` Its token is in ${path.resolve(opts.tokenFile)} (mode 0600): give the tool ONAIR_TOKEN_FILE=${path.resolve(opts.tokenFile)}.`;
  };
  storeOptions(tokenOption(user.command('add <name>').description('add a person or a tool (password from ONAIR_PASSWORD or asked, or --token-file)').requiredOption('--role <role>', `one of ${ROLES.join(', ')}`))).action(
    async (name: string, opts: StoreOpts & { role: string; tokenFile?: string }) => {
      if (!ROLES.includes(opts.role as Role)) throw new UserError(`unknown role "${opts.role}" (roles: ${ROLES.join(', ')})`);
      const where = await setSecret(name, opts.role as Role, opts, `password for ${name}: `);
      process.stdout.write(`Added ${name} (${opts.role}).${where}\n`);
    },
  );
  storeOptions(tokenOption(user.command('passwd <name>').description('set a person\'s password (ONAIR_PASSWORD or asked), or a tool\'s new token (--token-file)'))).action(async (name: string, opts: StoreOpts & { tokenFile?: string }) => {
    const current = (await withIdentities(opts, (ids) => ids.list('user'))).find((u) => u.name === name && u.revokedAt === null);
    if (!current?.role) throw new UserError(`no user ${name}`);
    const where = await setSecret(name, current.role, opts, `new password for ${name}: `);
    process.stdout.write(`Password of ${name} changed.${where}\n`);
  });
  storeOptions(user.command('remove <name>').description('stop a person logging in')).action(async (name: string, opts: StoreOpts) => {
    if (!(await withIdentities(opts, (ids) => ids.revoke('user', name)))) throw new UserError(`no user ${name}`);
    process.stdout.write(`Removed ${name}.\n`);
  });
  storeOptions(user.command('list').description('people and their roles')).action(async (opts: StoreOpts) => {
    for (const u of await withIdentities(opts, (ids) => ids.list('user'))) process.stdout.write(`${u.name.padEnd(24)} ${(u.role ?? '').padEnd(11)} ${u.revokedAt ? 'removed' : 'active'}\n`);
  });

  registerBrokerCommands(program);
}

/** `onair broker …`: what an external Mosquitto needs to enforce OnAir's logins and topic rules. */
function registerBrokerCommands(program: Command): void {
  const broker = program.command('broker').description('an external MQTT broker (Mosquitto) with OnAir\'s logins and topic rules');
  storeOptions(broker.command('controller-login [name]').description('enrol (or rotate) the controller\'s own login for an external broker; prints it once')).action(
    async (name: string | undefined, opts: StoreOpts) => {
      const id = name ?? 'main';
      const credential = await withIdentities(opts, (ids) => ids.enrollController(id));
      process.stdout.write(
        `The controller logs in to the broker as controller/${id}. Its credential (shown once, stored only as a hash):\n\n  ${credential}\n\n` +
          `In the controller's config, by reference:\n  broker: { embedded: false, url: mqtt://<broker>:1883, username: "controller/${id}", passwordEnv: ONAIR_CONTROLLER_PASSWORD }\n` +
          'Then write the broker\'s files again: onair broker mosquitto-config --out <dir>\n',
      );
    },
  );
  storeOptions(
    broker
      .command('mosquitto-config')
      .description('write a Mosquitto password file, ACL and conf snippet from the enrolled identities')
      .requiredOption('--out <dir>', 'where to write onair.passwd (mode 0600), onair.acl and onair.conf'),
  ).action(async (opts: StoreOpts & { out: string }) => {
    const { mosquittoFiles } = await import('../controller/mosquitto-files.ts');
    const out = path.resolve(opts.out);
    const paths = { passwd: path.join(out, 'onair.passwd'), acl: path.join(out, 'onair.acl') };
    const { logins, missing } = await withIdentities(opts, (ids) => ids.mosquittoLogins());
    if (!logins.some((l) => l.kind === 'controller')) throw new UserError('no controller login is enrolled: run `onair broker controller-login` first (the controller must log in to Mosquitto too)');
    const files = mosquittoFiles(logins, paths);
    mkdirSync(out, { recursive: true });
    writeFileSync(paths.passwd, files.passwd, { mode: 0o600 });
    writeFileSync(paths.acl, files.acl, { mode: 0o644 });
    writeFileSync(path.join(out, 'onair.conf'), files.conf, { mode: 0o644 });
    const count = (kind: string) => logins.filter((l) => l.kind === kind).length;
    process.stdout.write(
      `Wrote ${paths.passwd}, ${paths.acl} and ${path.join(out, 'onair.conf')}: ${count('agent')} agents, ${count('user')} people, ${count('controller')} controller login(s).\n` +
        'Include onair.conf in mosquitto.conf, then reload Mosquitto (systemctl reload mosquitto, or SIGHUP) after every enrolment, rotation or revocation.\n' +
        (missing.length ? `Left out (enrolled before OnAir wrote Mosquitto hashes; rotate or set a new password to include them): ${missing.join(', ')}\n` : ''),
    );
  });
}
