import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { Identities, KDF } from '../../controller/identity/identities.ts';
import { LOCKOUT, LoginLockout } from '../../controller/identity/login-lockout.ts';
import { mosquittoFiles } from '../../controller/broker/mosquitto-files.ts';
import { ManualClock } from '../../lib/clock.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';
import { MIGRATIONS, migrate } from '../../controller/store/migrations.ts';

let dir: string;
let db: Database.Database;
afterEach(() => {
  db?.close();
  removeDir(dir);
});

function identities() {
  dir = tempDir();
  db = new Database(path.join(dir, 'onair.sqlite'));
  migrate(db);
  const clock = new ManualClock(1_000_000);
  return { ids: new Identities({ db, clock }), clock };
}

describe('enrolled identities', () => {
  it('stores only a salted scrypt hash; an agent logs in with its credential, once enrolled, until rotated or revoked', async () => {
    const { ids } = identities();
    expect(ids.any()).toBe(false);
    const credential = await ids.enrollAgent('agent-a');
    expect(credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = db.prepare('SELECT * FROM identities').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(credential);
    expect((row.hash as Buffer).length).toBe(32);
    expect(await ids.login('agent/agent-a', credential)).toEqual({ ok: true, identity: { kind: 'agent', id: 'agent-a' } });
    expect(await ids.login('agent/agent-a', credential), 'remembered').toEqual({ ok: true, identity: { kind: 'agent', id: 'agent-a' } });
    expect((await ids.login('agent/agent-b', credential)).ok).toBe(false);
    const rotated = await ids.enrollAgent('agent-a');
    expect((await ids.login('agent/agent-a', credential)).ok, 'the old credential after a rotation').toBe(false);
    expect((await ids.login('agent/agent-a', rotated)).ok).toBe(true);
    expect(ids.revoke('agent', 'agent-a')).toBe(true);
    expect((await ids.login('agent/agent-a', rotated)).ok, 'revoked').toBe(false);
    expect(ids.list('agent')[0]).toMatchObject({ name: 'agent-a', revokedAt: 1_000_000 });
  });

  it("hashes a person's password at a person's scrypt cost and a machine's random credential at a machine's; an older agent hash is redone at its first login", async () => {
    const { ids, clock } = identities();
    await ids.addUser('eve', 'engineer', 'correct horse battery');
    const credential = await ids.enrollAgent('agent-a');
    const kdf = (kind: string, name: string) =>
      (db.prepare('SELECT kdf FROM identities WHERE kind = ? AND name = ?').get(kind, name) as { kdf: string }).kdf;
    expect([kdf('user', 'eve'), kdf('agent', 'agent-a')]).toEqual([KDF.user, KDF.machine]);
    // As an agent enrolled before the costs were per kind: its hash at a person's cost.
    const old = new Identities({ db, clock });
    db.prepare("UPDATE identities SET kdf = ?, hash = ?, salt = ? WHERE kind = 'agent'").run(KDF.user, ...(await userCostHash(credential)));
    expect(await old.login('agent/agent-a', credential)).toMatchObject({ ok: true });
    expect(kdf('agent', 'agent-a')).toBe(KDF.machine);
    expect(await new Identities({ db, clock }).login('agent/agent-a', credential), 'and logs in with the new hash').toMatchObject({
      ok: true,
    });
    expect((await new Identities({ db, clock }).login('agent/agent-a', 'a'.repeat(43))).ok).toBe(false);
  });

  it('a person has a role; a short password or an unknown role is refused', async () => {
    const { ids } = identities();
    await ids.addUser('eve', 'engineer', 'correct horse battery');
    expect(await ids.login('eve', 'correct horse battery')).toEqual({
      ok: true,
      identity: { kind: 'user', name: 'eve', role: 'engineer' },
    });
    await expect(ids.addUser('bob', 'engineer', 'short')).rejects.toThrow('at least 12 characters');
    await expect(ids.addUser('bob', 'root' as never, 'long enough password')).rejects.toThrow('unknown role "root"');
  });

  it('locks out the address that keeps failing, for people’s logins, never a name: the right person elsewhere and machines anywhere still log in', async () => {
    const { ids, clock } = identities();
    await ids.addUser('eve', 'engineer', 'correct horse battery');
    const agent = await ids.enrollAgent('agent-lock');
    for (let i = 0; i < LOCKOUT.failures - 1; i += 1)
      expect(await ids.login('agent/agent-lock', 'guess', '10.0.0.66')).toEqual({ ok: false, reason: 'wrong credential' });
    expect((await ids.login('eve', 'guess', '10.0.0.66')) as { reason: string }).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/locked out/),
    });
    // The hammered names work from their own addresses; the machine's unguessable credential even from the locked one.
    expect((await ids.login('agent/agent-lock', agent, '10.0.0.5')).ok).toBe(true);
    expect((await ids.login('agent/agent-lock', agent, '10.0.0.66')).ok).toBe(true);
    expect((await ids.login('eve', 'correct horse battery', '10.0.0.7')).ok).toBe(true);
    // A person from the locked address is refused unchecked, even with the right password, until the lock ends.
    expect((await ids.login('eve', 'correct horse battery', '10.0.0.66')) as { reason: string }).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^locked out/),
    });
    expect((await ids.login('eve', 'correct horse battery', '::ffff:10.0.0.66')).ok, 'the same address written as IPv4-mapped').toBe(false);
    clock.advance(LOCKOUT.lockMs + 1);
    expect((await ids.login('eve', 'correct horse battery', '10.0.0.66')).ok).toBe(true);
  });
});

