/**
 * A device's media watch as technicians give it in parts: the profile says what the model's media is
 * checked for (a camera's picture checks on its substream, the role of a stream probe), the unit's
 * registration where its media is (`onair device add … --media-url URL | --media-stream [TOKEN]`),
 * and the desired config an agent runs carries the two merged, defaults filled (MediaWatchConfig).
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  AnalysisSettings,
  Loudness,
  MediaRole,
  MediaSource,
  MediaWatchConfig,
  PictureChecks,
  PlaybackChecks,
  SoundChecks,
} from './media.ts';
import { mergeSettings } from './settings-merge.ts';

/**
 * The contract's schema with its defaults taken out: a part (a profile's, a unit's) holds only what
 * was written, so a unit's part never overrides the profile's settings with defaults nobody chose.
 * The defaults are filled once, in the merged whole (unitMediaConfig).
 */
function withoutDefaults<T extends TSchema>(schema: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    // A spread keeps TypeBox's symbol keys ([Kind], [OptionalKind]), which the checker needs.
    const copy: Record<string | symbol, unknown> = { ...(node as Record<string | symbol, unknown>) };
    delete copy.default;
    for (const key of Object.keys(copy)) copy[key] = walk(copy[key]);
    return copy;
  };
  return walk(schema) as T;
}

/** One part of the watch, each field optional, none defaulted. */
const loose = <T extends TObject>(schema: T) => Type.Partial(withoutDefaults(schema), { additionalProperties: false });

/**
 * Part of a media watch, every field optional at every depth and none defaulted: a profile's
 * `media`, a registration's `media`. The source is whole (a URL, or a driver's stream): it is
 * replaced, never merged.
 */
export const MediaSettings = Type.Object(
  {
    source: Type.Optional(MediaSource),
    role: Type.Optional(withoutDefaults(MediaRole)),
    picture: Type.Optional(loose(PictureChecks)),
    sound: Type.Optional(
      Type.Partial(Type.Object({ ...withoutDefaults(Type.Omit(SoundChecks, ['loudness'])).properties, loudness: loose(Loudness) }), {
        additionalProperties: false,
      }),
    ),
    playback: Type.Optional(loose(PlaybackChecks)),
    analysis: Type.Optional(loose(AnalysisSettings)),
  },
  {
    additionalProperties: false,
    description:
      "part of a device's media watch (protocols/media.ts MediaWatchConfig): the unit's over its profile's; watched once a source is given, defaults from protocols/media.ts",
  },
);
export type MediaSettings = Static<typeof MediaSettings>;

/**
 * The media watch a registered unit runs, or undefined when neither it nor its profile names a
 * source (a camera profile may say how the model is checked; only a unit that gives a source, or a
 * profile that says "the driver's stream", is watched). The unit's settings win key by key, except
 * the source, which is replaced whole: a URL and a driver's stream are not merged into one.
 */
export function unitMediaConfig(profile: MediaSettings | undefined, unit: MediaSettings | undefined): MediaWatchConfig | undefined {
  const source = unit?.source ?? profile?.source;
  if (!source) return undefined;
  const merged = { ...mergeSettings(withoutSource(profile), withoutSource(unit)), source };
  return Value.Default(MediaWatchConfig, structuredClone(merged)) as MediaWatchConfig;
}

function withoutSource(part: MediaSettings | undefined): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...part };
  delete rest.source;
  return rest;
}
