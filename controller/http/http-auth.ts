/**
 * Who is asking over HTTP: a tool with `Authorization` (Basic user:password, or Bearer name:secret
 * from a token file), or a person on the console with its session cookie. A write from a session
 * must also carry the session's CSRF token in a header and, when the browser names it, come from
 * the console's own origin: a page on another site can make the browser send the cookie (SameSite
 * aside) but can neither read the token nor set a custom header without a CORS preflight we refuse.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/logger.ts';
import type { Role } from '../../protocols/access.ts';
import { ConsoleSessions, CSRF_HEADER, SESSION_COOKIE, type ConsoleSession } from './console-sessions.ts';
import type { LoginResult } from '../identity/identities.ts';

export interface Caller {
  user: string;
  role: Role;
  session?: ConsoleSession;
}

export type Authenticated = { ok: true; caller: Caller } | { ok: false; code: 401 | 403; error: string };

export interface HttpAuthDependencies {
  /** `source`: the caller's address (a person's login from an address that keeps failing is locked out). */
  login(username: string, password: string, source?: string): Promise<LoginResult>;
  sessions?: ConsoleSessions;
  log: Logger;
}

/** `Authorization: Basic base64(user:password)`, or `Bearer name:secret` (a token file's line). */
export function credentials(header: string | undefined): { user: string; password: string } | undefined {
  const space = (header ?? '').indexOf(' ');
  if (space <= 0) return undefined;
  const [scheme, value] = [header!.slice(0, space), header!.slice(space + 1).trim()];
  const pair =
    scheme.toLowerCase() === 'basic' ? Buffer.from(value, 'base64').toString('utf8') : scheme.toLowerCase() === 'bearer' ? value : '';
  const colon = pair.indexOf(':');
  return colon > 0 ? { user: pair.slice(0, colon), password: pair.slice(colon + 1) } : undefined;
}

/** A person's login checked as the broker checks it; only people and tools use the HTTP side. */
export async function checkLogin(d: HttpAuthDependencies, user: string, password: string, peer: string): Promise<Authenticated> {
  const result = await d.login(user, password, peer);
  if (!result.ok) {
    d.log.warn({ username: user.slice(0, 80), reason: result.reason, peer }, 'refused an HTTP login');
    return { ok: false, code: 401, error: `login refused (${result.reason})` };
  }
  if (result.identity.kind !== 'user') return { ok: false, code: 403, error: 'only people and tools use the API' };
  return { ok: true, caller: { user: result.identity.name, role: result.identity.role } };
}

/** The browser's origin header, when sent, must be the console's own (scheme, host and port). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.headers.host ?? ''}`;
}

export async function authenticate(d: HttpAuthDependencies, request: FastifyRequest, write: boolean): Promise<Authenticated> {
  const login = credentials(request.headers.authorization);
  if (login) return checkLogin(d, login.user, login.password, request.ip);
  const session = d.sessions?.find(request.cookies?.[SESSION_COOKIE]);
  if (!session)
    return { ok: false, code: 401, error: 'log in: the console, Authorization Basic (user and password) or Bearer name:secret' };
  if (write && (!ConsoleSessions.csrfMatches(session, request.headers[CSRF_HEADER]) || !sameOrigin(request))) {
    d.log.warn(
      { user: session.user, peer: request.ip, origin: request.headers.origin },
      'refused a console write without its CSRF token or from another origin',
    );
    return { ok: false, code: 403, error: 'refused: a console write must come from the console page (CSRF token missing or wrong)' };
  }
  return { ok: true, caller: { user: session.user, role: session.role, session } };
}
