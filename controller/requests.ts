/**
 * controller/requests/{op} → controller/responses/{op} (users/{user}/requests/{op} → users/{user}/responses/{op} with a login): any MQTT client (mosquitto_pub,
 * Node-RED, a Stream Deck plugin, the onair CLI) can drive OnAir. Every request is
 * validated; every answer echoes its transaction as `{status: ok, data}` or `{status: error, error}`,
 * and a request that can be answered is answered — an unknown operation and a failure to encode the
 * answer included.
 */
import type { Logger } from '../lib/logger.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { closest } from '../lib/yaml-config.ts';
import { errorMessage } from '../lib/timeout.ts';
import { requestCodec, responseCodec } from '../protocols/codec.ts';
import { OPERATION_ROLE } from '../protocols/access.ts';
import {
  OPERATIONS,
  isOperation,
  requestMaxBytes,
  tooManyRequests,
  type OperationData,
  type OperationName,
  type OperationParams,
  type OperationResponse,
} from '../protocols/contract.ts';

export type Handlers = {
  [O in OperationName]: (params: OperationParams<O>, issuedBy: string) => Promise<OperationData<O>> | OperationData<O>;
};

/**
 * The operations of a part that starts after the controller and outside its core: the console side
 * (controller/http/http-side.ts: a device's health history, acknowledging an alarm). The core cannot
 * build their handlers without reaching into that part, so the router starts without them and the
 * part hands them over with `serve` when it starts (and takes them back when it stops); until then,
 * or without that part, they are answered with an error that says so. The rest are given at once,
 * so the type still proves every operation has exactly one handler.
 */
export type LaterOperation = 'device.health' | 'alarm.ack';
export type CoreHandlers = Omit<Handlers, LaterOperation>;

export interface RequestRouterSettings {
  handlers: CoreHandlers;
  /** `op` is an id-shaped topic level (checked by parseTopic), known or not; a logged-in `user` alone hears the answer. */
  respond: (op: string, payload: Buffer, user: string | undefined) => void;
  log: Logger;
  onInvalid: (op: string, reason: string) => void;
  /** Requests per logged-in user (anonymous ones, possible only on a loopback or explicitly open listener, are not limited). */
  limiter?: RateLimiter;
  /**
   * How often a user over `limiter` is told so over MQTT (per user). The rest of their requests are
   * dropped unread and unanswered: each answer goes to every connection the user has subscribed, so
   * answering a flood multiplied it (one viewer, 8 connections, ~27,000 requests/s: agents' heartbeats
   * starved and a camera failed over with nothing wrong; found by an independent attack run).
   */
  refusalAnswers?: RateLimiter;
  /** Told of every answered request (metrics). */
  observe?: (op: OperationName, status: 'ok' | 'error', ms: number) => void;
  /**
   * Operations whose whole answer their owner encodes, faster than the generic path: `status`, whose
   * ~1,000 device entries are kept as JSON between requests (controller/status-answer.ts). It takes the
   * place of the handler and of the encoding; if it throws, the generic path answers.
   */
  preEncoded?: { [O in OperationName]?: (transaction: string) => Buffer };
}

const KNOWN = Object.keys(OPERATIONS);
const unknownOperation = (op: string): string => {
  const near = closest(op, KNOWN);
  return `unknown operation "${op}"${near ? ` (did you mean "${near}"?)` : ''}`;
};
/** A handler's `by` is the login, then the client it used if it named one: `eve (via stream-deck)`. */
const VIA = ' (via ';
/** The login in a handler's `by` (what is owned per person, e.g. a wall layout, is the login's, whatever client asked). */
export const loginOf = (by: string): string => by.split(VIA)[0]!;

/** Why an answer is an error before any handler ran (an HTTP status picks from it). */
export type Refusal = 'unknown' | 'invalid' | 'rate' | 'login';

const tooMany = tooManyRequests;

export class RequestRouter {
  private later: Partial<Pick<Handlers, LaterOperation>> = {};

