/**
 * The controller's HTTP side (fastify 5): `/healthz` and `/readyz` for orchestrators and systemd,
 * `/metrics` for Prometheus. The engineer's console and its API will be served here too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/logger.ts';
import type { ControllerMetrics } from './metrics.ts';

export interface Readiness {
  ready: boolean;
  /** Why not, in words (empty when ready). */
  reasons: string[];
}

export interface HttpServerSettings {
  port: number;
  host: string;
  log: Logger;
  metrics: ControllerMetrics;
  readiness(): Readiness;
}

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(s: HttpServerSettings): Promise<HttpServer> {
  // fastify's own request logging stays off: the controller logs what matters, and a scrape every 15 s is not news.
  const app: FastifyInstance = Fastify({ logger: false, requestTimeout: 10_000, bodyLimit: 64 * 1024 });
  // Alive: the process answers. Never depends on the broker or the store (a restart would not fix those).
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Ready: the store is open and the broker connected; 503 with the reasons otherwise.
  app.get('/readyz', async (_request, reply) => {
    const r = s.readiness();
    return reply.code(r.ready ? 200 : 503).send(r.ready ? { status: 'ok' } : { status: 'error', error: r.reasons.join('; ') });
  });
  app.get('/metrics', async (_request, reply) => reply.type(s.metrics.contentType).send(await s.metrics.text()));
  await app.listen({ port: s.port, host: s.host });
  const { port } = app.server.address() as AddressInfo;
  const host = s.host === '0.0.0.0' || s.host === '::' ? '127.0.0.1' : s.host;
  s.log.info({ port, host: s.host }, 'HTTP listening (/healthz, /readyz, /metrics)');
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
