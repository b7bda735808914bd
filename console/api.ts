/**
 * The page's link to the controller: the login (a session cookie the page never sees, and a CSRF
 * token it echoes on every write), the operations as the API serves them (the same names, params
 * and answers as MQTT, typed from the one contract), and the live feed (server-sent events).
 */
import type { OperationData, OperationName, OperationParams } from '../protocols/contract.ts';
import type { StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import type { Locale } from '../i18n/locales.ts';
import { shell } from '../i18n/messages/shell.ts';
import { translator, type Translate } from '../i18n/translator.ts';

export interface Session {
  user: string;
  role: string;
  /** The operations this login may ask (the page shows only those buttons). */
  may: OperationName[];
  csrf?: string;
}

let current: Session | undefined;
/** The page's language for the errors made here (the controller's refusals come in its own words). */
let t: Translate<typeof shell> = translator(shell, 'zh-CN');
export const setApiLocale = (locale: Locale): void => void (t = translator(shell, locale));
const loggedOut = new Set<() => void>();

export const onLoggedOut = (listener: () => void): void => void loggedOut.add(listener);
export const may = (op: OperationName): boolean => current?.may.includes(op) ?? false;

export class AskError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

async function body(response: Response): Promise<{ status: string; data?: unknown; error?: string }> {
  try {
    return (await response.json()) as { status: string; data?: unknown; error?: string };
  } catch {
    return { status: 'error', error: t('api.noBody', { status: response.status }) };
  }
}

export async function fetchSession(): Promise<Session | undefined> {
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (!response.ok) return (current = undefined);
  return (current = (await body(response)).data as Session);
}

export async function login(username: string, password: string): Promise<Session> {
  const response = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const answer = await body(response);
  if (!response.ok || answer.status !== 'ok') throw new AskError(answer.error ?? t('api.loginFailed', { status: response.status }), response.status);
  return (current = answer.data as Session);
}

export async function logout(): Promise<void> {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
  current = undefined;
  for (const listener of loggedOut) listener();
}

/** One operation; resolves with its data or throws its error (the CLI's message). */
export async function ask<O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> {
  let response: Response;
  try {
    response = await fetch(`/api/${op}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-onair-csrf': current?.csrf ?? '' },
      body: JSON.stringify(params),
    });
  } catch {
    throw new AskError(t('api.unreachable'), 0);
  }
  const answer = await body(response);
  if (response.status === 401) {
    current = undefined;
    for (const listener of loggedOut) listener();
  }
  if (answer.status !== 'ok') throw new AskError(answer.error ?? t('api.failed', { op, status: response.status }), response.status);
  return answer.data as OperationData<O>;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** The live feed; the browser reconnects by itself (the stream says `retry: 1000`). Returns how to close it. */
export function live(handlers: { status(s: StatusData): void; event(e: ControllerEvent): void; state(s: LiveState): void }): () => void {
  const source = new EventSource('/api/live');
  handlers.state('connecting');
  source.addEventListener('open', () => handlers.state('live'));
  source.addEventListener('status', (m) => handlers.status(JSON.parse((m as MessageEvent<string>).data) as StatusData));
  source.addEventListener('event', (m) => handlers.event(JSON.parse((m as MessageEvent<string>).data) as ControllerEvent));
  source.addEventListener('error', () => {
    handlers.state('reconnecting');
    // Refused (logged out, the controller restarted): the browser gives up; the login decides what next.
    if (source.readyState === EventSource.CLOSED) void fetchSession().then((s) => (s ? undefined : logout()));
  });
  return () => source.close();
}