  constructor(private readonly s: RequestRouterSettings) {}

  /** A part started later serves its operations from now on; the returned function takes them back. */
  serve(handlers: Pick<Handlers, LaterOperation>): () => void {
    this.later = handlers;
    return () => {
      if (this.later === handlers) this.later = {};
    };
  }

  private handler<O extends OperationName>(op: O): (p: OperationParams<O>, by: string) => Promise<OperationData<O>> | OperationData<O> {
    const handler = (op in this.s.handlers ? this.s.handlers[op as keyof CoreHandlers] : this.later[op as LaterOperation]) as
      ((p: OperationParams<O>, by: string) => Promise<OperationData<O>> | OperationData<O>) | undefined;
    return (
      handler ??
      (() => {
        throw new Error(`"${op}" is served by the controller's console side, which is not running here`);
      })
    );
  }

  /** `user`: the logged-in person the topic names (the broker checked it); the payload's issuedBy is only a note then. */
  async handle(op: string, payload: Buffer, user?: string): Promise<void> {
    // Over the limit: decided before anything is parsed, so a flood costs a map lookup per message.
    const limit = user === undefined ? undefined : this.s.limiter?.take(user);
    if (limit && !limit.allowed) {
      if (limit.firstRefusal) this.s.log.warn({ user, op }, 'rate limit: refusing requests from this user until they slow down');
      if (this.s.refusalAnswers && !this.s.refusalAnswers.take(user!).allowed) return;
      this.answerInvalid(op, payload, tooMany(user!), user);
      return;
    }
    if (!isOperation(op)) {
      this.s.onInvalid(op, `unknown operation "${op}"`);
      this.answerInvalid(op, payload, `${unknownOperation(op)}; operations: ${KNOWN.join(', ')}`, user);
      return;
    }
    await this.run(op, payload, user);
  }

  private async run<O extends OperationName>(op: O, payload: Buffer, user?: string): Promise<void> {
    const decoded = requestCodec(op).decode(payload);
    if (!decoded.ok) {
      this.s.onInvalid(op, decoded.reason);
      this.answerInvalid(op, payload, `invalid request: ${decoded.reason}`, user);
      return;
    }
    const { transaction, params, issuedBy } = decoded.value as { transaction: string; params: OperationParams<O>; issuedBy?: string };
    const fast = this.preEncodedAnswer(op, transaction);
    if (fast) {
      this.s.respond(op, fast, user);
      return;
    }
    const { response } = await this.answer(op, transaction, params, user, issuedBy);
    this.s.respond(op, this.encode(op, transaction, response), user);
  }

  /**
   * The same operation asked over HTTP by a logged-in `user` (the console's API): the same checks,
   * limits, audit and answer, without a transaction on the wire. `body` is the operation's params.
   */
  async ask(op: string, body: unknown, user: string, client: string): Promise<{ answer: Buffer; ok: boolean; refusal?: Refusal }> {
    if (!isOperation(op))
      return { answer: Buffer.from(JSON.stringify({ status: 'error', error: unknownOperation(op) })), ok: false, refusal: 'unknown' };
    const checked = requestCodec(op).validate({ transaction: 'http', issuedBy: client, params: body ?? {} });
    if (!checked.ok) {
      this.s.onInvalid(op, checked.reason);
      return {
        answer: Buffer.from(JSON.stringify({ status: 'error', error: `invalid request: ${checked.reason}` })),
        ok: false,
        refusal: 'invalid',
      };
    }
    const limit = this.s.limiter?.take(user);
    if (limit && !limit.allowed) {
      if (limit.firstRefusal)
        this.s.log.warn({ user, op, issuedBy: client }, 'rate limit: refusing requests from this user until they slow down');
      return { answer: Buffer.from(JSON.stringify({ status: 'error', error: tooMany(user) })), ok: false, refusal: 'rate' };
    }
    const fast = this.preEncodedAnswer(op, 'http');
    if (fast) return { answer: fast, ok: true };
    const { response, refusal } = await this.answer(
      op,
      'http',
      (checked.value as { params: OperationParams<typeof op> }).params,
      user,
      client,
    );
    const { bytes, sent } = this.encoded(op, 'http', response);
    return { answer: bytes, ok: sent === 'ok', ...(refusal ? { refusal } : {}) };
  }

