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
import { UserError, userError, type ClientOpts } from '../client/request-client.ts';
import { brokerOption, timeoutOption } from './operator-commands.ts';
import { identityBackend, withIdentities, type StoreOpts } from './identity-backend.ts';
import { cliIdentity } from '../i18n/messages/cli-identity.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

/** These commands' words in the CLI's language (refusals are userErrors: English inside, printed in it). */
const words = () => translator(cliIdentity, cliLocale());

/**
 * The new password: ONAIR_NEW_PASSWORD, or asked without echo. On the controller machine
 * ONAIR_PASSWORD serves too; over MQTT it is the admin's own login, never the new one.
 */
async function password(prompt: string, opts: StoreOpts): Promise<string> {
  const local = !!(opts.controllerConfig || opts.data);
  const given = process.env.ONAIR_NEW_PASSWORD ?? (local ? process.env.ONAIR_PASSWORD : undefined);
  if (given) return given;
  if (!process.stdin.isTTY)
    throw userError(cliIdentity, 'needNewPassword', { variable: 'ONAIR_NEW_PASSWORD', local: String(local), alt: 'ONAIR_PASSWORD' });
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
  const enrol = async (id: string, opts: Opts, verb: 'enrolled' | 'rotated') => {
    const credential = await identityBackend(opts).enrolAgent(id);
    const config = `broker: { url: mqtt://<controller>:1883, username: "agent/${id}", passwordEnv: ONAIR_AGENT_PASSWORD }`;
    process.stdout.write(words()('agentCredential', { verb, id, credential, config }));
  };
  eitherOptions(agent.command('add <id>').description('enrol an agent and print its credential once')).action((id: string, opts: Opts) =>
    enrol(id, opts, 'enrolled'),
  );
  eitherOptions(agent.command('rotate <id>').description('give an agent a new credential (the old one stops working)')).action(
    (id: string, opts: Opts) => enrol(id, opts, 'rotated'),
  );
  eitherOptions(agent.command('revoke <id>').description('stop an agent logging in')).action(async (id: string, opts: Opts) => {
    if (!(await identityBackend(opts).revokeAgent(id))) throw userError(cliIdentity, 'noAgent', { id });
    process.stdout.write(`${words()('agentRevoked', { id })}\n`);
  });
  eitherOptions(agent.command('list').description('enrolled agents')).action(async (opts: Opts) => {
    const t = words();
    const at = (ts: number) => new Date(ts).toISOString();
    for (const a of await identityBackend(opts).agents())
      process.stdout.write(
        `${a.id.padEnd(24)} ${a.revokedAt ? t('agentRevokedAt', { at: at(a.revokedAt) }) : t('agentEnrolledAt', { at: at(a.changedAt) })}\n`,
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
        throw userError(cliIdentity, 'cannotWriteToken', {
          file: opts.tokenFile,
          code: (err as NodeJS.ErrnoException).code ?? String(err),
        });
      }
    }
    await identityBackend(opts)
      .setUser(name, role, secret)
      .catch((err: Error) => {
        if (opts.tokenFile) rmSync(opts.tokenFile, { force: true });
        throw err instanceof UserError ? err : new UserError(err.message);
      });
    if (!opts.tokenFile) return '';
    const file = path.resolve(opts.tokenFile);
    return words()('tokenIn', { file, assignment: `ONAIR_TOKEN_FILE=${file}` });
  };
  eitherOptions(
    tokenOption(
      user
        .command('add <name>')
        .description('add a person or a tool (password from ONAIR_PASSWORD or asked, or --token-file)')
        .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`),
    ),
  ).action(async (name: string, opts: Opts & { role: string; tokenFile?: string }) => {
    if (!ROLES.includes(opts.role as Role)) throw userError(cliIdentity, 'unknownRole', { role: opts.role, roles: ROLES.join(', ') });
    const where = await setSecret(name, opts.role as Role, opts, words()('passwordFor', { name }));
    process.stdout.write(`${words()('userAdded', { name, role: opts.role, where })}\n`);
  });
  eitherOptions(
    tokenOption(
      user.command('passwd <name>').description("set a person's password (ONAIR_PASSWORD or asked), or a tool's new token (--token-file)"),
    ),
  ).action(async (name: string, opts: Opts & { tokenFile?: string }) => {
    const current = (await identityBackend(opts).users()).find((u) => u.name === name && u.revokedAt === null);
    if (!current?.role) throw userError(cliIdentity, 'noUser', { name });
    const where = await setSecret(name, current.role, opts, words()('newPasswordFor', { name }));
    process.stdout.write(`${words()('passwordChanged', { name, where })}\n`);
  });
  eitherOptions(user.command('remove <name>').description('stop a person logging in')).action(async (name: string, opts: Opts) => {
    if (!(await identityBackend(opts).removeUser(name))) throw userError(cliIdentity, 'noUser', { name });
    process.stdout.write(`${words()('userRemoved', { name })}\n`);
  });
  eitherOptions(user.command('list').description('people and their roles')).action(async (opts: Opts) => {
    for (const u of await identityBackend(opts).users())
      process.stdout.write(
        `${u.name.padEnd(24)} ${(u.role ?? '').padEnd(11)} ${words()('userState', { removed: String(!!u.revokedAt) })}\n`,
      );
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
    const config = `broker: { embedded: false, url: mqtt://<broker>:1883, username: "controller/${id}", passwordEnv: ONAIR_CONTROLLER_PASSWORD }`;
    process.stdout.write(
      words()('controllerCredential', {
        login: `controller/${id}`,
        credential,
        config,
        command: 'onair broker mosquitto-config --out <dir>',
      }),
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
      throw userError(cliIdentity, 'noControllerLogin', { command: '`onair broker controller-login`', broker: 'Mosquitto' });
    const files = mosquittoFiles(logins, paths, listener);
    mkdirSync(out, { recursive: true });
    const written = writeMosquittoFiles(out, files);
    const count = (kind: string) => logins.filter((l) => l.kind === kind).length;
    const t = words();
    const broker = 'Mosquitto';
    const conf = 'onair.conf';
    const lines = [
      t('wrote', {
        passwd: paths.passwd,
        acl: paths.acl,
        conf: path.join(out, conf),
        agents: count('agent'),
        people: count('user'),
        controllers: count('controller'),
      }),
      written.owner
        ? t('ownedBy', { owner: written.owner, broker })
        : t('chownThem', { broker, system: 'Debian', user: 'mosquitto', command: written.chown }),
      listener
        ? t('listenerDefined', { conf, address: listener.address ?? 'any', port: String(listener.port) })
        : t('noListener', { conf, line: 'use_username_as_clientid true', directive: 'listener' }),
      t('includeAndReload', { conf, mainConf: 'mosquitto.conf', broker, reload: 'systemctl reload mosquitto', signal: 'SIGHUP' }),
      ...(missing.length ? [t('leftOut', { broker, names: missing.join(', ') })] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
