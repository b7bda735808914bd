/** Runbooks: the repository's files parse, the most specific one wins, a stored one replaces the repository's. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { packageRoot } from '../../../lib/paths.ts';
import { migrate } from '../../../controller/store/migrations.ts';
import { parseRunbookFile } from '../../../controller/alerting/runbooks/front-matter.ts';
import { readRunbookDir, RunbookShelf, runbookHandlers } from '../../../controller/alerting/runbooks/runbook-library.ts';

const REPOSITORY = path.join(packageRoot(), 'runbooks');

function shelf(dir = REPOSITORY) {
  const db = new Database(':memory:');
  migrate(db);
  const recorded: unknown[] = [];
  return { recorded, shelf: new RunbookShelf({ db, clock: new ManualClock(), log: silentLogger(), record: (e) => recorded.push(e), dir }) };
}

describe('runbooks', () => {
  it("the repository's runbooks all parse, each in both languages", () => {
    const all = readRunbookDir(REPOSITORY, silentLogger(), 0);
    expect(all.map((r) => `${r.kind}/${r.role ?? '*'}`).sort()).toEqual([
      'agent-lost/*',
      'content/encoder',
      'content/program',
      'device/camera',
      'device/encoder',
      'endurance/mic',
      'slot-down/*',
    ]);
    for (const r of all) expect(r.markdown, r.id).toMatch(/[\u4e00-\u9fff]/);
    for (const r of all) expect(r.markdown, r.id).toMatch(/What you see/);
  });

  it('an alert gets the runbook of its kind and role, else of its kind alone', () => {
    const { shelf: s } = shelf();
    expect(s.forAlert('device', 'camera')?.id).toBe('camera-failed');
    expect(s.forAlert('content', 'program')?.id).toBe('program-black');
    expect(s.forAlert('agent-lost', 'camera')?.id).toBe('agent-lost');
    expect(s.forAlert('device', 'light')).toBeUndefined();
    expect(s.forAlert('preshow', undefined)).toBeUndefined();
  });

  it("a technician's runbook is stored, wins over the repository's of the same id, and is recorded", async () => {
    const { shelf: s, recorded } = shelf();
    const h = runbookHandlers(s);
    const mine = {
      id: 'camera-failed',
      kind: 'device' as const,
      role: 'camera',
      title: 'Studio A camera',
      markdown: 'Spare in cabinet 7.',
    };
    expect(await h['runbook.add'](mine, 'li')).toMatchObject({ ...mine, source: 'store', updatedBy: 'li' });
    expect(s.forAlert('device', 'camera')).toMatchObject({ title: 'Studio A camera', source: 'store' });
    expect((await h['runbook.list']({}, 'li')).runbooks.filter((r) => r.id === 'camera-failed')).toHaveLength(1);
    expect(await h['runbook.show']({ kind: 'device', role: 'camera' }, 'li')).toMatchObject({ markdown: 'Spare in cabinet 7.' });
    expect(recorded).toEqual([
      expect.objectContaining({ type: 'people.changed', data: { what: 'runbook', id: 'camera-failed', change: 'updated' } }),
    ]);
    await expect(async () => h['runbook.show']({ id: 'nope' }, 'li')).rejects.toThrow('no runbook "nope"');
  });

  it('a file without front matter or with a wrong kind is refused with its name; the library skips it', () => {
    expect(() => parseRunbookFile('# just markdown', 'a.md')).toThrow('a.md: a runbook starts with YAML front matter');
    expect(() => parseRunbookFile('---\nid: x\nkind: nope\ntitle: X\n---\nbody', 'b.md')).toThrow(/^b\.md: \/kind/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    try {
      writeFileSync(path.join(dir, 'bad.md'), 'no front matter');
      writeFileSync(path.join(dir, 'ok.md'), '---\nid: ok\nkind: controller\ntitle: Controller trouble\n---\nCheck the disk.\n');
      expect(
        shelf(dir)
          .shelf.all()
          .map((r) => r.id),
      ).toEqual(['ok']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
