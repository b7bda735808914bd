/**
 * Enrolled identities: agents (one credential each, printed once at enrolment) and people (a role
 * and a password). Only a salted scrypt hash is stored, in the controller's SQLite file. A login is
 * checked in the libuv thread pool (scrypt is slow by design) and then remembered in memory as a
 * SHA-256 of the secret, so a fleet reconnecting after a restart costs one scrypt per identity, not
 * one per connection. An address whose logins keep failing is locked out of people's logins for a
 * while (controller/identity/login-lockout.ts); a machine's login is always checked.
 */
import { createHash, pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../../lib/clock.ts';
import { LOCKOUT, LoginLockout } from './login-lockout.ts';
import { ROLES, parseLoginName, type Identity, type Role } from '../../protocols/access.ts';
import { LOGIN_NAME_PATTERN } from '../../protocols/schemas.ts';

export const IDENTITY_SCHEMA = `
CREATE TABLE IF NOT EXISTS identities (
  kind TEXT NOT NULL, name TEXT NOT NULL, role TEXT, salt BLOB NOT NULL, hash BLOB NOT NULL,
  created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL, revoked_at INTEGER, mosquitto_hash TEXT, PRIMARY KEY (kind, name));
`;

/**
 * scrypt costs, stored with each row (`kdf`, `scrypt:N:r:p`) so they can change without breaking a
 * login. People: N = 2^14, r = 8 (about 30 ms and 16 MB per check) — a password must resist
 * guessing. Agents and controllers: N = 2^10 (about 2 ms) — their credentials are 256 random bits
 * that no stretching makes harder to guess, and after a controller restart the whole fleet logs in
 * at once: 2,000 agents at 30 ms each on libuv's 4 threads would hold CONNACKs for 15 s, past the
 * agents' 5 s connect timeout, and every retry would cost another check.
 */
export const KDF = { user: 'scrypt:16384:8:1', machine: 'scrypt:1024:8:1' } as const;
const kdfFor = (kind: IdentityKind): string => (kind === 'user' ? KDF.user : KDF.machine);
const KEY_BYTES = 32;
export { LOCKOUT } from './login-lockout.ts';

/**
 * PBKDF2-SHA512 iterations of the Mosquitto password-file hash (`$7$`, as mosquitto_passwd writes it;
 * Mosquitto reads the count from the line). Mosquitto checks every CONNECT on its one thread, with no
 * cache: 10,000 costs a person's login about 6 ms there; agent and controller credentials are 256
 * random bits that no stretching makes harder to guess, so they keep Mosquitto's own 101 and a
 * fleet reconnecting after a broker restart costs next to nothing.
 */
export const MOSQUITTO_ITERATIONS = { user: 10_000, agent: 101, controller: 101 } as const;

export type IdentityKind = 'agent' | 'user' | 'controller';
/**
 * The MQTT username of an identity: the bare name for a person, `agent/<id>` or `controller/<name>`
 * for the others. A slash, because no name may hold one and Mosquitto's password file ends a
 * username at the first colon [mosquitto_passwd(1)].
 */
export const loginName = (kind: IdentityKind, name: string): string => (kind === 'user' ? name : `${kind}/${name}`);
type Row = {
  kind: IdentityKind;
  name: string;
  role: Role | null;
  salt: Buffer;
  hash: Buffer;
  created_at: number;
  changed_at: number;
  revoked_at: number | null;
  mosquitto_hash: string | null;
  kdf: string;
};

export interface IdentitySummary {
  kind: IdentityKind;
  name: string;
  role?: Role;
  createdAt: number;
  changedAt: number;
  revokedAt: number | null;
}

function hashOf(secret: string, salt: Buffer, kdf: string): Promise<Buffer> {
  const [name, N, r, p] = kdf.split(':');
  if (name !== 'scrypt' || !N || !r || !p) return Promise.reject(new Error(`unknown key derivation "${kdf}"`));
  const cost = { N: Number(N), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(secret, salt, KEY_BYTES, cost, (err, key) => (err ? reject(err) : resolve(key))));
}
const mosquittoHash = (kind: IdentityKind, secret: string): Promise<string> => {
  const salt = randomBytes(12);
  const iterations = MOSQUITTO_ITERATIONS[kind];
  return new Promise((resolve, reject) =>
    pbkdf2(secret, salt, iterations, 64, 'sha512', (err, key) =>
      err ? reject(err) : resolve(`$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`),
    ),
  );
};
const LOGIN_NAME = new RegExp(LOGIN_NAME_PATTERN);
const fingerprint = (kind: string, name: string, secret: string): string =>
  createHash('sha256').update(`${kind}\0${name}\0${secret}`).digest('base64');
/** A new random credential: 32 bytes, base64url (43 characters). */
export const newCredential = (): string => randomBytes(32).toString('base64url');

export type LoginResult = { ok: true; identity: Identity } | { ok: false; reason: string };

export class Identities {
  /** Fingerprints of secrets checked this run, per `kind/name`, with the stored hash they were checked against. */
  private readonly verified = new Map<string, { print: string; hash: Buffer }>();
  private readonly lockout: LoginLockout;

  /** `db` has the identities table (controller/store/migrations.ts). */
  constructor(private readonly o: { db: Database.Database; clock: Clock }) {
    this.lockout = new LoginLockout(o.clock);
  }

  /** The controller's own login, for an external broker (the embedded one needs none). Returns the credential, once. */
  async enrollController(name = 'main', credential = newCredential()): Promise<string> {
    if (credential.length < 32) throw new Error('a controller credential needs at least 32 characters');
    await this.put('controller', name, null, credential);
    return credential;
  }

  /** Enrols an agent, or gives an enrolled one a new credential (the old one stops working). Returns the credential, once. */
  async enrollAgent(id: string): Promise<string> {
    const credential = newCredential();
    await this.put('agent', id, null, credential);
    return credential;
  }

  async addUser(name: string, role: Role, password: string): Promise<void> {
    if (!ROLES.includes(role)) throw new Error(`unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    if (password.length < 12) throw new Error('a password needs at least 12 characters');
    await this.put('user', name, role, password);
  }

  /** Revoked identities cannot log in; their row stays for the audit trail. */
  revoke(kind: IdentityKind, name: string): boolean {
    this.verified.delete(`${kind}/${name}`);
    return (
      this.o.db
        .prepare('UPDATE identities SET revoked_at = ? WHERE kind = ? AND name = ? AND revoked_at IS NULL')
        .run(this.o.clock.now(), kind, name).changes > 0
    );
  }

  list(kind?: IdentityKind): IdentitySummary[] {
    const rows = (
      kind
        ? this.o.db.prepare('SELECT * FROM identities WHERE kind = ? ORDER BY name').all(kind)
        : this.o.db.prepare('SELECT * FROM identities ORDER BY kind, name').all()
    ) as Row[];
    return rows.map((r) => ({
      kind: r.kind,
      name: r.name,
      ...(r.role ? { role: r.role } : {}),
      createdAt: r.created_at,
      changedAt: r.changed_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Is anyone enrolled at all (the broker requires logins once someone is)? */
  any(): boolean {
    return this.o.db.prepare('SELECT 1 FROM identities WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }

  /**
   * Checks a login: the MQTT username is `agent/<id>` for an agent, the user's name for a person.
   * Never says which part was wrong. `source` is the client's address: a person's login from an
   * address that is locked out is refused without checking; a machine's is always checked.
   */
  async login(username: string, secret: string, source?: string): Promise<LoginResult> {
    // `controller/<name>/standby` is the same controller login, for a seat's standby session.
    const { kind, name } = parseLoginName(username);
    const key = `${kind}/${name}`;
    const lockedUntil = kind === 'user' ? this.lockout.lockedUntil(source) : undefined;
    if (lockedUntil !== undefined)
      return {
        ok: false,
        reason: `locked out: too many failed logins from ${source ?? 'this address'} until ${new Date(lockedUntil).toISOString()}`,
      };
    const row = this.o.db.prepare('SELECT * FROM identities WHERE kind = ? AND name = ?').get(kind, name) as Row | undefined;
    const print = fingerprint(kind, name, secret);
    let ok = false;
    if (row && row.revoked_at === null) {
      // A remembered check counts only while the stored hash is the one it was made against (a rotation
      // by another process voids it). Both fingerprints are SHA-256 in base64: compared in constant time.
      const known = this.verified.get(key);
      ok =
        known !== undefined && known.hash.equals(row.hash)
          ? timingSafeEqual(Buffer.from(known.print), Buffer.from(print))
          : timingSafeEqual(await hashOf(secret, row.salt, row.kdf), row.hash);
    } else {
      await hashOf(secret, randomBytes(16), kdfFor(kind)); // as slow for an unknown name as for a wrong secret
    }
    if (!ok) {
      const failed = this.lockout.failed(source);
      return {
        ok: false,
        reason:
          failed.lockedUntil !== undefined
            ? `wrong credential; ${failed.count} failures from ${source ?? 'this address'}: people's logins from it locked out for ${LOCKOUT.lockMs / 60_000} min`
            : 'wrong credential',
      };
    }
    // A machine credential hashed at a person's cost (enrolled before costs were per kind) is hashed again at its own, once.
    const hash = row!.kdf === kdfFor(kind) ? row!.hash : await this.rehash(kind, name, secret);
    this.verified.set(key, { print, hash });
    const identity: Identity =
      kind === 'agent'
        ? { kind: 'agent', id: name }
        : kind === 'controller'
          ? { kind: 'controller', name }
          : { kind: 'user', name, role: row!.role ?? 'viewer' };
    return { ok: true, identity };
  }

  /**
   * What a Mosquitto password file and ACL need: every identity that may log in, with its Mosquitto
   * hash; `missing` names those enrolled before OnAir wrote one (rotate them to include them).
   */
  mosquittoLogins(): {
    logins: Array<{ kind: IdentityKind; name: string; role?: Role; username: string; hash: string }>;
    missing: string[];
  } {
    const rows = this.o.db.prepare('SELECT * FROM identities WHERE revoked_at IS NULL ORDER BY kind, name').all() as Row[];
    const logins = rows.flatMap((r) =>
      r.mosquitto_hash
        ? [{ kind: r.kind, name: r.name, ...(r.role ? { role: r.role } : {}), username: loginName(r.kind, r.name), hash: r.mosquitto_hash }]
        : [],
    );
    return { logins, missing: rows.filter((r) => !r.mosquitto_hash).map((r) => loginName(r.kind, r.name)) };
  }

  private async put(kind: IdentityKind, name: string, role: Role | null, secret: string): Promise<void> {
    // Names go into MQTT topics, usernames and Mosquitto's files: letters, digits and _ . - only.
    if (!LOGIN_NAME.test(name)) throw new Error(`"${name}" is not a valid name: letters, digits, _ . - (at most 64)`);
    const salt = randomBytes(16);
    const kdf = kdfFor(kind);
    const [hash, mosquitto] = await Promise.all([hashOf(secret, salt, kdf), mosquittoHash(kind, secret)]);
    const now = this.o.clock.now();
    this.o.db
      .prepare(
        `INSERT INTO identities (kind, name, role, salt, hash, created_at, changed_at, revoked_at, mosquitto_hash, kdf) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (kind, name) DO UPDATE SET role = excluded.role, salt = excluded.salt, hash = excluded.hash, changed_at = excluded.changed_at, revoked_at = NULL,
           mosquitto_hash = excluded.mosquitto_hash, kdf = excluded.kdf`,
      )
      .run(kind, name, role, salt, hash, now, now, mosquitto, kdf);
    this.verified.delete(`${kind}/${name}`);
  }

  /** The same secret at its kind's cost (the credential itself and its Mosquitto hash unchanged). */
  private async rehash(kind: IdentityKind, name: string, secret: string): Promise<Buffer> {
    const salt = randomBytes(16);
    const kdf = kdfFor(kind);
    const hash = await hashOf(secret, salt, kdf);
    this.o.db.prepare('UPDATE identities SET salt = ?, hash = ?, kdf = ? WHERE kind = ? AND name = ?').run(salt, hash, kdf, kind, name);
    return hash;
  }
}
