/**
 * The wall's layouts (issue 24): per studio, the tiles in the order an engineer arranged them, each
 * with its size, and the ones hidden. Kept per person (their own wall) or per named screen (a kiosk
 * on the control-room wall: `/console/wall?kiosk&screen=<name>`). Part of the one OPERATIONS table in
 * contract.ts; who may ask what: protocols/access.ts (anyone reads, an engineer writes).
 *
 * A layout names tiles by id (a slot id, or any other tile's id: gear, agents), never by position, so
 * a tile the layout does not name (a slot defined later) is shown after the named ones, never hidden.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, LoginName, Timestamp } from './schemas.ts';

const Strict = <P extends Parameters<typeof Type.Object>[0]>(properties: P) => Type.Object(properties, { additionalProperties: false });

/** At most this many tiles in one studio's layout: a wall of 24 fills a 1920×1080 screen; a studio of 200 slots still fits. */
export const MAX_LAYOUT_TILES = 256;

/** Columns × rows a tile spans in the wall's grid. */
export const TILE_SIZES = ['1x1', '2x1', '2x2'] as const;
export const TileSize = Type.Union(
  TILE_SIZES.map((s) => Type.Literal(s)),
  { description: 'columns × rows the tile spans' },
);
export type TileSize = Static<typeof TileSize>;

/** Any tile's id: a slot (`studio-a/cam-wide`), a device, an agent. Printable, no spaces. */
export const TileId = Type.String({ minLength: 1, maxLength: 160, pattern: '^[!-~]+$' });

export const LayoutTile = Strict({
  id: TileId,
  size: TileSize,
  hidden: Type.Optional(Type.Boolean({ description: 'not shown on this wall (shown again by Arrange)' })),
});
export type LayoutTile = Static<typeof LayoutTile>;

/** A studio as the wall groups slots: the part of a slot id before its '/', or '' for slots without one. */
export const WallStudio = Type.Union([Id, Type.Literal('')], { description: "the studio ('' for slots without a studio)" });
/** A wall screen's name, as in `?screen=`: the rules of a login name (letters, digits, _ . -). */
export const ScreenName = LoginName;

export const LayoutOwner = Strict({
  kind: Type.Union([Type.Literal('user'), Type.Literal('screen')]),
  name: Type.String({ description: 'the login (a person’s own wall) or the screen name' }),
});
export type LayoutOwner = Static<typeof LayoutOwner>;

export const WallLayout = Strict({
  studio: WallStudio,
  tiles: Type.Array(LayoutTile, { maxItems: MAX_LAYOUT_TILES, description: 'in the order shown; each id once' }),
  updatedAt: Timestamp,
  updatedBy: Type.String(),
});
export type WallLayout = Static<typeof WallLayout>;

const Owned = {
  screen: Type.Optional(ScreenName),
};

export const WALL_OPERATIONS = {
  'wall.layout.get': {
    params: Strict({
      ...Owned,
      studio: Type.Optional(WallStudio),
    }),
    data: Strict({ owner: LayoutOwner, layouts: Type.Array(WallLayout) }),
    description:
      "The wall layouts of a screen (`screen`) or else of the asking person, for one studio or every studio they arranged. A studio never arranged has no layout: its tiles show in the wall's own order.",
  },
  'wall.layout.set': {
    params: Strict({
      ...Owned,
      studio: WallStudio,
      tiles: Type.Array(LayoutTile, { maxItems: MAX_LAYOUT_TILES }),
    }),
    data: Strict({ owner: LayoutOwner, layout: Type.Union([WallLayout, Type.Null()]) }),
    description:
      "Sets a studio's layout for a screen (`screen`) or else for the asking person's own wall; an empty `tiles` removes it (the wall's own order again). Each tile id at most once.",
  },
} as const;
