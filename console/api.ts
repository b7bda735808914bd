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
/** The login of this page (an alert it holds reads "held by you"). */
export const currentUser = (): string | undefined => current?.user;

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
  if (!response.ok || answer.status !== 'ok')
    throw new AskError(answer.error ?? t('api.loginFailed', { status: response.status }), response.status);
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

/** Whether the page is still logged in: only the controller's own refusal says no; a proxy's 502 or no answer is not known. */
async function sessionState(): Promise<'in' | 'out' | 'unknown'> {
  try {
    const response = await fetch('/api/session', { credentials: 'same-origin' });
    if (response.status === 401 || response.status === 403) return 'out';
    return response.ok ? 'in' : 'unknown';
  } catch {
    return 'unknown';
  }
}

const FEED_RETRY_MS = { first: 1_000, max: 10_000 };

/**
 * The live feed. The browser reconnects by itself after a dropped stream (the stream says `retry: 1000`),
 * but gives up for good when an answer is an error: a proxy in front of a pair answering 502 while the
 * standby takes over, or a controller restarting. Then the feed is opened again with backoff while the
 * session holds, so the page follows whichever controller leads; only a refused session logs out.
 * Returns how to close it.
 */
export function live(handlers: { status(s: StatusData): void; event(e: ControllerEvent): void; state(s: LiveState): void }): () => void {
  let source: EventSource | undefined;
  let closed = false;
  let retryMs = FEED_RETRY_MS.first;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    const s = (source = new EventSource('/api/live'));
    s.addEventListener('open', () => ((retryMs = FEED_RETRY_MS.first), handlers.state('live')));
    s.addEventListener('status', (m) => handlers.status(JSON.parse((m as MessageEvent<string>).data) as StatusData));
    s.addEventListener('event', (m) => handlers.event(JSON.parse((m as MessageEvent<string>).data) as ControllerEvent));
    s.addEventListener('error', () => {
      handlers.state('reconnecting');
      if (s.readyState !== EventSource.CLOSED) return;
      void sessionState().then((state) => {
        if (closed) return;
        if (state === 'out') return void logout();
        timer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, FEED_RETRY_MS.max);
      });
    });
  };
  handlers.state('connecting');
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
