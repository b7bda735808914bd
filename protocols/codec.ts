/** Compiled validators for every payload, built once from the schemas. */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/errors';
import {
  RESPONSE_MAX_BYTES,
  TOPICS,
  requestMaxBytes,
  requestSchema,
  responseSchema,
  type OperationName,
  type PayloadOf,
  type TopicName,
} from './contract.ts';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** No OnAir payload nests deeper; a request nested thousands of levels deep once overflowed the stack. */
export const MAX_NESTING = 32;

/** How deep objects and arrays nest, found by one pass over the bytes (strings skipped), stopping past `limit`. */
export function nestingDepth(bytes: Buffer, limit = MAX_NESTING): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i += 1; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (b === 0x7d || b === 0x5d) depth -= 1;
  }
  return deepest;
}

export class PayloadCodec<S extends TSchema> {
  private readonly check: TypeCheck<S>;
  constructor(
    private readonly schema: S,
    /** Bigger payloads are refused before they are parsed. */
    readonly maxBytes: number,
  ) {
    this.check = TypeCompiler.Compile(schema);
  }

  /** Bounds size and nesting before parsing, then validates: never throws, whatever arrives. */
  decode(payload: Buffer | string): Decoded<Static<S>> {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (bytes.length > this.maxBytes)
      return { ok: false, reason: `payload of ${bytes.length} bytes is over the ${this.maxBytes}-byte limit` };
    if (nestingDepth(bytes) > MAX_NESTING) return { ok: false, reason: `payload nests deeper than ${MAX_NESTING} levels` };
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return { ok: false, reason: `not JSON: ${(err as Error).message}` };
    }
    return this.validate(value);
  }

  validate(value: unknown): Decoded<Static<S>> {
    if (this.check.Check(value)) return { ok: true, value };
    const first = mostSpecificError(this.schema, value);
    const where = first?.path ? first.path : '(root)';
    return { ok: false, reason: first ? `${where}: ${first.message}` : 'does not match the schema' };
  }

  /** Encodes a payload we built ourselves; throws on a bug (a payload that breaks our own contract): callers catch it. */
  encode(value: Static<S>): Buffer {
    const checked = this.validate(value);
    if (!checked.ok) throw new Error(`refusing to publish an invalid payload: ${checked.reason}`);
    return Buffer.from(JSON.stringify(value));
  }
}

/**
 * The first error, looking inside unions (a response is `ok | error`): "(root): Expected union value"
 * tells nobody which field was wrong. Only runs on the error path.
 */
function mostSpecificError(schema: TSchema, value: unknown): ValueError | undefined {
  const first = Value.Errors(schema, value).First();
  const members = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!first || !members || first.path !== '') return first;
  const inner = members.map((m) => mostSpecificError(m, value)).filter((e): e is ValueError => e !== undefined);
  return inner.sort((a, b) => b.path.length - a.path.length)[0] ?? first;
}

export type TopicCodecs = { [N in TopicName]: PayloadCodec<(typeof TOPICS)[N]['schema']> };

export const codecs: TopicCodecs = Object.fromEntries(
  Object.entries(TOPICS).map(([name, s]) => [name, new PayloadCodec(s.schema, s.maxBytes)]),
) as TopicCodecs;

// Compiled on first use: agents never handle requests, so they never pay for their validators.
const requestCodecs = new Map<OperationName, PayloadCodec<TSchema>>();
const responseCodecs = new Map<OperationName, PayloadCodec<TSchema>>();

export function requestCodec<O extends OperationName>(op: O): PayloadCodec<ReturnType<typeof requestSchema<O>>> {
  let codec = requestCodecs.get(op);
  if (!codec) requestCodecs.set(op, (codec = new PayloadCodec(requestSchema(op), requestMaxBytes(op))));
  return codec as PayloadCodec<ReturnType<typeof requestSchema<O>>>;
}
export function responseCodec<O extends OperationName>(op: O): PayloadCodec<ReturnType<typeof responseSchema<O>>> {
  let codec = responseCodecs.get(op);
  if (!codec) responseCodecs.set(op, (codec = new PayloadCodec(responseSchema(op), RESPONSE_MAX_BYTES)));
  return codec as PayloadCodec<ReturnType<typeof responseSchema<O>>>;
}

export const encode = <N extends TopicName>(name: N, value: PayloadOf<N>): Buffer => codecs[name].encode(value as never);
