/**
 * A Mosquitto password file and ACL written from the enrolled identities, with the same rules the
 * embedded broker enforces (protocols/access.ts): a site that runs Mosquitto gets the same contract.
 * Mosquitto reads these at start and on SIGHUP [mosquitto.conf(5): password_file, acl_file].
 *
 * Client ids: Mosquitto 2.0 cannot bind a username to a family of client ids (`clientid_prefixes`
 * is one global prefix, ACL patterns restrict topics, the dynamic-security plugin binds one exact
 * id). So the conf sets `use_username_as_clientid true`: Mosquitto replaces every client's id with
 * its username, and no login can take another's session. The cost: one connection per login at a
 * time (a second closes the first). OnAir's processes keep to that: an agent has one connection, a
 * controller seat's standby session logs in as `controller/<name>/standby` (written here with the
 * controller's hash), each seat of a pair has its own controller login, and each tool its own login.
 */
import { chmodSync, chownSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STANDBY_LOGIN_SUFFIX, topicRules, type Identity } from '../../protocols/access.ts';
import { MAX_PACKET_BYTES } from '../../protocols/contract.ts';
import type { Identities } from '../identity/identities.ts';

type Login = ReturnType<Identities['mosquittoLogins']>['logins'][number];

export interface MosquittoFiles {
  /** `username:$7$…` lines (mode 0600). */
  passwd: string;
  acl: string;
  /** Lines to include in mosquitto.conf: no anonymous clients, these two files. */
  conf: string;
}

const identityOf = (login: Login): Identity =>
  login.kind === 'agent'
    ? { kind: 'agent', id: login.name }
    : login.kind === 'controller'
      ? { kind: 'controller', name: login.name }
      : { kind: 'user', name: login.name, role: login.role ?? 'viewer' };

/** The listener OnAir's clients use: `use_username_as_clientid` is a listener option, so it follows this listener's line. */
export interface MosquittoListener {
  port: number;
  address?: string;
}

/** `[address:]port` as given to `--listener`; undefined for `none`. */
export function parseListener(text: string): MosquittoListener | undefined {
  if (text === 'none') return undefined;
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535)
    throw new Error(`--listener "${text}": give [address:]port (for example 1883 or 127.0.0.1:1883), or none`);
  return { port, ...(match[1] ? { address: match[1] } : {}) };
}

export function mosquittoFiles(
  given: readonly Login[],
  paths: { passwd: string; acl: string },
  listener?: MosquittoListener,
): MosquittoFiles {
  // Each controller login twice: its leader session and its standby session (same credential).
  const logins = given.flatMap((l) => (l.kind === 'controller' ? [l, { ...l, username: `${l.username}${STANDBY_LOGIN_SUFFIX}` }] : [l]));
  const passwd = logins.map((l) => `${l.username}:${l.hash}\n`).join('');
  const acl = [
    '# OnAir topic rules, one block per enrolled identity (written by `onair broker mosquitto-config`; do not edit).',
    '# Anything not granted here is refused: a publish is dropped unstored, a subscription gets no messages.',
    '',
    ...logins.flatMap((l) => {
      const rules = topicRules(identityOf(l));
      return [
        `# ${l.kind}${l.role ? ` (${l.role})` : ''}`,
        `user ${l.username}`,
        ...rules.publish.map((t) => `topic write ${t}`),
        ...rules.read.map((t) => `topic read ${t}`),
        '',
      ];
    }),
  ].join('\n');
  const conf = [
    '# OnAir: logins and topic rules from the enrolled identities (onair broker mosquitto-config).',
    '# Include this file in mosquitto.conf (or put it in an include_dir) and keep your own listener lines.',
    'per_listener_settings false',
    'allow_anonymous false',
    // The same bound as the embedded broker: a bigger packet closes the client before it is read [mosquitto.conf(5) max_packet_size].
    `max_packet_size ${MAX_PACKET_BYTES}`,
    `password_file ${paths.passwd}`,
    `acl_file ${paths.acl}`,
    // A client's id is its username, so no login can take another's session. A listener option
    // [mosquitto.conf(5) use_username_as_clientid]: it must follow the listener's line, and every
    // listener OnAir's clients use needs it.
    ...(listener
      ? [`listener ${listener.port}${listener.address ? ` ${listener.address}` : ''}`, 'use_username_as_clientid true']
      : [
          '# Add under each of your listener lines OnAir clients use (it applies to the listener above it):',
          '#   use_username_as_clientid true',
        ]),
    '',
  ].join('\n');
  return { passwd, acl, conf };
}

/** The broker's own user (Debian's packaged Mosquitto drops to `mosquitto` after reading its config). */
export const MOSQUITTO_USER = 'mosquitto';

/** uid and primary gid of a system user, from /etc/passwd; undefined if there is none. */
export function systemUser(name: string, passwdFile = '/etc/passwd'): { uid: number; gid: number } | undefined {
  const line = readFileSync(passwdFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid !== undefined && gid !== undefined ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * Writes the three files into `out`, each replaced in one rename (a reload never reads half a file).
 * The password file and the ACL are private (0600) and owned by the broker's user when we run as root
 * and that user exists (mosquitto:mosquitto 0600 loads on 2.0.11 and draws no ownership warning from
 * 2.0.16 on); otherwise they stay ours and `chown` says what a root must run. onair.conf is read as
 * root, before the broker drops privileges: 0644.
 */
export function writeMosquittoFiles(
  out: string,
  files: MosquittoFiles,
  o: { brokerUser?: string; isRoot?: boolean; passwdFile?: string } = {},
): { owner?: string; chown?: string } {
  const user = o.brokerUser ?? MOSQUITTO_USER;
  const ids = systemUser(user, o.passwdFile);
  const asRoot = o.isRoot ?? process.getuid?.() === 0;
  const privateFiles = [path.join(out, 'onair.passwd'), path.join(out, 'onair.acl')];
  const write = (file: string, text: string, mode: number, owner?: { uid: number; gid: number }) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode); // whatever the umask
    if (owner) chownSync(temporary, owner.uid, owner.gid);
    renameSync(temporary, file);
  };
  const owner = asRoot ? ids : undefined;
  write(privateFiles[0]!, files.passwd, 0o600, owner);
  write(privateFiles[1]!, files.acl, 0o600, owner);
  write(path.join(out, 'onair.conf'), files.conf, 0o644);
  if (owner) return { owner: `${user}:${user}` };
  return { chown: `chown ${user}:${user} ${privateFiles.join(' ')}  # as root; keep mode 0600` };
}
