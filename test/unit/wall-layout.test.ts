/** A wall's arrangement (console/wall-layout.ts): a layout applied to the tiles there are, the Arrange mode's edits, the kiosk grid. */
import { describe, expect, it } from 'vitest';
import type { LayoutTile, TileSize } from '../../protocols/wall-operations.ts';
import { arrange, changeTile, draftOf, gridFor, moveTile, rowsNeeded, spanOf, studioKey } from '../../console/wall-layout.ts';

const shown = (tiles: string[], layout: LayoutTile[] | undefined) =>
  arrange(tiles, (t) => t, layout).map(({ tile, size }) => (size === '1x1' ? tile : `${tile}:${size}`));

describe('arrange: a layout applied to the tiles there are', () => {
  const TILES = ['a/cam-1', 'a/cam-2', 'a/mic-1'];
  const cases: Array<[string, LayoutTile[] | undefined, string[]]> = [
    ['no layout: the wall’s own order, every tile 1×1', undefined, TILES],
    ['an empty layout is no layout', [], TILES],
    [
      'the layout’s order and sizes',
      [
        { id: 'a/mic-1', size: '2x2' },
        { id: 'a/cam-1', size: '1x1' },
        { id: 'a/cam-2', size: '2x1' },
      ],
      ['a/mic-1:2x2', 'a/cam-1', 'a/cam-2:2x1'],
    ],
    [
      'a hidden tile is omitted',
      [
        { id: 'a/cam-2', size: '1x1' },
        { id: 'a/cam-1', size: '1x1', hidden: true },
        { id: 'a/mic-1', size: '1x1' },
      ],
      ['a/cam-2', 'a/mic-1'],
    ],
    [
      'a tile the layout does not name (a new slot) is appended, never hidden',
      [{ id: 'a/mic-1', size: '2x1' }],
      ['a/mic-1:2x1', 'a/cam-1', 'a/cam-2'],
    ],
    [
      'an id no tile has (a removed slot) is ignored',
      [
        { id: 'a/gone', size: '2x2' },
        { id: 'a/cam-2', size: '1x1' },
      ],
      ['a/cam-2', 'a/cam-1', 'a/mic-1'],
    ],
    [
      'an id named twice counts once, the first time',
      [
        { id: 'a/cam-2', size: '2x1' },
        { id: 'a/cam-2', size: '1x1', hidden: true },
      ],
      ['a/cam-2:2x1', 'a/cam-1', 'a/mic-1'],
    ],
  ];
  it.each(cases)('%s', (_name, layout, expected) => expect(shown(TILES, layout)).toEqual(expected));
});

describe('the Arrange mode’s draft', () => {
  it('holds every tile, hidden ones included, new ones appended and unknown ids dropped', () => {
    expect(
      draftOf(
        ['x', 'y', 'z'],
        [
          { id: 'z', size: '2x1', hidden: true },
          { id: 'gone', size: '1x1' },
          { id: 'x', size: '1x1' },
        ],
      ),
    ).toEqual([
      { id: 'z', size: '2x1', hidden: true },
      { id: 'x', size: '1x1' },
      { id: 'y', size: '1x1' },
    ]);
  });

  it('moves a tile earlier and later, and not past either end', () => {
    const draft = draftOf(['x', 'y', 'z'], undefined);
    expect(moveTile(draft, 2, -1).map((t) => t.id)).toEqual(['x', 'z', 'y']);
    expect(moveTile(draft, 0, 1).map((t) => t.id)).toEqual(['y', 'x', 'z']);
    expect(moveTile(draft, 0, -1).map((t) => t.id)).toEqual(['x', 'y', 'z']);
    expect(moveTile(draft, 2, 1).map((t) => t.id)).toEqual(['x', 'y', 'z']);
  });

  it('sizes, hides and shows a tile again', () => {
    const draft = draftOf(['x', 'y'], undefined);
    const hidden = changeTile(changeTile(draft, 'y', { size: '2x2' }), 'y', { hidden: true });
    expect(hidden).toEqual([
      { id: 'x', size: '1x1' },
      { id: 'y', size: '2x2', hidden: true },
    ]);
    expect(changeTile(hidden, 'y', { hidden: false })).toEqual([
      { id: 'x', size: '1x1' },
      { id: 'y', size: '2x2' },
    ]);
    expect(shown(['x', 'y'], hidden)).toEqual(['x']);
  });
});

describe('the kiosk grid', () => {
  const ones = (n: number): TileSize[] => Array.from({ length: n }, () => '1x1');
  const cases: Array<[string, TileSize[], number, number, { cols: number; rows: number }]> = [
    ['4 tiles on 1920×1080: 2×2, not a strip', ones(4), 1920, 1080, { cols: 2, rows: 2 }],
    ['1 tile fills the screen', ones(1), 1920, 1080, { cols: 1, rows: 1 }],
    ['6 tiles on 1920×1080: 3×2', ones(6), 1920, 1080, { cols: 3, rows: 2 }],
    ['4 tiles on a 768×1024 tablet: one column of 4', ones(4), 768, 1024, { cols: 1, rows: 4 }],
    ['a 2×1 tile needs two columns', ['2x1'], 1920, 1080, { cols: 2, rows: 1 }],
    ['a 2×1 tile between two 1×1 ones: three columns, no row left half empty', ['1x1', '2x1', '1x1'], 1920, 1080, { cols: 3, rows: 2 }],
  ];
  it.each(cases)('%s', (_name, sizes, w, h, grid) => expect(gridFor(sizes, w, h)).toEqual(grid));

  it('fits 24 tiles on 1920×1080 with every tile at least 300×200 px', () => {
    const { cols, rows } = gridFor(ones(24), 1920, 1080);
    expect(cols * rows).toBeGreaterThanOrEqual(24);
    expect(1920 / cols).toBeGreaterThanOrEqual(300);
    expect(1080 / rows).toBeGreaterThanOrEqual(200);
  });

  it('counts the rows a 2×2 tile takes, placed as CSS grid places them (in order, never back into a hole)', () => {
    expect(
      rowsNeeded(
        ['1x1', '2x1', '1x1'].map((s) => spanOf(s as TileSize)),
        2,
      ),
    ).toBe(3);
    expect(
      rowsNeeded(
        ['2x2', '1x1', '1x1'].map((s) => spanOf(s as TileSize)),
        3,
      ),
    ).toBe(2);
    expect(
      rowsNeeded(
        ['2x2', '2x2'].map((s) => spanOf(s as TileSize)),
        3,
      ),
    ).toBe(4);
  });

  it('keys slots by studio', () => {
    expect(studioKey('studio-a/cam-wide')).toBe('studio-a');
    expect(studioKey('lonely')).toBe('');
  });
});
