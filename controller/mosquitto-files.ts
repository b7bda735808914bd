/**
 * A Mosquitto password file and ACL written from the enrolled identities, with the same rules the
 * embedded broker enforces (protocols/access.ts): a site that runs Mosquitto gets the same contract.
 * Mosquitto reads these at start and on SIGHUP [mosquitto.conf(5): password_file, acl_file].
 */
import { topicRules, type Identity } from '../protocols/access.ts';
import { MAX_PACKET_BYTES } from '../protocols/contract.ts';
import type { Identities } from './identities.ts';

type Login = ReturnType<Identities['mosquittoLogins']>['logins'][number];

export interface MosquittoFiles {
  /** `username:$7$…` lines (mode 0600). */
  passwd: string;
  acl: string;
  /** Lines to include in mosquitto.conf: no anonymous clients, these two files. */
  conf: string;
}

const identityOf = (login: Login): Identity =>
  login.kind === 'agent' ? { kind: 'agent', id: login.name } : login.kind === 'controller' ? { kind: 'controller', name: login.name } : { kind: 'user', name: login.name, role: login.role ?? 'viewer' };

export function mosquittoFiles(logins: readonly Login[], paths: { passwd: string; acl: string }): MosquittoFiles {
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
    '',
  ].join('\n');
  return { passwd, acl, conf };
}
