/**
 * The controller's HTTP side (fastify 5): `/healthz` and `/readyz` for orchestrators and systemd,
 * `/metrics` for Prometheus, the API (`POST /api/{op}`) and the engineer's console (`/console/`).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { ConsoleHub } from './console-hub.ts';
import { registerConsole } from './console-routes.ts';
import { authenticate } from './http-auth.ts';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../lib/logger.ts';
import type { ControllerMetrics } from './metrics.ts';
import { roleAllows } from '../../protocols/access.ts';
import { isOperation } from '../../protocols/contract.ts';
import type { LoginResult } from '../identity/identities.ts';
import type { Refusal, RequestRouter } from '../requests.ts';
import { openApiDocument } from './openapi.ts';
import { readServerTls, type ServerTls } from '../../lib/broker-client.ts';
import type { ControllerConfig } from '../config.ts';
import type { Readiness } from '../controller-face.ts';
import { isLoopbackHost } from '../../lib/net/loopback.ts';
import { registerAckRoutes, type AckLinkDesk } from '../alerting/delivery/ack-route.ts';
import { registerPictureRoute, type PictureRouteSettings } from './picture-route.ts';

export interface HttpListener {
  port: number;
  host: string;
  /** HTTPS (the API's logins must not cross the network in clear). */
  tls?: ServerTls;
}

export interface HttpServerSettings extends HttpListener {
  log: Logger;
  metrics: ControllerMetrics;
  readiness(): Readiness;
  /** The API: logins are the broker's, answers the request router's. */
  api?: {
    router: Pick<RequestRouter, 'ask'>;
    login(username: string, password: string, source?: string): Promise<LoginResult>;
    version: string;
  };
  /** The engineer's console (needs `api`): the page, its logins and live feed. */
  console?: ConsoleHub;
  /** Acknowledgement links from notifications (`/ack/{token}`: no login, the token is the credential). */
  ackLinks?: AckLinkDesk | undefined;
  /** The wall's live pictures (needs `api`: the same logins). */
  pictures?: Omit<PictureRouteSettings, 'auth'>;
}

// maxParamLength: an acknowledgement link's token (/ack/{token}) is up to ~300 characters (fastify's default allows 100).
const FASTIFY = { logger: false, requestTimeout: 10_000, bodyLimit: 256 * 1024, routerOptions: { maxParamLength: 512 } } as const;

/** Where the HTTP side listens, from the controller's config (the HTTPS files read, relative to the config's folder); undefined with http.enabled false. */
export function httpListener(config: ControllerConfig, baseDir: string): HttpListener | undefined {
  if (!config.http.enabled) return undefined;
  const { port, host, tls } = config.http;
  return { port, host, ...(tls ? { tls: readServerTls(tls, baseDir) } : {}) };
}

const STATUS_OF: Record<Refusal, number> = { unknown: 404, invalid: 400, rate: 429, login: 401 };

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(s: HttpServerSettings): Promise<HttpServer> {
  // fastify's own request logging stays off: the controller logs what matters, and a scrape every 15 s is not news.
  const app = (s.tls
    ? Fastify({ https: { cert: s.tls.cert, key: s.tls.key, minVersion: 'TLSv1.2' }, ...FASTIFY })
    : Fastify(FASTIFY)) as unknown as FastifyInstance;
  if (!s.tls && !isLoopbackHost(s.host))
    s.log.warn({ host: s.host }, 'the HTTP API takes logins over plain HTTP on a network listener: set http.tls');
  // Alive: the process answers. Never depends on the broker or the store (a restart would not fix those).
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Ready: the store is open and the broker connected; 503 with the reasons otherwise.
  app.get('/readyz', async (_request, reply) => {
    const r = s.readiness();
    return reply.code(r.ready ? 200 : 503).send(r.ready ? { status: 'ok' } : { status: 'error', error: r.reasons.join('; ') });
  });
  app.get('/metrics', async (_request, reply) => reply.type(s.metrics.contentType).send(await s.metrics.text()));
  if (s.ackLinks) await registerAckRoutes(app, s.ackLinks, s.log);
  const api = s.api;
  if (api) {
    await app.register(fastifyCookie);
    const auth = { login: api.login, log: s.log, ...(s.console ? { sessions: s.console.sessions } : {}) };
    if (s.console) await registerConsole(app, { hub: s.console, auth, log: s.log, secure: !!s.tls });
    if (s.pictures) registerPictureRoute(app, { ...s.pictures, auth });
    const document = openApiDocument(api.version);
    app.get('/api/openapi.json', async () => document);
    // Each operation, as over MQTT: the login's role, the same params schema, limits, audit and answer.
    app.post<{ Params: { op: string } }>('/api/:op', async (request, reply) => {
      const refuse = (code: number, error: string) => {
        if (code === 401) reply.header('www-authenticate', 'Basic realm="OnAir", charset="UTF-8"');
        return reply.code(code).send({ status: 'error', error });
      };
      const who = await authenticate(auth, request, true);
      if (!who.ok) return refuse(who.code, who.error);
      const { op } = request.params;
      const { user, role, session } = who.caller;
      if (isOperation(op) && !roleAllows(role, op)) {
        s.log.warn({ user, role, op }, 'refused an HTTP request the role may not make');
        return refuse(403, `${user}'s role (${role}) may not ask "${op}"`);
      }
      const client = String(request.headers['x-onair-client'] ?? (session ? 'console' : 'http')).slice(0, 64);
      const { answer, ok, refusal } = await api.router.ask(op, request.body, user, client);
      return reply
        .code(refusal ? STATUS_OF[refusal] : ok ? 200 : 422)
        .type('application/json')
        .send(answer);
    });
  }
  await app.listen({ port: s.port, host: s.host });
  const { port } = app.server.address() as AddressInfo;
  const host = s.host === '0.0.0.0' || s.host === '::' ? '127.0.0.1' : s.host;
  s.log.info(
    { port, host: s.host, tls: !!s.tls },
    `HTTP listening (/console/, /api, /metrics, /healthz, /readyz${s.ackLinks ? ', /ack' : ''})`,
  );
  return { url: `${s.tls ? 'https' : 'http'}://${host}:${port}`, close: () => app.close() };
}
