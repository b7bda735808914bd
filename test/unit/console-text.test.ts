/**
 * No words hard-coded in the console's pages: every text between tags, and every aria-label, title,
 * placeholder and alt written in an html`…` template of console/*.ts, comes from the message
 * catalogue (a `${t(…)}`), so the page speaks the studio's language. Latin letters written in the
 * template itself fail the test, listed as file:line. Only what is not words is exempt (ALLOWED).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(import.meta.dirname, '../../console');

/**
 * Pages whose words their own task moves into the catalogue this round (issue 24). The lead empties
 * this list at merge; a file here is not scanned.
 */
const PENDING = new Set<string>([]);

/** Text that is not words, per file: what it is and why it stays as written. */
const ALLOWED: Array<{ file: string; text: string; why: string }> = [];

const PLACEHOLDER = '\uE000'; // a private-use character: never in a page's source

/**
 * The file with everything but the literal text of html`…` templates blanked (newlines kept, so
 * offsets are the file's), each `${…}` one PLACEHOLDER. Nested templates (html`…` inside `${…}`)
 * are found too; other strings and code are blanked.
 */
export function templateText(source: string): string {
  const out = source.replace(/[^\n]/g, ' ').split('');
  const keep = (from: number, to: number) => {
    for (let i = from; i < to; i += 1) out[i] = source[i]!;
  };
  // Reads a template literal from its opening backtick; returns the index after its closing one.
  const template = (start: number, tagged: boolean): number => {
    let i = start + 1;
    let run = i;
    while (i < source.length) {
      const c = source[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        if (tagged) keep(run, i);
        return i + 1;
      } else if (c === '$' && source[i + 1] === '{') {
        if (tagged) (keep(run, i), (out[i] = PLACEHOLDER));
        i = expression(i + 2);
        run = i;
      } else i += 1;
    }
    return i;
  };
  // Reads code up to its closing brace (returns the index after it).
  const expression = (start: number): number => {
    let depth = 1;
    let i = start;
    while (i < source.length) {
      const c = source[i]!;
      if (c === '{') depth += 1;
      else if (c === '}' && (depth -= 1) === 0) return i + 1;
      else if (c === '"' || c === "'") i = quoted(i);
      else if (c === '`') {
        i = template(i, /\bhtml\s*$/.test(source.slice(Math.max(0, i - 8), i)));
        continue;
      }
      i += 1;
    }
    return i;
  };
  const quoted = (start: number): number => {
    let i = start + 1;
    while (i < source.length && source[i] !== source[start]) i += source[i] === '\\' ? 2 : 1;
    return i;
  };
  for (const m of source.matchAll(/\bhtml`/g)) {
    // Only templates the scan has not already read as nested ones.
    if (out[m.index + 4] === ' ') template(m.index + 4, true);
  }
  return out.join('');
}

export interface HardCoded {
  line: number;
  text: string;
}

const LATIN = /[A-Za-z]/;
const ATTRIBUTE = /\b(aria-label|title|placeholder|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Words written into the templates of one file. */
export function hardCoded(source: string): HardCoded[] {
  const text = templateText(source);
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  const found: HardCoded[] = [];
  for (const m of text.matchAll(ATTRIBUTE)) {
    const value = (m[2] ?? m[3] ?? '').replaceAll(PLACEHOLDER, '');
    if (LATIN.test(value)) found.push({ line: lineOf(m.index), text: `${m[1]}="${value}"` });
  }
  // Tags (<tr …>, </td>, <${Row} … />) blanked: what is left is the text between them.
  const between = text.replace(/<\/?[A-Za-z\uE000][^>]*>/g, (tag) => PLACEHOLDER + tag.slice(1).replace(/[^\n]/g, ' '));
  for (const m of between.matchAll(/[^\s\uE000]+(?:[ \t]+[^\s\uE000]+)*/g))
    if (LATIN.test(m[0])) found.push({ line: lineOf(m.index), text: m[0] });
  return found.sort((a, b) => a.line - b.line);
}

describe('no words hard-coded in the console', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !PENDING.has(f))
    .sort();

  it('finds words the way a page would show them (a self-check of the scan)', () => {
    const sample = [
      'const a = html`<p class="x">Loading ${t("x")}</p>`;',
      'const b = html`<td>${n} ms</td><button aria-label="close it" title=${t("y")}>×</button>`;',
      'const c = html`<div>${ok ? html`<span>ON AIR</span>` : null}</div>`;',
      "const d = `plain ${'template'}`; const e = html`<${Row} e=${x} /> <td>${t('k')}</td>`;",
    ].join('\n');
    expect(hardCoded(sample)).toEqual([
      { line: 1, text: 'Loading' },
      { line: 2, text: 'aria-label="close it"' },
      { line: 2, text: 'ms' },
      { line: 3, text: 'ON AIR' },
    ]);
  });

  it.each(files)('console/%s', (file) => {
    const found = hardCoded(readFileSync(path.join(dir, file), 'utf8')).filter(
      (h) => !ALLOWED.some((a) => a.file === file && a.text === h.text),
    );
    expect(found.map((h) => `console/${file}:${h.line}: ${h.text}`)).toEqual([]);
  });

  it('the pending list names files that exist', () => {
    const all = new Set(readdirSync(dir));
    expect([...PENDING].filter((f) => !all.has(f))).toEqual([]);
  });
});
