/**
 * Every relative link in the README, the changelog and docs/ leads somewhere: the file or folder
 * exists and, for a link into a Markdown page, the heading its #anchor names is there (GitHub's
 * slugs). The README was split into docs/ pages; a page renamed or a heading reworded would otherwise
 * leave links that go nowhere, found only by a reader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? markdownUnder(full) : full.endsWith('.md') ? [full] : [];
  });
}

/** The text outside fenced code blocks, where a heading is a heading. */
const withoutFences = (text: string): string => text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');

/** The text outside code blocks and inline code, where a link is a link. */
const prose = (text: string): string => withoutFences(text).replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every broken relative link of one Markdown file, as `file: target (why)`. */
function brokenLinks(file: string, read: (f: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const text = read(file);
  const targets = [...prose(text).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  return targets.flatMap((target) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return []; // http:, https:, mailto:
    const [pathPart = '', anchor] = target.split('#', 2);
    const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
    const where = `${path.relative(root, file)}: ${target}`;
    if (!existsSync(resolved)) return [`${where} (no such file)`];
    if (anchor === undefined || anchor === '' || !resolved.endsWith('.md')) return [];
    return headingAnchors(read(resolved)).has(decodeURIComponent(anchor)) ? [] : [`${where} (no such heading)`];
  });
}

describe('documentation links', () => {
  it('makes anchors as GitHub does', () => {
    expect([
      ...headingAnchors(
        "# The controller's rooms\n## The `onair` command\n## Two controllers on PostgreSQL\n### History: kept, read bounded\n## Two controllers on PostgreSQL\n```\n# not a heading\n```\n",
      ),
    ]).toEqual([
      'the-controllers-rooms',
      'the-onair-command',
      'two-controllers-on-postgresql',
      'history-kept-read-bounded',
      'two-controllers-on-postgresql-1',
    ]);
  });

  it('finds a missing file and a missing heading, and leaves code and web links alone', () => {
    const files: Record<string, string> = {
      [path.join(root, 'a.md')]:
        '[ok](README.md) [gone](nowhere.md) [bad anchor](README.md#no-such-part) `[code](x.md)` [web](https://example.com/x.md)\n',
    };
    const read = (f: string) => files[f] ?? readFileSync(f, 'utf8');
    expect(brokenLinks(path.join(root, 'a.md'), read)).toEqual([
      'a.md: nowhere.md (no such file)',
      'a.md: README.md#no-such-part (no such heading)',
    ]);
  });

  it('has no broken relative link in README.md, CHANGELOG.md or docs/', () => {
    const files = [path.join(root, 'README.md'), path.join(root, 'CHANGELOG.md'), ...markdownUnder(path.join(root, 'docs'))].filter((f) =>
      existsSync(f),
    );
    expect(files.flatMap((f) => brokenLinks(f))).toEqual([]);
  });
});
