/** The wall's layouts in the store (migration 8) through their operations' handlers: per person, per screen, checked when read back. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../controller/store/migrations.ts';
import { WallLayoutRows } from '../../controller/store/wall-layout-rows.ts';
import { wallLayoutHandlers } from '../../controller/wall-layout-handlers.ts';

function handlers() {
  const db = new Database(':memory:');
  migrate(db);
  const corrupt: string[] = [];
  let now = 1_000;
  const rows = new WallLayoutRows(db, (table, key, reason) => corrupt.push(`${table} ${key}: ${reason}`));
  const h = wallLayoutHandlers({ rows, now: () => (now += 1) });
  return { db, h, corrupt };
}

const TILES = [
  { id: 'studio-a/cam-2', size: '2x1' as const },
  { id: 'studio-a/cam-1', size: '1x1' as const, hidden: true },
];

describe('wall layouts', () => {
  it('a person’s layout is their own, whichever client they asked from', async () => {
    const { h } = handlers();
    const set = await h['wall.layout.set']({ studio: 'studio-a', tiles: TILES }, 'eve (via console)');
    expect(set).toEqual({
      owner: { kind: 'user', name: 'eve' },
      layout: { studio: 'studio-a', tiles: TILES, updatedAt: 1_001, updatedBy: 'eve (via console)' },
    });
    expect((await h['wall.layout.get']({}, 'eve')).layouts.map((l) => l.tiles)).toEqual([TILES]);
    expect(await h['wall.layout.get']({}, 'ed (via console)')).toEqual({ owner: { kind: 'user', name: 'ed' }, layouts: [] });
  });

  it('a screen’s layout is the screen’s, whoever set it, and apart from each person’s', async () => {
    const { h } = handlers();
    await h['wall.layout.set']({ screen: 'gallery-1', studio: 'studio-a', tiles: TILES }, 'eve (via console)');
    await h['wall.layout.set']({ screen: 'gallery-1', studio: 'studio-b', tiles: [{ id: 'studio-b/mic', size: '2x2' }] }, 'ed');
    const got = await h['wall.layout.get']({ screen: 'gallery-1' }, 'vic');
    expect(got.owner).toEqual({ kind: 'screen', name: 'gallery-1' });
    expect(got.layouts.map((l) => [l.studio, l.updatedBy])).toEqual([
      ['studio-a', 'eve (via console)'],
      ['studio-b', 'ed'],
    ]);
    expect((await h['wall.layout.get']({ screen: 'gallery-1', studio: 'studio-b' }, 'vic')).layouts).toHaveLength(1);
    expect((await h['wall.layout.get']({}, 'eve')).layouts).toEqual([]);
  });

  it('an empty layout removes it (the wall’s own order again); a tile named twice is refused', async () => {
    const { h } = handlers();
    await h['wall.layout.set']({ studio: '', tiles: TILES }, 'eve');
    expect(await h['wall.layout.set']({ studio: '', tiles: [] }, 'eve')).toEqual({ owner: { kind: 'user', name: 'eve' }, layout: null });
    expect((await h['wall.layout.get']({}, 'eve')).layouts).toEqual([]);
    expect(() => h['wall.layout.set']({ studio: 'studio-a', tiles: [TILES[0]!, TILES[0]!] }, 'eve')).toThrow(
      'tile "studio-a/cam-2" is in the layout twice',
    );
  });

  it('a row that does not match the contract (written by another version) is reported and skipped', async () => {
    const { db, h, corrupt } = handlers();
    await h['wall.layout.set']({ studio: 'studio-a', tiles: TILES }, 'eve');
    db.prepare("INSERT INTO wall_layouts VALUES ('user', 'eve', 'studio-b', '[{\"id\":\"x\",\"size\":\"3x3\"}]', 1, 'eve')").run();
    db.prepare("INSERT INTO wall_layouts VALUES ('user', 'eve', 'studio-c', 'not json', 1, 'eve')").run();
    expect((await h['wall.layout.get']({}, 'eve')).layouts.map((l) => l.studio)).toEqual(['studio-a']);
    expect(corrupt).toHaveLength(2);
    expect(corrupt[0]).toContain('wall_layouts user:eve:studio-b');
  });
});