describe('the lockout table', () => {
  it('stays bounded (least recently failed forgotten first) and counts an IPv6 /64 as one source', () => {
    const clock = new ManualClock(0);
    const table = new LoginLockout(clock, { ...LOCKOUT, sources: 3 });
    for (let i = 0; i < LOCKOUT.failures; i += 1) table.failed('2001:db8:1:2::' + i.toString(16));
    expect(table.lockedUntil('2001:db8:1:2:ffff::1')).toBe(LOCKOUT.lockMs);
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) table.failed(a);
    expect(table.size).toBe(3);
    expect(table.lockedUntil('2001:db8:1:2::1'), 'the oldest entry went first').toBeUndefined();
  });
});

describe('Mosquitto logins from the enrolled identities', () => {
  /** A mosquitto_passwd line checked as Mosquitto checks it: PBKDF2-SHA512 over the secret with the line's salt and count. */
  const mosquittoAccepts = (hash: string, secret: string): boolean => {
    const [, type, iterations, salt, key] = hash.split('$');
    return type === '7' && pbkdf2Sync(secret, Buffer.from(salt!, 'base64'), Number(iterations), 64, 'sha512').toString('base64') === key;
  };

  it('keeps a Mosquitto $7$ hash beside the scrypt one, usernames without a colon, and leaves out the revoked', async () => {
    const { ids } = identities();
    const agent = await ids.enrollAgent('agent-a');
    const controller = await ids.enrollController();
    await ids.addUser('eve', 'engineer', 'engineer password 1');
    await ids.addUser('gone', 'viewer', 'viewer password 12');
    ids.revoke('user', 'gone');
    const { logins, missing } = ids.mosquittoLogins();
    expect(missing).toEqual([]);
    expect(logins.map((l) => l.username)).toEqual(['agent/agent-a', 'controller/main', 'eve']);
    expect(mosquittoAccepts(logins[0]!.hash, agent)).toBe(true);
    expect(mosquittoAccepts(logins[1]!.hash, controller)).toBe(true);
    expect(mosquittoAccepts(logins[2]!.hash, 'engineer password 1')).toBe(true);
    expect(mosquittoAccepts(logins[2]!.hash, 'engineer password 2')).toBe(false);
    expect(logins[2]!.hash).toMatch(/^\$7\$10000\$/);
    expect(await ids.login('controller/main', controller)).toEqual({ ok: true, identity: { kind: 'controller', name: 'main' } });
    await expect(ids.addUser('a:b', 'viewer', 'viewer password 12'), 'a colon would end the username in Mosquitto’s file').rejects.toThrow(
      /not a valid name/,
    );
    await expect(ids.enrollAgent('a/b')).rejects.toThrow(/not a valid name/);
  });

  it('writes an ACL with the same rules as the embedded broker, one block per identity', async () => {
    const { ids } = identities();
    await ids.enrollAgent('agent-a');
    await ids.addUser('vic', 'viewer', 'viewer password 12');
    const files = mosquittoFiles(ids.mosquittoLogins().logins, { passwd: '/etc/mosquitto/onair.passwd', acl: '/etc/mosquitto/onair.acl' });
    expect(files.acl).toContain('user agent/agent-a\ntopic write onair/v1/agents/agent-a/state\n');
    expect(files.acl).toContain('topic read onair/v1/agents/agent-a/commands\n');
    expect(files.acl).toContain('user vic\ntopic write onair/v1/users/vic/requests/status\n');
    expect(files.acl).not.toContain('onair/v1/users/vic/requests/failover');
    expect(files.conf).toMatch(/^allow_anonymous false$/m);
    expect(files.conf).toMatch(/^max_packet_size 1052672$/m);
    expect(files.conf).toMatch(/^password_file \/etc\/mosquitto\/onair.passwd$/m);
  });

  it('migrates a database enrolled before Mosquitto hashes and names what needs a rotation', async () => {
    dir = tempDir();
    db = new Database(path.join(dir, 'onair.sqlite'));
    db.exec(`CREATE TABLE identities (kind TEXT NOT NULL, name TEXT NOT NULL, role TEXT, salt BLOB NOT NULL, hash BLOB NOT NULL,
      created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL, revoked_at INTEGER, PRIMARY KEY (kind, name));
      INSERT INTO identities VALUES ('agent', 'old-agent', NULL, x'00', x'00', 1, 1, NULL);`);
    expect(migrate(db).applied.map((m) => m.split(':')[0])).toEqual(MIGRATIONS.map((m) => String(m.version)));
    const ids = new Identities({ db, clock: new ManualClock(1_000_000) });
    expect(ids.mosquittoLogins()).toEqual({ logins: [], missing: ['agent/old-agent'] });
    await ids.enrollAgent('old-agent');
    expect(ids.mosquittoLogins().missing).toEqual([]);
  });
});

/** A credential's hash and salt at a person's scrypt cost, as identities were all stored before. */
async function userCostHash(secret: string): Promise<[Buffer, Buffer]> {
  const salt = randomBytes(16);
  return [scryptSync(secret, salt, 32, { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }), salt];
}
