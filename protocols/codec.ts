/** Compiled validators for every payload, built once from the schemas. */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Static, TSchema } from '@sinclair/typebox';
import { TOPICS, requestSchema, responseSchema, type OperationName, type PayloadOf, type TopicName } from './contract.ts';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export class PayloadCodec<S extends TSchema> {
  private readonly check: TypeCheck<S>;
  constructor(schema: S) {
    this.check = TypeCompiler.Compile(schema);
  }

  decode(payload: Buffer | string): Decoded<Static<S>> {
    let value: unknown;
    try {
      value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch (err) {
      return { ok: false, reason: `not JSON: ${(err as Error).message}` };
    }
    return this.validate(value);
  }

  validate(value: unknown): Decoded<Static<S>> {
    if (this.check.Check(value)) return { ok: true, value };
    const first = this.check.Errors(value).First();
    const where = first?.path ? first.path : '(root)';
    return { ok: false, reason: first ? `${where}: ${first.message}` : 'does not match the schema' };
  }

  /** Encodes a payload we built ourselves; throws on a bug (a payload that breaks our own contract). */
  encode(value: Static<S>): Buffer {
    const checked = this.validate(value);
    if (!checked.ok) throw new Error(`refusing to publish an invalid payload: ${checked.reason}`);
    return Buffer.from(JSON.stringify(value));
  }
}

type TopicCodecs = { [N in TopicName]: PayloadCodec<(typeof TOPICS)[N]['schema']> };

export const codecs: TopicCodecs = Object.fromEntries(
  Object.entries(TOPICS).map(([name, s]) => [name, new PayloadCodec(s.schema)]),
) as TopicCodecs;

// Compiled on first use: agents never handle requests, so they never pay for their validators.
const requestCodecs = new Map<OperationName, PayloadCodec<TSchema>>();
const responseCodecs = new Map<OperationName, PayloadCodec<TSchema>>();

export function requestCodec<O extends OperationName>(op: O): PayloadCodec<ReturnType<typeof requestSchema<O>>> {
  let codec = requestCodecs.get(op);
  if (!codec) requestCodecs.set(op, (codec = new PayloadCodec(requestSchema(op))));
  return codec as PayloadCodec<ReturnType<typeof requestSchema<O>>>;
}
export function responseCodec<O extends OperationName>(op: O): PayloadCodec<ReturnType<typeof responseSchema<O>>> {
  let codec = responseCodecs.get(op);
  if (!codec) responseCodecs.set(op, (codec = new PayloadCodec(responseSchema(op))));
  return codec as PayloadCodec<ReturnType<typeof responseSchema<O>>>;
}

export const encode = <N extends TopicName>(name: N, value: PayloadOf<N>): Buffer => codecs[name].encode(value as never);
