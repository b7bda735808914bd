/**
 * The HTTP front of a controller pair, as a site runs one (nginx `proxy_next_upstream error`, HAProxy
 * with two servers): each request goes to the first upstream that accepts the connection; when none
 * does, the proxy answers 502 itself. Responses stream through unbuffered, so the console's live feed
 * (server-sent events) passes as it would through `proxy_buffering off`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FrontProxy {
  readonly url: string;
  /** How many requests for each path it answered 502 itself (no upstream took them). */
  badGateways(path: string): number;
  close(): Promise<void>;
}

export async function startFrontProxy(upstreams: readonly string[]): Promise<FrontProxy> {
  const refused = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const attempt = (index: number): void => {
        const target = upstreams[index];
        if (target === undefined) {
          const p = (request.url ?? '/').split('?')[0]!;
          refused.set(p, (refused.get(p) ?? 0) + 1);
          response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
          return;
        }
        const upstream = http.request(
          new URL(request.url ?? '/', target),
          { method: request.method, headers: request.headers },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            // An upstream gone mid-answer (a killed controller's stream) ends the client's too, as nginx does.
            answer.on('error', () => response.destroy());
            answer.on('close', () => void (answer.complete ? undefined : response.destroy()));
          },
        );
        // Only a refused connection moves on (nothing was sent); an upstream that dies mid-answer ends this one.
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ECONNREFUSED' && !response.headersSent) attempt(index + 1);
          else response.destroy();
        });
        response.on('close', () => upstream.destroy());
        upstream.end(Buffer.concat(body));
      };
      attempt(0);
    });
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    badGateways: (path) => refused.get(path) ?? 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