  /** The answer of an operation whose owner encodes it (never an admin operation: no role rule to apply here). */
  private preEncodedAnswer(op: OperationName, transaction: string): Buffer | undefined {
    const encode = this.s.preEncoded?.[op];
    if (!encode || OPERATION_ROLE[op] === 'admin') return undefined;
    const started = performance.now();
    try {
      const bytes = encode(transaction);
      this.s.observe?.(op, 'ok', performance.now() - started);
      return bytes;
    } catch (err) {
      this.s.log.error({ op, transaction, err: errorMessage(err) }, 'could not encode the answer the fast way; answering the usual way');
      return undefined;
    }
  }

  /** The admin rule, the handler and its audit name: one answer, never a throw (the rate limit is checked before). */
  private async answer<O extends OperationName>(
    op: O,
    transaction: string,
    params: OperationParams<O>,
    user: string | undefined,
    issuedBy: string | undefined,
  ): Promise<{ response: OperationResponse<O>; refusal?: Refusal }> {
    // Enrolment answers carry credentials: never to an anonymous asker, whose answers anyone may read.
    if (user === undefined && OPERATION_ROLE[op] === 'admin') {
      return {
        response: { transaction, status: 'error', error: `"${op}" needs a login with the admin role` } as OperationResponse<O>,
        refusal: 'login',
      };
    }
    let response: OperationResponse<O>;
    const started = performance.now();
    try {
      const handler = this.handler(op);
      const by = user === undefined ? (issuedBy ?? 'mqtt-client') : issuedBy && issuedBy !== user ? `${user}${VIA}${issuedBy})` : user;
      const data = await handler(params, by);
      response = { transaction, status: 'ok', data } as OperationResponse<O>;
    } catch (err) {
      response = { transaction, status: 'error', error: errorMessage(err) } as OperationResponse<O>;
    }
    this.s.observe?.(op, response.status, performance.now() - started);
    return { response };
  }

  /** An answer that breaks the contract (a bug, or bad data from the store) goes out as an error, never as an exception. */
  private encode<O extends OperationName>(op: O, transaction: string, response: OperationResponse<O>): Buffer {
    return this.encoded(op, transaction, response).bytes;
  }

  /** The answer's bytes and the status they carry (an answer that cannot be encoded goes out as an error). */
  private encoded<O extends OperationName>(
    op: O,
    transaction: string,
    response: OperationResponse<O>,
  ): { bytes: Buffer; sent: 'ok' | 'error' } {
    try {
      return { bytes: responseCodec(op).encode(response), sent: response.status };
    } catch (err) {
      this.s.log.error({ op, transaction, err: errorMessage(err) }, 'could not encode the answer to a request; answering with an error');
      return {
        bytes: Buffer.from(
          JSON.stringify({ transaction, status: 'error', error: `the controller could not encode its answer: ${errorMessage(err)}` }),
        ),
        sent: 'error',
      };
    }
  }

  /** Answer a broken request when it carries a transaction we can echo; otherwise logging is all we can do. */
  private answerInvalid(op: string, payload: Buffer, error: string, user: string | undefined): void {
    // Only a bounded payload is read for its transaction (the limit applies to unknown operations too).
    if (payload.length > requestMaxBytes('profile.add')) return;
    let transaction: unknown;
    try {
      transaction = (JSON.parse(payload.toString('utf8')) as { transaction?: unknown }).transaction;
    } catch {
      transaction = undefined;
    }
    if (typeof transaction === 'string' && transaction.length > 0 && transaction.length <= 128) {
      this.s.respond(op, Buffer.from(JSON.stringify({ transaction, status: 'error', error })), user);
    }
  }
}
