/**
 * A PostgreSQL connection's settings from the config's URL and a password read by reference. The
 * password is set explicitly next to the URL's parts: node-postgres lets a connection string without
 * a password override the `password` option, so `connectionString` is only used when there is none.
 */
import type pg from 'pg';

export interface PostgresConnection {
  url: string;
  password?: string;
}

export function clientConfig(c: PostgresConnection, name: string): pg.ClientConfig {
  const application_name = name.slice(0, 63);
  if (c.password === undefined) return { connectionString: c.url, application_name };
  const u = new URL(c.url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    database: decodeURIComponent(u.pathname.slice(1)),
    password: c.password,
    application_name,
  };
}
