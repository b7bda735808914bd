/** The Mosquitto files' text and how they are written (owners, modes, the chown hint), on a temp dir. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoFiles, parseListener, writeMosquittoFiles } from '../../controller/broker/mosquitto-files.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';

let dir = '';
afterEach(() => dir && removeDir(dir));

const logins = [
  { kind: 'controller' as const, name: 'ctl-a', username: 'controller/ctl-a', hash: '$7$101$c2FsdA==$aGFzaA==' },
  { kind: 'agent' as const, name: 'agent-a', username: 'agent/agent-a', hash: '$7$101$c2FsdA==$aGFzaDI=' },
];

describe('the Mosquitto files', () => {
  it('bind client ids to usernames on the listener, and give each controller login a standby username with the same hash', () => {
    const files = mosquittoFiles(logins, { passwd: '/p', acl: '/a' }, parseListener('127.0.0.1:1883'));
    // use_username_as_clientid is a listener option: right after the listener's line.
    expect(files.conf).toMatch(/^listener 1883 127\.0\.0\.1\nuse_username_as_clientid true$/m);
    expect(files.passwd).toContain('controller/ctl-a:$7$101$c2FsdA==$aGFzaA==\ncontroller/ctl-a/standby:$7$101$c2FsdA==$aGFzaA==\n');
    expect(files.acl).toMatch(/^user controller\/ctl-a\/standby$/m);
    const none = mosquittoFiles(logins, { passwd: '/p', acl: '/a' }, parseListener('none'));
    expect(none.conf).not.toMatch(/^listener/m);
    expect(none.conf).toMatch(/^# {3}use_username_as_clientid true$/m);
    expect(() => parseListener('host:99999')).toThrow(/\[address:\]port/);
  });

  it('not as root (or without a mosquitto user): private files of ours, and the chown to run', () => {
    dir = tempDir();
    const files = mosquittoFiles(logins, { passwd: path.join(dir, 'onair.passwd'), acl: path.join(dir, 'onair.acl') });
    writeFileSync(path.join(dir, 'onair.acl'), 'old', { mode: 0o644 }); // an older file's mode does not stay
    const result = writeMosquittoFiles(dir, files, { isRoot: false });
    expect(result.chown).toBe(
      `chown mosquitto:mosquitto ${path.join(dir, 'onair.passwd')} ${path.join(dir, 'onair.acl')}  # as root; keep mode 0600`,
    );
    for (const f of ['onair.passwd', 'onair.acl']) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'onair.conf')).mode & 0o777).toBe(0o644);
    expect(readFileSync(path.join(dir, 'onair.acl'), 'utf8')).toBe(files.acl);
    const passwd = path.join(dir, 'passwd');
    writeFileSync(passwd, 'root:x:0:0::/root:/bin/sh\n');
    expect(writeMosquittoFiles(dir, files, { isRoot: true, passwdFile: passwd }).chown, 'as root, but no mosquitto user').toMatch(
      /^chown mosquitto:mosquitto/,
    );
  });
});
