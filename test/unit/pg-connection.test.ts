import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgClientConfig, withPassword } from '../../controller/store/pg-connection.ts';

describe('PostgreSQL connection settings', () => {
  it('a password read from passwordFile/passwordEnv applies to a password-less URL (node-postgres lets the URL override the option)', () => {
    const password = 'p@ss:w/rd%25 ?#';
    const client = new pg.Client(pgClientConfig({ url: 'postgresql://onair@db.example:5433/onair?application_name=x', password }));
    expect(client.password).toBe(password);
    expect(client.user).toBe('onair');
    expect(client.host).toBe('db.example');
    expect(client.port).toBe(5433);
    expect(client.database).toBe('onair');
  });

  it('the password from the reference wins over one in the URL; without one the URL is used as it is', () => {
    expect(new pg.Client(pgClientConfig({ url: 'postgresql://onair:old@db/onair', password: 'new' })).password).toBe('new');
    expect(withPassword('postgresql://onair@db/onair', undefined)).toBe('postgresql://onair@db/onair');
  });

  it('a password with a URL that names no user is a clear error', () => {
    expect(() => withPassword('postgresql://db/onair', 'x')).toThrow(/names no user/);
  });
});
