import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Identities, LOCKOUT } from '../../controller/identities.ts';
import { ManualClock } from '../../lib/clock.ts';
import { removeDir, tempDir } from '../integration/helpers.ts';

let dir: string;
let db: Database.Database;
afterEach(() => {
  db?.close();
  removeDir(dir);
});

function identities() {
  dir = tempDir();
  db = new Database(path.join(dir, 'onair.sqlite'));
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
    expect(await ids.login('agent:agent-a', credential)).toEqual({ ok: true, identity: { kind: 'agent', id: 'agent-a' } });
    expect(await ids.login('agent:agent-a', credential), 'remembered').toEqual({ ok: true, identity: { kind: 'agent', id: 'agent-a' } });
    expect((await ids.login('agent:agent-b', credential)).ok).toBe(false);
    const rotated = await ids.enrollAgent('agent-a');
    expect((await ids.login('agent:agent-a', credential)).ok, 'the old credential after a rotation').toBe(false);
    expect((await ids.login('agent:agent-a', rotated)).ok).toBe(true);
    expect(ids.revoke('agent', 'agent-a')).toBe(true);
    expect((await ids.login('agent:agent-a', rotated)).ok, 'revoked').toBe(false);
    expect(ids.list('agent')[0]).toMatchObject({ name: 'agent-a', revokedAt: 1_000_000 });
  });

  it('a person has a role; a short password or an unknown role is refused', async () => {
    const { ids } = identities();
    await ids.addUser('eve', 'engineer', 'correct horse battery');
    expect(await ids.login('eve', 'correct horse battery')).toEqual({ ok: true, identity: { kind: 'user', name: 'eve', role: 'engineer' } });
    await expect(ids.addUser('bob', 'engineer', 'short')).rejects.toThrow('at least 12 characters');
    await expect(ids.addUser('bob', 'root' as never, 'long enough password')).rejects.toThrow('unknown role "root"');
  });

  it('locks a name out after repeated failed logins, even for the right password, until the lock ends', async () => {
    const { ids, clock } = identities();
    await ids.addUser('eve', 'engineer', 'correct horse battery');
    for (let i = 0; i < LOCKOUT.failures - 1; i += 1) expect(await ids.login('eve', 'guess')).toEqual({ ok: false, reason: 'wrong credential' });
    expect((await ids.login('eve', 'guess')) as { reason: string }).toMatchObject({ ok: false, reason: expect.stringMatching(/locked out/) });
    expect((await ids.login('eve', 'correct horse battery')) as { reason: string }).toMatchObject({ ok: false, reason: expect.stringMatching(/^locked out/) });
    clock.advance(LOCKOUT.lockMs + 1);
    expect((await ids.login('eve', 'correct horse battery')).ok).toBe(true);
  });
});
