/**
 * The wall's layouts in the store (`wall_layouts`, migration 8; mirrored to PostgreSQL like every
 * table, so a standby that takes over shows every screen as it was arranged). One row per owner (a
 * person's own wall or a named screen) and studio; the tiles as JSON, checked against the contract's
 * schema when read back, so a row a newer version wrote in another shape is reported and skipped.
 */
import type Database from 'better-sqlite3';
import { Type } from '@sinclair/typebox';
import { LayoutTile, type LayoutOwner, type LayoutTile as Tile, type WallLayout } from '../../protocols/wall-operations.ts';
import { checkedRows, parseJson, type CorruptRowHandler } from './stored-rows.ts';

export const WALL_LAYOUTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS wall_layouts (
  owner_kind TEXT NOT NULL, owner TEXT NOT NULL, studio TEXT NOT NULL, layout TEXT NOT NULL,
  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (owner_kind, owner, studio));
`;

const StoredTiles = Type.Array(LayoutTile);

type Row = { studio: string; layout: string; updated_at: number; updated_by: string };

/** The queries on `wall_layouts`. */
export class WallLayoutRows {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly onCorrupt: CorruptRowHandler = () => undefined,
  ) {
    this.s = {
      save: db.prepare(
        `INSERT INTO wall_layouts (owner_kind, owner, studio, layout, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(owner_kind, owner, studio) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ),
      remove: db.prepare('DELETE FROM wall_layouts WHERE owner_kind = ? AND owner = ? AND studio = ?'),
      all: db.prepare('SELECT studio, layout, updated_at, updated_by FROM wall_layouts WHERE owner_kind = ? AND owner = ? ORDER BY studio'),
      one: db.prepare('SELECT studio, layout, updated_at, updated_by FROM wall_layouts WHERE owner_kind = ? AND owner = ? AND studio = ?'),
    };
  }

  save(owner: LayoutOwner, studio: string, tiles: Tile[], at: number, by: string): WallLayout {
    this.s.save.run(owner.kind, owner.name, studio, JSON.stringify(tiles), at, by);
    return { studio, tiles, updatedAt: at, updatedBy: by };
  }

  /** Whether there was a layout to remove. */
  remove(owner: LayoutOwner, studio: string): boolean {
    return this.s.remove.run(owner.kind, owner.name, studio).changes > 0;
  }

  /** The owner's layouts, for one studio or all of them; a row that does not check is reported and skipped. */
  layouts(owner: LayoutOwner, studio?: string): WallLayout[] {
    const rows = (studio === undefined ? this.s.all.all(owner.kind, owner.name) : this.s.one.all(owner.kind, owner.name, studio)) as Row[];
    const layouts: WallLayout[] = [];
    for (const r of rows) {
      const key = `${owner.kind}:${owner.name}:${r.studio}`;
      const parsed = parseJson(r.layout);
      if (!parsed.ok) {
        this.onCorrupt('wall_layouts', key, parsed.reason);
        continue;
      }
      const [tiles] = checkedRows(StoredTiles, 'wall_layouts', [{ key, value: parsed.value }], this.onCorrupt);
      if (tiles) layouts.push({ studio: r.studio, tiles, updatedAt: r.updated_at, updatedBy: r.updated_by });
    }
    return layouts;
  }
}
