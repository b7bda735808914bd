/**
 * What the wall knows of each watched device's content between two pictures (GET /api/live-media):
 * the faults that count (the overlays), the sound's peak and loudness (the meters), whether a live
 * picture is there, all from the device's latest health (the media watch's metrics, protocols/media.ts
 * MEDIA_METRICS). One answer for the whole wall, polled about once a second while the wall is shown.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ContentFault } from './media.ts';
import { Id, Timestamp } from './schemas.ts';

export const LiveMediaDevice = Type.Object(
  {
    agent: Id,
    device: Id,
    /** The content faults that count now (contentFaults), e.g. ["black"]. */
    faults: Type.Array(ContentFault),
    /** Its sound is watched (a `sound` check): a meter is shown, empty while no peak is measured (digital silence has none). */
    sound: Type.Boolean(),
    peakDbfs: Type.Optional(Type.Number({ description: 'the sound peak in the last health message, dBFS' })),
    shortTermLufs: Type.Optional(Type.Number()),
    /** A live picture of it is at GET /api/picture/{agent}/{device}. */
    picture: Type.Boolean(),
    /** When its health said this (the agent's clock). */
    ts: Timestamp,
  },
  { additionalProperties: false },
);
export type LiveMediaDevice = Static<typeof LiveMediaDevice>;

export const LiveMediaView = Type.Object({ devices: Type.Array(LiveMediaDevice) }, { additionalProperties: false });
export type LiveMediaView = Static<typeof LiveMediaView>;
