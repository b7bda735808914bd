/**
 * `wall.layout.get` / `wall.layout.set`: a wall's arrangement, kept per screen when the request names
 * one, else per person. A person's layout is always their own (the login that asked, whichever client
 * it used): nobody arranges another person's wall. Who may write at all is the role rule
 * (protocols/access.ts: engineer).
 */
import type { LayoutOwner } from '../protocols/wall-operations.ts';
import type { WallLayoutRows } from './store/wall-layout-rows.ts';
import { loginOf, type Handlers } from './requests.ts';

export interface WallLayoutDependencies {
  rows: WallLayoutRows;
  now: () => number;
}

const ownerOf = (screen: string | undefined, by: string): LayoutOwner =>
  screen === undefined ? { kind: 'user', name: loginOf(by) } : { kind: 'screen', name: screen };

/** The first tile id named twice, if any: a layout shows each tile once. */
function repeated(ids: string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

export function wallLayoutHandlers(d: WallLayoutDependencies): Pick<Handlers, 'wall.layout.get' | 'wall.layout.set'> {
  return {
    'wall.layout.get': (p, by) => {
      const owner = ownerOf(p.screen, by);
      return { owner, layouts: d.rows.layouts(owner, p.studio) };
    },
    'wall.layout.set': (p, by) => {
      const owner = ownerOf(p.screen, by);
      const twice = repeated(p.tiles.map((t) => t.id));
      if (twice !== undefined) throw new Error(`tile "${twice}" is in the layout twice: name each tile once`);
      if (p.tiles.length === 0) {
        d.rows.remove(owner, p.studio);
        return { owner, layout: null };
      }
      return { owner, layout: d.rows.save(owner, p.studio, p.tiles, d.now(), by) };
    },
  };
}
