/**
 * Enrolling agents and people: on the controller's machine against its database, or over MQTT as a
 * logged-in admin (cli/identity-backend.ts). The running controller checks each login against the
 * database, so an enrolment, a rotation or a revocation counts from the next login. A credential is
 * printed once and stored only as a hash.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ROLES, type Role } from '../protocols/access.ts';
import { newCredential } from '../controller/identity/identities.ts';
import { askSecret } from '../client/prompt.ts';
import { UserError, type ClientOpts } from '../client/request-client.ts';
import { brokerOption, timeoutOption } from './operator-commands.ts';
import { identityBackend, withIdentities, type StoreOpts } from './identity-backend.ts';

/**
 * The new password: ONAIR_NEW_PASSWORD, or asked without echo. On the controller machine
 * ONAIR_PASSWORD serves too; over MQTT it is the admin's own login, never the new one.
 */
async function password(prompt: string, opts: StoreOpts): Promise<string> {
  const local = !!(opts.controllerConfig || opts.data);
  const given = process.env.ONAIR_NEW_PASSWORD ?? (local ? process.env.ONAIR_PASSWORD : undefined);
  if (given) return given;
  if (!process.stdin.isTTY)
    throw new UserError(`set ONAIR_NEW_PASSWORD${local ? ' (or ONAIR_PASSWORD)' : ''}, or run on a terminal to be asked`);
  return askSecret(prompt);
}

const storeOptions = (c: Command): Command =>
  c
    .option('--controller-config <file>', "the controller's config (YAML): its dataDir")
    .option('--data <dir>', "the controller's data directory");
/** The database (--controller-config, --data) or, without either, the running controller as an admin. */
const eitherOptions = (c: Command): Command => storeOptions(c).addOption(brokerOption()).addOption(timeoutOption());
type Opts = StoreOpts & ClientOpts;

