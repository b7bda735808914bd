/**
 * GET /api/picture/{agent}/{device}: a device's newest live picture for the wall (protocols/pictures.ts);
 * GET /api/live-media: every watched device's faults and sound levels (protocols/live-media.ts).
 * Any logged-in caller may see it, a viewer too: the wall is for everyone in the control room, and the
 * picture shows nothing a viewer's wall does not already say in words. Revalidated on every load
 * (Cache-Control no-cache) with its ETag, so the page's once-a-second refresh costs a 304 while the
 * picture has not changed; its age rides in a header so the page can grey a stale one.
 */
import type { FastifyInstance } from 'fastify';
import { PICTURE_AGE_HEADER } from '../../protocols/pictures.ts';
import type { Clock } from '../../lib/clock.ts';
import type { LatestPictures } from '../fleet/pictures.ts';
import { authenticate, type HttpAuthDependencies } from './http-auth.ts';
import type { LiveMedia } from './live-media.ts';

export interface PictureRouteSettings {
  pictures: Pick<LatestPictures, 'latest'>;
  /** GET /api/live-media: the overlays' faults and the meters' levels of every watched device. */
  media: Pick<LiveMedia, 'view'>;
  auth: HttpAuthDependencies;
  clock: Clock;
}

/** Does an If-None-Match header name this ETag (a list, or `*`)? [RFC 9110 §13.1.2: weak comparison] */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export function registerPictureRoute(app: FastifyInstance, s: PictureRouteSettings): void {
  app.get('/api/live-media', async (request, reply) => {
    const who = await authenticate(s.auth, request, false);
    if (!who.ok) return reply.code(who.code).send({ status: 'error', error: who.error });
    return reply.header('cache-control', 'no-store').send(s.media.view());
  });
  app.get<{ Params: { agent: string; device: string } }>('/api/picture/:agent/:device', async (request, reply) => {
    const who = await authenticate(s.auth, request, false);
    if (!who.ok) return reply.code(who.code).send({ status: 'error', error: who.error });
    const { agent, device } = request.params;
    const picture = s.pictures.latest(agent, device);
    reply.header('cache-control', 'no-cache');
    if (!picture) {
      return reply
        .code(404)
        .send({ status: 'error', error: `no live picture of ${agent}/${device}: its picture is not watched, or none has come yet` });
    }
    reply.header('etag', picture.etag).header(PICTURE_AGE_HEADER, String(Math.max(0, s.clock.now() - picture.receivedAt)));
    if (etagMatches(request.headers['if-none-match'], picture.etag)) return reply.code(304).send();
    return reply.type('image/jpeg').send(picture.jpeg);
  });
}
