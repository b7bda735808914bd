/**
 * A runbook file: YAML front matter (id, kind, role?, title) between `---` lines, then its markdown.
 * The repository's runbooks/*.md and a technician's `onair runbook add <file.md>` read alike.
 */
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { Type, type Static } from '@sinclair/typebox';
import { Runbook } from '../../../protocols/alerting.ts';

/** What a file says: the runbook less where it came from and when. */
export const RunbookFile = Type.Pick(Runbook, ['id', 'kind', 'role', 'title', 'markdown']);
export type RunbookFile = Static<typeof RunbookFile>;

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** The runbook a file holds, or an error naming the file and what is wrong. */
export function parseRunbookFile(text: string, name: string): RunbookFile {
  const m = FRONT.exec(text);
  if (!m) throw new Error(`${name}: a runbook starts with YAML front matter between --- lines (id, kind, role, title)`);
  const meta = (parse(m[1]!) ?? {}) as Record<string, unknown>;
  const candidate = { ...meta, markdown: m[2]!.trim() };
  if (!Value.Check(RunbookFile, candidate)) {
    const first = [...Value.Errors(RunbookFile, candidate)][0];
    throw new Error(`${name}: ${first ? `${first.path || '/'} ${first.message}` : 'not a runbook'}`);
  }
  return candidate;
}