export function registerIdentityCommands(program: Command): void {
  // `onair agent` runs an agent; its subcommands enrol agents with the controller's broker.
  const agent = program.commands.find((c) => c.name() === 'agent') ?? program.command('agent');
  const enrol = async (id: string, opts: Opts, verb: string) => {
    const credential = await identityBackend(opts).enrolAgent(id);
    process.stdout.write(
      `${verb} agent ${id}. Its credential (shown once, stored only as a hash):\n\n  ${credential}\n\n` +
        `Give it to the agent by reference, never in its config file:\n  broker: { url: mqtt://<controller>:1883, username: "agent/${id}", passwordEnv: ONAIR_AGENT_PASSWORD }\n`,
    );
  };
  eitherOptions(agent.command('add <id>').description('enrol an agent and print its credential once')).action((id: string, opts: Opts) =>
    enrol(id, opts, 'Enrolled'),
  );
  eitherOptions(agent.command('rotate <id>').description('give an agent a new credential (the old one stops working)')).action(
    (id: string, opts: Opts) => enrol(id, opts, 'Rotated'),
  );
  eitherOptions(agent.command('revoke <id>').description('stop an agent logging in')).action(async (id: string, opts: Opts) => {
    if (!(await identityBackend(opts).revokeAgent(id))) throw new UserError(`no enrolled agent ${id} to revoke`);
    process.stdout.write(`Revoked agent ${id}: it can no longer log in (a connection it has now stays until it drops).\n`);
  });
  eitherOptions(agent.command('list').description('enrolled agents')).action(async (opts: Opts) => {
    for (const a of await identityBackend(opts).agents())
      process.stdout.write(
        `${a.id.padEnd(24)} ${a.revokedAt ? `revoked ${new Date(a.revokedAt).toISOString()}` : `enrolled, credential from ${new Date(a.changedAt).toISOString()}`}\n`,
      );
  });

  const user = program
    .command('user')
    .description('people and tools who log in to OnAir, with a role (on the controller machine, or as an admin)');
  const tokenOption = (c: Command): Command =>
    c.option(
      '--token-file <file>',
      'for a tool: generate a random secret and write "name:secret" to this new file (mode 0600), for ONAIR_TOKEN_FILE',
    );
  /** Sets the secret (asked, or generated into a token file for a tool) and says where it went. */
  const setSecret = async (name: string, role: Role, opts: Opts & { tokenFile?: string }, prompt: string): Promise<string> => {
    const secret = opts.tokenFile ? newCredential() : await password(prompt, opts);
    // The token file first ('wx': never overwrite one, 0600 from the first byte), so a refused file changes no secret.
    if (opts.tokenFile) {
      try {
        writeFileSync(opts.tokenFile, `${name}:${secret}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        throw new UserError(`cannot write the token file ${opts.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    await identityBackend(opts)
      .setUser(name, role, secret)
      .catch((err: Error) => {
        if (opts.tokenFile) rmSync(opts.tokenFile, { force: true });
        throw err instanceof UserError ? err : new UserError(err.message);
      });
    if (!opts.tokenFile) return '';
    return ` Its token is in ${path.resolve(opts.tokenFile)} (mode 0600): give the tool ONAIR_TOKEN_FILE=${path.resolve(opts.tokenFile)}.`;
  };
  eitherOptions(
    tokenOption(
      user
        .command('add <name>')
        .description('add a person or a tool (password from ONAIR_PASSWORD or asked, or --token-file)')
        .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`),
    ),
  ).action(async (name: string, opts: Opts & { role: string; tokenFile?: string }) => {
    if (!ROLES.includes(opts.role as Role)) throw new UserError(`unknown role "${opts.role}" (roles: ${ROLES.join(', ')})`);
    const where = await setSecret(name, opts.role as Role, opts, `password for ${name}: `);
    process.stdout.write(`Added ${name} (${opts.role}).${where}\n`);
  });
  eitherOptions(
    tokenOption(
      user.command('passwd <name>').description("set a person's password (ONAIR_PASSWORD or asked), or a tool's new token (--token-file)"),
    ),
  ).action(async (name: string, opts: Opts & { tokenFile?: string }) => {
    const current = (await identityBackend(opts).users()).find((u) => u.name === name && u.revokedAt === null);
    if (!current?.role) throw new UserError(`no user ${name}`);
    const where = await setSecret(name, current.role, opts, `new password for ${name}: `);
    process.stdout.write(`Password of ${name} changed.${where}\n`);
  });
  eitherOptions(user.command('remove <name>').description('stop a person logging in')).action(async (name: string, opts: Opts) => {
    if (!(await identityBackend(opts).removeUser(name))) throw new UserError(`no user ${name}`);
    process.stdout.write(`Removed ${name}.\n`);
  });
  eitherOptions(user.command('list').description('people and their roles')).action(async (opts: Opts) => {
    for (const u of await identityBackend(opts).users())
      process.stdout.write(`${u.name.padEnd(24)} ${(u.role ?? '').padEnd(11)} ${u.revokedAt ? 'removed' : 'active'}\n`);
  });

  registerBrokerCommands(program);
}

/** `onair broker …`: what an external Mosquitto needs to enforce OnAir's logins and topic rules. */
function registerBrokerCommands(program: Command): void {
  const broker = program.command('broker').description("an external MQTT broker (Mosquitto) with OnAir's logins and topic rules");
  storeOptions(
    broker
      .command('controller-login [name]')
      .description("enrol (or rotate) the controller's own login for an external broker; prints it once"),
  ).action(async (name: string | undefined, opts: StoreOpts) => {
    const id = name ?? 'main';
    const credential = await withIdentities(opts, (ids) => ids.enrollController(id));
    process.stdout.write(
      `The controller logs in to the broker as controller/${id}. Its credential (shown once, stored only as a hash):\n\n  ${credential}\n\n` +
        `In the controller's config, by reference:\n  broker: { embedded: false, url: mqtt://<broker>:1883, username: "controller/${id}", passwordEnv: ONAIR_CONTROLLER_PASSWORD }\n` +
        "Then write the broker's files again: onair broker mosquitto-config --out <dir>\n",
    );
  });
  storeOptions(
    broker
      .command('mosquitto-config')
      .description('write a Mosquitto password file, ACL and conf snippet from the enrolled identities')
      .option(
        '--listener <[address:]port>',
        'the listener OnAir clients use, written with use_username_as_clientid (a listener option); "none" to add that line to your own listeners',
        '1883',
      )
      .requiredOption(
        '--out <dir>',
        'where to write onair.passwd and onair.acl (mode 0600, owned by mosquitto when run as root) and onair.conf',
      ),
  ).action(async (opts: StoreOpts & { out: string; listener: string }) => {
    const { mosquittoFiles, parseListener, writeMosquittoFiles } = await import('../controller/broker/mosquitto-files.ts');
    let listener;
    try {
      listener = parseListener(opts.listener);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const out = path.resolve(opts.out);
    const paths = { passwd: path.join(out, 'onair.passwd'), acl: path.join(out, 'onair.acl') };
    const { logins, missing } = await withIdentities(opts, (ids) => ids.mosquittoLogins());
    if (!logins.some((l) => l.kind === 'controller'))
      throw new UserError(
        'no controller login is enrolled: run `onair broker controller-login` first (the controller must log in to Mosquitto too)',
      );
    const files = mosquittoFiles(logins, paths, listener);
    mkdirSync(out, { recursive: true });
    const written = writeMosquittoFiles(out, files);
    const count = (kind: string) => logins.filter((l) => l.kind === kind).length;
    process.stdout.write(
      `Wrote ${paths.passwd}, ${paths.acl} and ${path.join(out, 'onair.conf')}: ${count('agent')} agents, ${count('user')} people, ${count('controller')} controller login(s).\n` +
        (written.owner
          ? `The password file and the ACL are ${written.owner}, mode 0600: Mosquitto reads them after dropping to its own user.\n`
          : `Mosquitto reads the password file and the ACL after dropping to its own user (Debian: mosquitto): run\n  ${written.chown}\n`) +
        (listener
          ? `onair.conf defines the listener on ${listener.address ?? 'every address'} port ${listener.port}: remove your own line for it.\n`
          : 'onair.conf defines no listener: add "use_username_as_clientid true" under each listener line OnAir clients use.\n') +
        'Include onair.conf in mosquitto.conf, then reload Mosquitto (systemctl reload mosquitto, or SIGHUP) after every enrolment, rotation or revocation.\n' +
        (missing.length
          ? `Left out (enrolled before OnAir wrote Mosquitto hashes; rotate or set a new password to include them): ${missing.join(', ')}\n`
          : ''),
    );
  });
}
