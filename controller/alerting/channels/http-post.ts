/**
 * One POST of a JSON body to a receiver, answered by a receipt, never by an exception: 2xx and the
 * vendor's own success code → delivered; 429 → try again after its Retry-After; 408, 5xx, a network
 * error or no answer in time → try again; any other 4xx or a vendor error code → do not (a bad URL or
 * a bad signature stays bad), with the vendor's own message. Every request has a deadline, so a
 * receiver that hangs cannot hang delivery.
 */
import type { Clock } from '../../../lib/clock.ts';
import { errorMessage } from '../../../lib/timeout.ts';
import type { DeliveryReceipt } from '../types.ts';

/** What a receiver's 2xx body says: delivered, or the vendor's refusal (errcode/code ≠ 0). */
export type VendorVerdict = { ok: true } | { ok: false; error: string; retryable?: boolean; retryAfterMs?: number };
export type VendorCheck = (body: string) => VendorVerdict;

/** Success is the HTTP status alone (Slack, Teams Workflows, the generic webhook, SMS gateways). */
export const statusOnly: VendorCheck = () => ({ ok: true });

export interface PostJson {
  url: string;
  body: string;
  headers?: Record<string, string>;
  check: VendorCheck;
}

export interface PostSettings {
  clock: Clock;
  timeoutMs: number;
  /** The caller's own cancellation (delivery stopping). */
  signal?: AbortSignal | undefined;
}

/** Longest receiver answer kept for an error message. */
const ERROR_BODY_CHARS = 300;

export async function postJson(request: PostJson, settings: PostSettings): Promise<DeliveryReceipt> {
  const started = settings.clock.now();
  const ms = (): number => Math.max(0, settings.clock.now() - started);
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const signal = settings.signal ? AbortSignal.any([settings.signal, deadline]) : deadline;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...request.headers },
      body: request.body,
      signal,
      redirect: 'error',
    });
    const body = await response.text();
    return { ...judgeAnswer(response.status, response.headers.get('retry-after'), body, request.check, started), ms: ms() };
  } catch (err) {
    const why = deadline.aborted ? `no answer within ${settings.timeoutMs} ms` : `${errorMessage(err)}${causeOf(err)}`;
    return { ok: false, ms: ms(), error: `${hostOf(request.url)}: ${why}`, retryable: true };
  }
}

/** The receipt for an answer (pure): status, Retry-After and the vendor's own verdict on the body. */
export function judgeAnswer(status: number, retryAfter: string | null, body: string, check: VendorCheck, now: number): Judged {
  if (status >= 200 && status < 300) {
    const verdict = check(body);
    if (verdict.ok) return { ok: true, detail: `HTTP ${status}` };
    return { ok: false, error: verdict.error, retryable: verdict.retryable ?? false, ...after(verdict.retryAfterMs) };
  }
  const error = `HTTP ${status}${body.trim() ? `: ${body.trim().slice(0, ERROR_BODY_CHARS)}` : ''}`;
  if (status === 429) return { ok: false, error, retryable: true, ...after(retryAfterMs(retryAfter, now)) };
  return { ok: false, error, retryable: status === 408 || status >= 500 };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), as milliseconds from `now`. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A vendor whose 2xx answer carries a JSON code, 0 meaning success: DingTalk `{errcode, errmsg}`,
 * WeCom `{errcode, errmsg}`, Feishu `{code, msg}` (older Feishu answers `{StatusCode, StatusMessage}`).
 */
export function jsonCode(
  vendor: string,
  codeFields: readonly string[],
  messageFields: readonly string[],
  /** Codes that mean "too many, try later" (a rate limit answered with 200), and after how long. */
  throttled: Readonly<Record<number, number>> = {},
): VendorCheck {
  return (body) => {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { ok: false, error: `${vendor} answered something that is not JSON: ${body.slice(0, ERROR_BODY_CHARS)}` };
    }
    const field = codeFields.find((f) => typeof answer[f] === 'number');
    if (field === undefined)
      return { ok: false, error: `${vendor} answered no ${codeFields.join('/')}: ${body.slice(0, ERROR_BODY_CHARS)}` };
    if (answer[field] === 0) return { ok: true };
    const message = messageFields.map((f) => answer[f]).find((m) => typeof m === 'string') ?? '';
    const error = `${vendor} ${field} ${String(answer[field])}: ${String(message)}`;
    const wait = throttled[answer[field] as number];
    return wait === undefined ? { ok: false, error } : { ok: false, error, retryable: true, retryAfterMs: wait };
  };
}

/** A receipt before its time is known (distributes over the union, which Omit alone would merge). */
type Judged = DeliveryReceipt extends infer R ? (R extends DeliveryReceipt ? Omit<R, 'ms'> : never) : never;

const after = (ms: number | undefined): { retryAfterMs?: number } => (ms === undefined ? {} : { retryAfterMs: ms });

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the receiver';
  }
}

/** fetch() says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is its cause. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause ? ` (${errorMessage(cause)})` : '';
}
