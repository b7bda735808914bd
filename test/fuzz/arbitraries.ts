/**
 * Inputs for fuzzing, built from the same schemas the code validates with: values shaped like a
 * payload (to get past validation and reach the handlers), the same values broken at one spot (a
 * subtree replaced, a key dropped or added, nesting thousands deep, numbers at their edges), and
 * their bytes truncated, flipped or replaced by noise.
 */
import fc from 'fast-check';
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';

export interface Hints {
  /** Ids that exist (devices, slots, profiles): used often for id-shaped strings, so handlers get past "not found". */
  ids?: readonly string[];
  /** The time the code under test thinks it is: integers that can be times are drawn near it too. */
  now?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = TSchema & {
  properties?: Record<string, TSchema>;
  required?: string[];
  anyOf?: TSchema[];
  items?: TSchema;
  patternProperties?: Record<string, TSchema>;
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
};

const MAX_DEPTH = 8;

/** Values the schema accepts (almost always: a pattern is honoured, cross-field rules are not). */
export function shapedLike(schema: TSchema, hints: Hints = {}, depth = 0): fc.Arbitrary<unknown> {
  const s = schema as SchemaNode;
  if (depth > MAX_DEPTH) return fc.constant(null);
  switch (s[Kind]) {
    case 'Object': {
      const properties = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, shapedLike(v, hints, depth + 1)]));
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k) && !(OptionalKind in properties[k]!));
      return fc.record(model, { requiredKeys });
    }
    case 'Union':
      return fc.oneof(...(s.anyOf ?? []).map((m) => shapedLike(m, hints, depth + 1)));
    case 'Array':
      return fc.array(shapedLike(s.items!, hints, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)),
      });
    case 'Record': {
      const [pattern, value] = Object.entries(s.patternProperties ?? {})[0] ?? ['^.*$', {} as TSchema];
      return fc.dictionary(keyMatching(pattern), shapedLike(value, hints, depth + 1), { maxKeys: 4 });
    }
    case 'Literal':
      return fc.constant(s.const);
    case 'Boolean':
      return fc.boolean();
    case 'Null':
      return fc.constant(null);
    case 'Integer': {
      const range = fc.integer({ min: lowest(s, -1e6, 1), max: highest(s, 1e6, 1) });
      const now = hints.now;
      // A time: mostly within a day of now, where shows start and schedules fire.
      if (now === undefined || lowest(s, -1e6, 1) > now || highest(s, 1e6, 1) < now + 86_400_000) return range;
      return fc.oneof(
        range,
        fc.integer({ min: -86_400_000, max: 86_400_000 }).map((d) => now + d),
      );
    }
    case 'Number':
      return fc.oneof(
        fc.integer({ min: lowest(s, -1e6, 1), max: highest(s, 1e6, 1) }),
        fc.double({ min: lowest(s, -1e6, 1e-9), max: highest(s, 1e6, 1e-9), noNaN: true, noDefaultInfinity: true }),
      );
    case 'String':
      return stringLike(s, hints);
    default: // Unknown, Any
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const lowest = (s: SchemaNode, fallback: number, step: number): number =>
  s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + step : (s.minimum ?? fallback);
const highest = (s: SchemaNode, fallback: number, step: number): number =>
  s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - step : (s.maximum ?? Math.max(fallback, lowest(s, fallback, step)));

function keyMatching(pattern: string): fc.Arbitrary<string> {
  const re = new RegExp(pattern);
  return fc.stringMatching(re).filter((k) => k.length <= 64 && re.test(k));
}

function stringLike(s: SchemaNode, hints: Hints): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 200);
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Infinity);
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const matching = fc.stringMatching(re).filter((v) => fits(v) && re.test(v));
    const known = (hints.ids ?? []).filter((id) => re.test(id) && fits(id));
    return known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: matching, weight: 1 }) : matching;
  }
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme' });
}

/** Too big to build as values (JSON.stringify would overflow the stack, or cost more than the check): spliced into the text by bytesOf. */
const DEEP = '\u0000deep:';
const HUGE = '\u0000huge:';
const deepMarker = (depth: number): string => `${DEEP}${depth}`;
const MARKERS_IN_TEXT = /"\\u0000(deep|huge):(\d+)"/g;
const expand = (_m: string, kind: string, n: string): string =>
  kind === 'deep' ? `${'['.repeat(Number(n))}null${']'.repeat(Number(n))}` : `"${'x'.repeat(Number(n))}"`;

