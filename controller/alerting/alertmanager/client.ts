/**
 * Alertmanager's v2 API, the calls the sink makes (api/v2/openapi.yaml, v0.25.0): post alerts,
 * create, read, find and expire silences. Every call has a deadline; a refusal or a malformed answer
 * is an AlertmanagerError saying which call, so the sink can log it and try again later.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { GettableSilence, SilenceCreated, type PostableAlert, type PostableSilence } from './wire.ts';

export class AlertmanagerError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when Alertmanager answered at all. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AlertmanagerError';
  }
}

const GettableSilences = Type.Array(GettableSilence);

export class AlertmanagerClient {
  private readonly base: string;

  constructor(
    /** Where Alertmanager is reached, with its route prefix if it has one (http://am.example:9093/am). */
    url: string,
    private readonly timeoutMs: number,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  /** One POST of a batch of alerts; Alertmanager answers 200 with no body needed. */
  async postAlerts(alerts: PostableAlert[], signal?: AbortSignal): Promise<void> {
    await this.call('POST', '/api/v2/alerts', alerts, signal);
  }

  /** Creates a silence (or, with `id`, updates it) and answers its id. */
  async postSilence(silence: PostableSilence, signal?: AbortSignal): Promise<string> {
    const answer = await this.call('POST', '/api/v2/silences', silence, signal);
    if (!Value.Check(SilenceCreated, answer)) throw new AlertmanagerError('POST /api/v2/silences: the answer has no silenceID');
    return answer.silenceID;
  }

  /** The silence, or undefined when Alertmanager does not know it (expired and collected, or lost with its storage). */
  async getSilence(id: string, signal?: AbortSignal): Promise<GettableSilence | undefined> {
    const answer = await this.call('GET', `/api/v2/silence/${encodeURIComponent(id)}`, undefined, signal, [404]);
    if (answer === undefined) return undefined;
    if (!Value.Check(GettableSilence, answer)) throw new AlertmanagerError(`GET /api/v2/silence/${id}: not a silence`);
    return answer;
  }

  /** Silences whose matchers match the label `name="value"` (in any state). */
  async findSilences(name: string, value: string, signal?: AbortSignal): Promise<GettableSilence[]> {
    const filter = encodeURIComponent(`${name}=${JSON.stringify(value)}`);
    const answer = await this.call('GET', `/api/v2/silences?filter=${filter}`, undefined, signal);
    if (!Value.Check(GettableSilences, answer)) throw new AlertmanagerError('GET /api/v2/silences: not a list of silences');
    return answer;
  }

  /**
   * Expires a silence; one Alertmanager no longer knows is as good as expired (0.25 answers that with
   * 500 "silence not found", measured, where the API says 404).
   */
  async expireSilence(id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`, undefined, signal, [404]);
    } catch (err) {
      if (err instanceof AlertmanagerError && err.status === 500 && err.message.includes('silence not found')) return;
      throw err;
    }
  }

  /** The parsed JSON answer (undefined for an empty one or a status in `absent`). */
  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    absent: number[] = [],
  ): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      text = await response.text();
    } catch (err) {
      const why = deadline.aborted ? `no answer within ${this.timeoutMs} ms` : String((err as Error).cause ?? (err as Error).message);
      throw new AlertmanagerError(`${method} ${path}: ${why}`);
    }
    if (absent.includes(response.status)) return undefined;
    if (!response.ok) throw new AlertmanagerError(`${method} ${path}: ${response.status} ${text.slice(0, 300).trim()}`, response.status);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AlertmanagerError(`${method} ${path}: the answer is not JSON`, response.status);
    }
  }
}
