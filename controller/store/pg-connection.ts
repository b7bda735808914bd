/**
 * The one place a controller's PostgreSQL connection settings are built (every session it opens goes
 * through here). node-postgres merges what it parses from `connectionString` over the other options,
 * so a password-less URL (`postgresql://onair@db/onair`, as the config asks: the password by
 * reference, never in the URL) would reset a `password` option to undefined, and a server requiring
 * scram-sha-256 then fails with "client password must be a string". The password read from
 * postgres.passwordFile / passwordEnv is therefore written into the URL itself, which node-postgres
 * decodes again: it wins over whatever the URL says.
 */
import type pg from 'pg';

export interface PgConnectionSettings {
  /** postgresql://user@host:port/database (query parameters such as sslmode kept). */
  url: string;
  /** From postgres.passwordFile / passwordEnv; undefined for a server that needs none (peer, trust, .pgpass). */
  password?: string | undefined;
}

/** `url` with `password` in its user info (percent-encoded), or unchanged without a password. */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`postgres.url is not a URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  }
  if (!parsed.username) throw new Error('postgres.url names no user (postgresql://user@host/database): a password needs one');
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** node-postgres client settings for `settings` plus `extra` (timeouts, application name); the password always applies. */
export function pgClientConfig(
  settings: PgConnectionSettings,
  extra: Omit<pg.ClientConfig, 'connectionString' | 'password'> = {},
): pg.ClientConfig {
  return { ...extra, connectionString: withPassword(settings.url, settings.password) };
}
