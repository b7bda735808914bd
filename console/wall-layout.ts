/**
 * A wall's arrangement, as pure functions the page and its tests share: which tiles a layout shows,
 * in what order and size (`arrange`), the Arrange mode's edits on a draft, and the kiosk grid that
 * fills a screen (`gridFor`).
 *
 * A layout names tiles by id. An id it names that no longer exists is ignored; a tile it does not
 * name (a slot defined after the layout was saved) is shown after the named ones at the smallest
 * size: an old layout never hides a new slot.
 */
import type { LayoutTile, TileSize } from '../protocols/wall-operations.ts';

/** The sizes in the Arrange mode's menu (the contract's TILE_SIZES; not imported: that module loads TypeBox, which the page does not). */
export const SIZES: readonly TileSize[] = ['1x1', '2x1', '2x2'];
const DEFAULT_SIZE: TileSize = '1x1';

/** Columns and rows a size spans. */
export const spanOf = (size: TileSize): { w: number; h: number } => ({ w: size === '1x1' ? 1 : 2, h: size === '2x2' ? 2 : 1 });

/** The studio a slot id belongs to, as layouts key it: the part before its '/', '' for a slot without one. */
export const studioKey = (tileId: string): string => (tileId.includes('/') ? tileId.slice(0, tileId.indexOf('/')) : '');

export interface Arranged<T> {
  tile: T;
  size: TileSize;
}

/** The tiles to show, in the layout's order and sizes: hidden ones omitted, unknown ids ignored, new tiles appended. */
export function arrange<T>(tiles: readonly T[], idOf: (tile: T) => string, layout: readonly LayoutTile[] | undefined): Array<Arranged<T>> {
  if (!layout?.length) return tiles.map((tile) => ({ tile, size: DEFAULT_SIZE }));
  const byId = new Map(tiles.map((t) => [idOf(t), t]));
  const shown: Array<Arranged<T>> = [];
  const named = new Set<string>();
  for (const entry of layout) {
    const tile = byId.get(entry.id);
    if (tile === undefined || named.has(entry.id)) continue;
    named.add(entry.id);
    if (!entry.hidden) shown.push({ tile, size: entry.size });
  }
  for (const tile of tiles) if (!named.has(idOf(tile))) shown.push({ tile, size: DEFAULT_SIZE });
  return shown;
}

/**
 * The Arrange mode's draft: every tile there is, in the layout's order, with its size and whether it
 * is hidden (a hidden tile must stay in the draft to be shown again). Unknown ids are dropped.
 */
export function draftOf(ids: readonly string[], layout: readonly LayoutTile[] | undefined): LayoutTile[] {
  const present = new Set(ids);
  const draft: LayoutTile[] = [];
  const named = new Set<string>();
  for (const entry of layout ?? []) {
    if (!present.has(entry.id) || named.has(entry.id)) continue;
    named.add(entry.id);
    draft.push(entry.hidden ? { id: entry.id, size: entry.size, hidden: true } : { id: entry.id, size: entry.size });
  }
  for (const id of ids) if (!named.has(id)) draft.push({ id, size: DEFAULT_SIZE });
  return draft;
}

/** The draft with the tile at `index` moved `by` places (−1: earlier, +1: later); unchanged at either end. */
export function moveTile(draft: readonly LayoutTile[], index: number, by: number): LayoutTile[] {
  const to = index + by;
  if (index < 0 || index >= draft.length || to < 0 || to >= draft.length) return [...draft];
  const moved = [...draft];
  const [tile] = moved.splice(index, 1);
  moved.splice(to, 0, tile!);
  return moved;
}

/** The draft with one tile's size or visibility changed. */
export function changeTile(draft: readonly LayoutTile[], id: string, change: { size?: TileSize; hidden?: boolean }): LayoutTile[] {
  return draft.map((t) => {
    if (t.id !== id) return t;
    const size = change.size ?? t.size;
    const hidden = change.hidden ?? t.hidden ?? false;
    return hidden ? { id, size, hidden: true } : { id, size };
  });
}

export interface Grid {
  cols: number;
  rows: number;
}

/**
 * Rows a column count needs for these spans, placed in order as CSS grid's default (sparse) auto-flow
 * places them: each after the one before, never back into a hole (that would change the order the
 * engineer chose), so a wide tile that does not fit at the end of a row leaves the rest of it empty.
 */
export function rowsNeeded(spans: ReadonlyArray<{ w: number; h: number }>, cols: number): number {
  const taken: boolean[][] = [];
  const free = (r: number, c: number, w: number, h: number) => {
    for (let y = r; y < r + h; y += 1) for (let x = c; x < c + w; x += 1) if (taken[y]?.[x]) return false;
    return true;
  };
  let rows = 0;
  let cursor = { r: 0, c: 0 };
  for (const span of spans) {
    const w = Math.min(span.w, cols);
    let { r, c } = cursor;
    while (c + w > cols || !free(r, c, w, span.h)) {
      c += 1;
      if (c + w > cols) ((r += 1), (c = 0));
    }
    for (let y = r; y < r + span.h; y += 1) for (let x = c; x < c + w; x += 1) (taken[y] ??= [])[x] = true;
    rows = Math.max(rows, r + span.h);
    cursor = { r, c: c + w };
  }
  return rows;
}

/**
 * The kiosk's grid for these tiles on a `width` × `height` screen: the column count whose cell holds
 * the largest box of the tiles' aspect (a tile is read from across the room: as big as the screen
 * allows, every tile visible, none scrolled to). Ties go to fewer empty cells.
 */
export function gridFor(sizes: readonly TileSize[], width: number, height: number, tileAspect = 1.5): Grid {
  const spans = sizes.map(spanOf);
  if (spans.length === 0 || width <= 0 || height <= 0) return { cols: 1, rows: 1 };
  const widest = Math.max(...spans.map((s) => s.w));
  const cells = spans.reduce((n, s) => n + s.w * s.h, 0);
  let best: Grid & { fit: number; empty: number } = { cols: widest, rows: rowsNeeded(spans, widest), fit: -1, empty: Infinity };
  for (let cols = widest; cols <= Math.max(widest, cells); cols += 1) {
    const rows = rowsNeeded(spans, cols);
    const fit = Math.min(width / cols / tileAspect, height / rows);
    const empty = cols * rows - cells;
    if (fit > best.fit + 1e-9 || (Math.abs(fit - best.fit) <= 1e-9 && empty < best.empty)) best = { cols, rows, fit, empty };
  }
  return { cols: best.cols, rows: best.rows };
}
