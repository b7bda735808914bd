/**
 * controller/requests/{op} → controller/responses/{op}: any MQTT client (mosquitto_pub,
 * Node-RED, a Stream Deck plugin, the onair CLI) can drive OnAir. Every request is
 * validated; every answer echoes its transaction as `{status: ok, data}` or `{status: error, error}`.
 */
import type { Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/timeout.ts';
import { requestCodec, responseCodec } from '../protocols/codec.ts';
import { isOperation, type OperationData, type OperationName, type OperationParams, type OperationResponse } from '../protocols/contract.ts';

export type Handlers = { [O in OperationName]: (params: OperationParams<O>, issuedBy: string) => Promise<OperationData<O>> | OperationData<O> };

export interface RequestRouterSettings {
  handlers: Handlers;
  respond: (op: OperationName, payload: Buffer) => void;
  log: Logger;
  onInvalid: (op: string, reason: string) => void;
}

export class RequestRouter {
  constructor(private readonly s: RequestRouterSettings) {}

  async handle(op: string, payload: Buffer): Promise<void> {
    if (!isOperation(op)) {
      this.s.onInvalid(op, `unknown operation "${op}"`);
      this.answerInvalid(undefined, payload, `unknown operation "${op}"`);
      return;
    }
    await this.run(op, payload);
  }

  private async run<O extends OperationName>(op: O, payload: Buffer): Promise<void> {
    const decoded = requestCodec(op).decode(payload);
    if (!decoded.ok) {
      this.s.onInvalid(op, decoded.reason);
      this.answerInvalid(op, payload, `invalid request: ${decoded.reason}`);
      return;
    }
    const { transaction, params, issuedBy } = decoded.value as { transaction: string; params: OperationParams<O>; issuedBy?: string };
    let response: OperationResponse<O>;
    try {
      const handler = this.s.handlers[op] as (p: OperationParams<O>, by: string) => Promise<OperationData<O>> | OperationData<O>;
      const data = await handler(params, issuedBy ?? 'mqtt-client');
      response = { transaction, status: 'ok', data } as OperationResponse<O>;
    } catch (err) {
      response = { transaction, status: 'error', error: errorMessage(err) } as OperationResponse<O>;
    }
    this.s.respond(op, responseCodec(op).encode(response));
  }

  /** Answer a broken request when it carries a transaction we can echo; otherwise logging is all we can do. */
  private answerInvalid(op: OperationName | undefined, payload: Buffer, error: string): void {
    let transaction: unknown;
    try {
      transaction = (JSON.parse(payload.toString('utf8')) as { transaction?: unknown }).transaction;
    } catch {
      transaction = undefined;
    }
    if (op && typeof transaction === 'string' && transaction.length > 0) {
      this.s.respond(op, Buffer.from(JSON.stringify({ transaction, status: 'error', error })));
    }
  }
}
