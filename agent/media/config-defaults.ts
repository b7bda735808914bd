/**
 * A media watch config with the schema's defaults filled in each aspect it names (protocols/media.ts
 * is the one place defaults live). An aspect the config leaves out stays out: it is not checked.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AnalysisSettings, Loudness, PictureChecks, PlaybackChecks, SoundChecks, type MediaWatchConfig } from '../../protocols/media.ts';

const filled = <T>(schema: TSchema, part: T): T => Value.Default(schema, structuredClone(part)) as T;

export function withDefaults(config: MediaWatchConfig): MediaWatchConfig {
  const sound = config.sound && filled(SoundChecks, config.sound);
  if (sound?.loudness) sound.loudness = filled(Loudness, sound.loudness);
  return {
    ...config,
    ...(config.picture ? { picture: filled(PictureChecks, config.picture) } : {}),
    ...(sound ? { sound } : {}),
    ...(config.playback ? { playback: filled(PlaybackChecks, config.playback) } : {}),
    analysis: filled(AnalysisSettings, config.analysis ?? ({} as AnalysisSettings)),
  };
}
