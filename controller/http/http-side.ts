/**
 * The controller's HTTP side, started on a running controller's face by the command that starts the
 * controller (controller/http/attach.ts), never by the controller itself: the engineer's console
 * (sessions, live feed, each device's health history, and its two operations, which MQTT clients may
 * ask too) and, with http.enabled, the Prometheus metrics and the fastify server (/healthz, /readyz,
 * /metrics, /api, /console/). It hears the controller only through its events and asks it only what
 * any client may; closing it takes every subscription and the console's operations back.
 */
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ControllerFace } from '../controller-face.ts';
import { CONTROLLER_VERSION } from '../version.ts';
import { ConsoleHub } from './console-hub.ts';
import { startHttpServer, type HttpListener, type HttpServer } from './http-server.ts';
import { ControllerMetrics } from './metrics.ts';
import { LiveMedia } from './live-media.ts';

export interface HttpSideSettings {
  clock: Clock;
  log: Logger;
  /** Where to serve HTTP (httpListener: the config's http section); without it, the console's operations are served over MQTT alone. */
  listen?: HttpListener | undefined;
}

export interface HttpSide {
  /** With a listener, e.g. http://127.0.0.1:8080. */
  url: string | undefined;
  console: ConsoleHub;
  close(): Promise<void>;
}

export async function startHttpSide(face: ControllerFace, s: HttpSideSettings): Promise<HttpSide> {
  const hub = new ConsoleHub({
    clock: s.clock,
    status: () => face.status(),
    history: face.history,
    record: (e) => face.record(e),
    sessionRows: face.consoleSessions,
    healthSamples: face.healthSamples,
    log: s.log,
  });
  const undo = [
    face.emitter.on('eventStored', (event) => hub.onEvent(event)),
    face.emitter.on('healthNoted', (agent, device, health) => hub.noteHealth(agent, device, health)),
    face.requests.serve(hub.handlers()),
  ];
  const stopListening = () => {
    for (const u of undo.splice(0)) u();
    hub.close();
  };
  let server: HttpServer | undefined;
  if (s.listen) {
    // Built only to be scraped: without a listener nobody could read them (and the process metrics cost a timer).
    const metrics = new ControllerMetrics({
      status: () => face.status(),
      counters: face.counters,
      eventLogSize: () => face.eventLogSize(),
    });
    undo.push(
      face.emitter.on('eventStored', (event) => metrics.onEvent(event)),
      face.emitter.on('requestServed', (op, status, ms) => metrics.onRequest(op, status, ms)),
    );
    const api = {
      router: face.requests,
      login: (u: string, p: string, source?: string) => face.login(u, p, source),
      version: CONTROLLER_VERSION,
    };
    const ackLinks = face.ackLinks;
    // The wall's live pictures and levels: the newest picture per device, and each watched device's faults and peaks from its health.
    const pictures = face.pictures;
    const media = pictures ? new LiveMedia((agent, device) => pictures.latest(agent, device) !== undefined) : undefined;
    if (media) undo.push(face.emitter.on('healthNoted', (agent, device, health) => media.note(agent, device, health)));
    server = await startHttpServer({
      ...s.listen,
      log: s.log,
      metrics,
      readiness: () => face.readiness(),
      api,
      console: hub,
      ackLinks,
      ...(media && pictures ? { pictures: { pictures, media, clock: s.clock } } : {}),
    }).catch((err: unknown) => {
      stopListening();
      throw err;
    });
  }
  return {
    url: server?.url,
    console: hub,
    close: async () => {
      stopListening(); // the live feed's streams end first: the server's close waits for open connections
      await server?.close();
    },
  };
}
