/**
 * Loads YAML config against a TypeBox schema and reports every problem as
 * `file:line:col: path: message (hint)`, never a half-loaded config.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, parseDocument, type Document } from 'yaml';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  hint?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return `${where}: ${p.path || '(top level)'}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { file, line: 0, column: 0, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` },
    ]);
  }
}

export function loadYamlFile<S extends TSchema>(file: string, schema: S, nested?: (value: Static<S>) => NestedSchema[]): Static<S> {
  return parseYamlConfig(readConfigText(file), file, schema, nested);
}

/** A part of the config whose schema depends on another field (a device's driver decides its options). */
export interface NestedSchema {
  path: string[];
  schema: TSchema;
}

export function parseYamlConfig<S extends TSchema>(
  text: string,
  file: string,
  schema: S,
  nested: (value: Static<S>) => NestedSchema[] = () => [],
): Static<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const report = (errors: Iterable<ValueError>, prefix: string[]): ConfigProblem[] =>
    [...errors].map((e) => toProblem(e, prefix, doc, lineCounter, file));
  // Defaults first, so "missing optional field" is never an error; Check then sees the final value.
  const value = Value.Default(schema, structuredClone(raw)) as Static<S>;
  const check = TypeCompiler.Compile(schema);
  const problems: ConfigProblem[] = check.Check(value) ? [] : report(check.Errors(value), []);
  // The parts that depend on another field are checked too, as far as the shape allows, so one run
  // shows every problem (a technician should not fix a file in two rounds).
  for (const part of nestedParts(nested, value)) {
    const holder = getAt(value, part.path.slice(0, -1));
    if (typeof holder !== 'object' || holder === null) continue;
    const key = part.path.at(-1)!;
    const record = holder as Record<string, unknown>;
    record[key] = Value.Default(part.schema, record[key] ?? {});
    const partCheck = TypeCompiler.Compile(part.schema);
    if (!partCheck.Check(record[key])) problems.push(...report(partCheck.Errors(record[key]), part.path));
  }
  if (problems.length > 0) throw new ConfigError(dedupe(problems));
  return value;
}

/** A value that failed its schema may be too broken to look into: then there is nothing more to check. */
function nestedParts<T>(nested: (value: T) => NestedSchema[], value: T): NestedSchema[] {
  try {
    return nested(value);
  } catch {
    return [];
  }
}

function getAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

function toProblem(error: ValueError, prefix: string[], doc: Document, lines: LineCounter, file: string): ConfigProblem {
  const segments = [...prefix, ...error.path.split('/').slice(1).map(unescapePointer)];
  let message = error.message;
  let hint: string | undefined;
  let nodePath = segments;
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    // TypeBox points at the unknown key itself (or, in some versions, at the object holding it).
    const known = Object.keys((error.schema as TObject).properties ?? {});
    const last = segments.at(-1);
    const pointsAtKey = last !== undefined && !known.includes(last);
    const unknownKey = pointsAtKey ? last : findUnknownKey(doc, segments, error.schema);
    if (unknownKey !== undefined) {
      nodePath = pointsAtKey ? segments : [...segments, unknownKey];
      message = `unknown field "${unknownKey}"`;
      const near = closest(unknownKey, known);
      hint = near ? `did you mean "${near}"?` : `valid fields: ${known.join(', ')}`;
    }
  } else if (error.type === ValueErrorType.ObjectRequiredProperty || error.value === undefined) {
    message = 'is required';
  } else if (error.type === ValueErrorType.StringPattern && error.schema.description) {
    message = `${JSON.stringify(error.value)} is not valid: ${error.schema.description}`;
  } else if (error.type === ValueErrorType.Union || error.type === ValueErrorType.Literal) {
    const options = literalOptions(error.schema);
    const shapes = objectShapes(error.schema);
    if (options.length > 0) {
      message = `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      const near = typeof error.value === 'string' ? closest(error.value, options.map(String)) : undefined;
      if (near) hint = `did you mean "${near}"?`;
    } else if (shapes.length > 0) {
      message = `must be one of ${shapes.join(', ')}`;
    }
  }
  const pos = positionOf(doc, lines, nodePath);
  return { file, line: pos.line, column: pos.col, path: nodePath.join('.'), message, hint };
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function findUnknownKey(doc: Document, segments: string[], schema: TSchema): string | undefined {
  const node = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
  if (!isMap(node)) return undefined;
  const known = new Set(Object.keys((schema as TObject).properties ?? {}));
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (!known.has(key)) return key;
  }
  return undefined;
}

type Ranged = { range?: [number, number, number]; value?: unknown } | null | undefined;

/** Line and column of a field's key (or the closest existing ancestor: a missing field points at its parent). */
function positionOf(doc: Document, lines: LineCounter, segments: string[]): { line: number; col: number } {
  for (let n = segments.length; n >= 0; n -= 1) {
    const path = segments.slice(0, n);
    if (n > 0) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => String((p.key as Ranged)?.value) === path[n - 1]);
        const keyRange = (pair?.key as Ranged)?.range;
        if (keyRange) return lines.linePos(keyRange[0]);
      }
    }
    const range = ((n === 0 ? doc.contents : doc.getIn(path, true)) as Ranged)?.range;
    if (range) return lines.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

function literalOptions(schema: TSchema): Array<string | number | boolean> {
  if (schema[Kind] === 'Literal') return [schema.const as string];
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf) return [];
  return anyOf.every((s) => s[Kind] === 'Literal') ? anyOf.map((s) => s.const as string) : [];
}

/** A union of objects, as a technician reads its choices: `{ url }, { fromDriver: "stream", mediaProfile? }`. */
function objectShapes(schema: TSchema): string[] {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf?.length || !anyOf.every((s) => s[Kind] === 'Object')) return [];
  return anyOf.map((variant) => {
    const required = new Set((variant as TObject).required ?? []);
    const fields = Object.entries((variant as TObject).properties).map(([name, field]) => {
      if (field[Kind] === 'Literal') return `${name}: ${JSON.stringify(field.const)}`;
      return required.has(name) ? name : `${name}?`;
    });
    return `{ ${fields.join(', ')} }`;
  });
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The candidate within edit distance 2 (or a third of the word), or the only one that extends it, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  // A name that grew a suffix (cameraErrors → cameraErrorsPerMin) is still the one meant.
  const extended = candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  return extended.length === 1 ? extended[0] : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
