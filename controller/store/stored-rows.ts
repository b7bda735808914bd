/**
 * Rows read back from SQLite are checked against their schema, like any other input: a row written
 * by an older version (or by a bug) is reported and skipped, never allowed to crash the controller
 * on every start.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Static, TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, type ControllerEvent, type EventTypeName } from '../../protocols/events.ts';

export type CorruptRowHandler = (table: string, key: string, reason: string) => void;

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  return check as TypeCheck<S>;
}

/** The values that match `schema`; each one that does not is reported with its key and the first error. */
export function checkedRows<S extends TSchema>(
  schema: S,
  table: string,
  values: Iterable<{ key: string; value: unknown }>,
  onCorrupt: CorruptRowHandler,
): Array<Static<S>> {
  const kept: Array<Static<S>> = [];
  for (const { key, value } of values) if (matches(schema, table, key, value, onCorrupt)) kept.push(value);
  return kept;
}

/** Whether one row matches `schema`; one that does not is reported with its key and the first error. */
function matches<S extends TSchema>(
  schema: S,
  table: string,
  key: string,
  value: unknown,
  onCorrupt: CorruptRowHandler,
): value is Static<S> {
  const check = checker(schema);
  if (check.Check(value)) return true;
  const first = check.Errors(value).First();
  onCorrupt(table, key, first ? `${first.path || '(root)'}: ${first.message}` : 'does not match its schema');
  return false;
}

/**
 * Events read back: each checked against its own type's schema, so the report names the field that
 * is wrong (a union check would only say "Expected union value"); a type this version does not know
 * is reported too.
 */
export function checkedEvents(values: Array<{ key: string; value: { type?: unknown } }>, onCorrupt: CorruptRowHandler): ControllerEvent[] {
  const kept: ControllerEvent[] = [];
  for (const { key, value } of values) {
    const type = value.type;
    if (typeof type !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, type)) {
      onCorrupt('events', key, `unknown event type ${JSON.stringify(type)} (written by a newer version?)`);
      continue;
    }
    if (matches(EVENT_SCHEMAS[type as EventTypeName], 'events', key, value, onCorrupt)) kept.push(value as ControllerEvent);
  }
  return kept;
}

/** JSON text from a row, or the reason it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
}
