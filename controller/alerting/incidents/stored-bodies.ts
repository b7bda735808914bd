/**
 * The `body` column of the alerting tables read back like every stored row (controller/store/stored-rows.ts):
 * parsed and checked against its schema; one that is not JSON or no longer matches is reported and
 * skipped, so one bad row never breaks a list, a page or a month's review.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { checkedRows, parseJson, type CorruptRowHandler } from '../../store/stored-rows.ts';

export function storedBodies<S extends TSchema>(
  schema: S,
  table: string,
  rows: ReadonlyArray<{ key: string | number; body: string }>,
  onCorrupt: CorruptRowHandler,
): Array<Static<S>> {
  const values: Array<{ key: string; value: unknown }> = [];
  for (const r of rows) {
    const parsed = parseJson(r.body);
    if (parsed.ok) values.push({ key: String(r.key), value: parsed.value });
    else onCorrupt(table, String(r.key), parsed.reason);
  }
  return checkedRows(schema, table, values, onCorrupt);
}