type Mutation =
  | { kind: 'replace'; with: Json }
  | { kind: 'drop' }
  | { kind: 'add'; key: string; value: Json }
  | { kind: 'nest'; depth: number }
  | { kind: 'huge-string'; length: number }
  | { kind: 'number'; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => ({ kind: 'replace' as const, with: v as Json })), weight: 4 },
  { arbitrary: fc.constant({ kind: 'drop' as const }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.string({ maxLength: 12 })),
      value: fc.jsonValue({ maxDepth: 1 }).map((v) => v as Json),
    }),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(33, 200, 5_000).map((depth) => ({ kind: 'nest' as const, depth })), weight: 1 },
  // Just over the 64 KiB and 256 KiB payload limits (spliced in as text: building them as values costs more than the rest of the run).
  { arbitrary: fc.constantFrom(66_000, 263_000).map((length) => ({ kind: 'huge-string' as const, length })), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(-1, -0, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 31, 4_294_967_296, Number.MIN_VALUE)
      .map((value) => ({ kind: 'number' as const, value })),
    weight: 2,
  },
);

/** The value with one spot broken: the root or any member, chosen at random. */
export function brokenAtOneSpot(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), mutation).map(([value, pick, m]) => {
    const root: { v: Json } = { v: structuredClone(value) as Json };
    const spots: Array<[Record<string, Json> | Json[], string | number]> = [[root as unknown as Record<string, Json>, 'v']];
    collectSpots(root.v, spots);
    const [parent, key] = spots[pick % spots.length]!;
    apply(parent as Record<string | number, Json>, key, m);
    return root.v;
  });
}

function collectSpots(value: Json, into: Array<[Record<string, Json> | Json[], string | number]>): void {
  if (Array.isArray(value)) value.forEach((v, i) => (into.push([value, i]), collectSpots(v, into)));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) (into.push([value, k]), collectSpots(v, into));
}

function apply(parent: Record<string | number, Json>, key: string | number, m: Mutation): void {
  switch (m.kind) {
    case 'replace':
      parent[key] = m.with;
      return;
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return;
    case 'add': {
      const target = parent[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      else parent[key] = { [m.key]: m.value };
      return;
    }
    case 'nest': {
      if (m.depth > 200) {
        parent[key] = deepMarker(m.depth); // JSON.stringify would overflow the stack: spliced in as text by bytesOf
        return;
      }
      let inner: Json = parent[key]!;
      for (let i = 0; i < m.depth; i += 1) inner = [inner];
      parent[key] = inner;
      return;
    }
    case 'huge-string':
      parent[key] = `${HUGE}${m.length}`;
      return;
    case 'number':
      parent[key] = m.value;
  }
}

/** JSON text of a value, sometimes cut short, a byte flipped, or noise appended. */
function bytesOf(values: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(values, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('whole', 'whole', 'truncated', 'flipped', 'noise'))
    .map(([value, at, byte, how]) => {
      const text = (JSON.stringify(value) ?? 'null').replace(MARKERS_IN_TEXT, expand);
      const bytes = Buffer.from(text);
      if (how === 'truncated') return bytes.subarray(0, at % (bytes.length + 1));
      if (how === 'flipped' && bytes.length > 0) bytes[at % bytes.length] = byte;
      if (how === 'noise') return Buffer.concat([bytes, Buffer.from([byte, 0xff, 0x00])]);
      return bytes;
    });
}

/** Any payload an MQTT client could send where `schema` is expected. */
export function payloadBytes(schema: TSchema, hints: Hints = {}): fc.Arbitrary<Buffer> {
  const shaped = shapedLike(schema, hints);
  return fc.oneof(
    { arbitrary: bytesOf(shaped), weight: 3 },
    { arbitrary: bytesOf(brokenAtOneSpot(shaped)), weight: 4 },
    { arbitrary: bytesOf(fc.jsonValue({ maxDepth: 4 })), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), weight: 1 },
    {
      arbitrary: fc
        .constantFrom('[', '{"a":', '"')
        .chain((open) => fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from(open.repeat(n)))),
      weight: 1,
    },
  );
}

/** A byte stream cut into chunks as a serial port or socket delivers it: frames from `frames`, noise, cut-offs. */
export function byteStream(frames: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer[]> {
  const piece = fc.oneof(
    { arbitrary: frames, weight: 4 },
    { arbitrary: fc.tuple(frames, fc.nat()).map(([f, at]) => f.subarray(0, at % (f.length + 1))), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 2 },
    {
      arbitrary: fc.integer({ min: 0, max: 255 }).chain((b) => fc.integer({ min: 1, max: 3_000 }).map((n) => new Uint8Array(n).fill(b))),
      weight: 1,
    },
  );
  return fc
    .tuple(fc.array(piece, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }))
    .map(([pieces, cuts]) => {
      const all = Buffer.concat(pieces.map((p) => Buffer.from(p)));
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < all.length; i += 1) {
        const size = cuts[i % cuts.length]!;
        chunks.push(all.subarray(at, at + size));
        at += size;
      }
      return chunks;
    });
}
