/**
 * The engineer's console over HTTP: the page and its modules (console/ compiled by the project's
 * tsc into dist/web, preact, htm and uPlot from node_modules — nothing from outside the controller, so the page
 * works in a studio with no internet), the login, and the live feed as server-sent events.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Logger } from '../../lib/logger.ts';
import { packageRoot } from '../../lib/paths.ts';
import { LoginName } from '../../protocols/schemas.ts';
import { roleAllows } from '../../protocols/access.ts';
import { OPERATIONS, type OperationName } from '../../protocols/contract.ts';
import type { ConsoleHub } from './console-hub.ts';
import { SESSION_COOKIE } from './console-sessions.ts';
import { authenticate, checkLogin, type HttpAuthDependencies } from './http-auth.ts';

const LoginBody = TypeCompiler.Compile(
  Type.Object({ username: LoginName, password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
);

/** Third-party browser modules, served from node_modules by a fixed list (never a path from the request). */
function vendorFiles(): Record<string, { bytes: Buffer; type: string }> {
  const require = createRequire(import.meta.url);
  // The package folder from its main module (htm's exports do not list package.json).
  const dir = (pkg: string, from = require) => {
    let at = path.dirname(from.resolve(pkg));
    while (path.basename(at) !== path.basename(pkg) && path.dirname(at) !== at) at = path.dirname(at);
    return at;
  };
  // intl-messageformat's own dependencies, resolved as it resolves them (hoisted or nested).
  const formatjs = createRequire(require.resolve('intl-messageformat'));
  const parser = createRequire(formatjs.resolve('@formatjs/icu-messageformat-parser'));
  const js = 'text/javascript; charset=utf-8';
  const files: Record<string, { file: string; type: string }> = {
    'preact.js': { file: path.join(dir('preact'), 'dist/preact.module.js'), type: js },
    'preact-hooks.js': { file: path.join(dir('preact'), 'hooks/dist/hooks.module.js'), type: js },
    'htm.js': { file: path.join(dir('htm'), 'dist/htm.module.js'), type: js },
    'uplot.js': { file: path.join(dir('uplot'), 'dist/uPlot.esm.js'), type: js },
    'uplot.css': { file: path.join(dir('uplot'), 'dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
    // FormatJS's ICU MessageFormat, and the three modules it loads (each one ESM file).
    'intl-messageformat.js': { file: path.join(dir('intl-messageformat'), 'index.js'), type: js },
    'formatjs-fast-memoize.js': { file: path.join(dir('@formatjs/fast-memoize', formatjs), 'index.js'), type: js },
    'formatjs-icu-messageformat-parser.js': { file: path.join(dir('@formatjs/icu-messageformat-parser', formatjs), 'index.js'), type: js },
    'formatjs-icu-skeleton-parser.js': { file: path.join(dir('@formatjs/icu-skeleton-parser', parser), 'index.js'), type: js },
  };
  // Read once at start (about 60 KB in all), not at every page load.
  return Object.fromEntries(Object.entries(files).map(([name, f]) => [name, { bytes: readFileSync(f.file), type: f.type }]));
}

const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: '/console/vendor/preact.js',
    'preact/hooks': '/console/vendor/preact-hooks.js',
    htm: '/console/vendor/htm.js',
    uplot: '/console/vendor/uplot.js',
    'intl-messageformat': '/console/vendor/intl-messageformat.js',
    '@formatjs/fast-memoize': '/console/vendor/formatjs-fast-memoize.js',
    '@formatjs/icu-messageformat-parser': '/console/vendor/formatjs-icu-messageformat-parser.js',
    '@formatjs/icu-skeleton-parser': '/console/vendor/formatjs-icu-skeleton-parser.js',
  },
});

/** Every module the wall needs, announced up front so the browser fetches them at once instead of level by level. */
function preloads(): string {
  const app = readdirSync(path.join(packageRoot(), 'dist', 'web', 'console'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `/console/app/console/${f}`);
  const web = path.join(packageRoot(), 'dist', 'web');
  const i18n = ['i18n', 'i18n/messages'].flatMap((dir) =>
    readdirSync(path.join(web, dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `/console/app/${dir}/${f}`),
  );
  const modules = [
    ...app,
    ...i18n,
    '/console/app/protocols/event-severity.js',
    '/console/app/protocols/pictures.js',
    '/console/app/protocols/flapping.js',
    '/console/vendor/preact.js',
    '/console/vendor/preact-hooks.js',
    '/console/vendor/htm.js',
    '/console/vendor/intl-messageformat.js',
    '/console/vendor/formatjs-fast-memoize.js',
    '/console/vendor/formatjs-icu-messageformat-parser.js',
    '/console/vendor/formatjs-icu-skeleton-parser.js',
  ];
  return modules.map((m) => `<link rel="modulepreload" href="${m}">`).join('\n  ');
}

/** The page: its one inline script is the import map, allowed by its hash in the CSP. */
function page(): { html: string; csp: string } {
  const hash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  const html = readFileSync(path.join(packageRoot(), 'console', 'index.html'), 'utf8').replace(
    '<!--import-map-->',
    `<script type="importmap">${IMPORT_MAP}</script>\n  ${preloads()}`,
  );
  const csp = `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
  return { html, csp };
}

export interface ConsoleRoutesSettings {
  hub: ConsoleHub;
  auth: HttpAuthDependencies;
  log: Logger;
  secure: boolean;
}

export async function registerConsole(app: FastifyInstance, s: ConsoleRoutesSettings): Promise<void> {
  const { html, csp } = page();
  const vendor = vendorFiles();
  const sendPage = (reply: FastifyReply) =>
    reply.header('content-security-policy', csp).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  app.get('/', async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', async (_request, reply) => sendPage(reply));
  // The wall screen (a kiosk on the control-room wall): the same page, which reads its address (console/kiosk.ts).
  app.get('/console/wall', async (_request, reply) => sendPage(reply));
  // Typed without the slash, the address would answer 404 JSON: redirect, keeping the query string
  // (the page's relative paths need the slash). The target is always our own path: no open redirect.
  app.get('/console', async (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/console/${query >= 0 ? request.url.slice(query) : ''}`);
  });
  app.get<{ Params: { name: string } }>('/console/vendor/:name', async (request, reply) => {
    const name = request.params.name;
    const file = Object.hasOwn(vendor, name) ? vendor[name] : undefined; // never a prototype's property
    if (!file) return reply.code(404).send({ status: 'error', error: 'no such file' });
    return reply.header('cache-control', 'public, max-age=86400').type(file.type).send(file.bytes);
  });
  // `void` on setHeaders: its typings return the reply (a thenable), but it only sets a header; nothing to await.
  // Protocol modules the page may import at run time: pure, without imports (the wall's flapping flag uses protocols/flapping).
  await app.register(fastifyStatic, {
    root: path.join(packageRoot(), 'dist', 'web'),
    prefix: '/console/app/',
    decorateReply: false,
    cacheControl: false,
    allowedPath: (p) =>
      /^\/?(console\/[\w-]+|i18n\/(messages\/)?[\w-]+|protocols\/(?:event-severity|pictures|flapping))\.js(\.map)?$/.test(p),
    setHeaders: (res) => void res.setHeader('cache-control', 'no-cache'),
  });
  await app.register(fastifyStatic, {
    root: path.join(packageRoot(), 'console', 'static'),
    prefix: '/console/static/',
    decorateReply: false,
  });

  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${s.secure ? '; Secure' : ''}`;
  app.post('/api/login', async (request, reply) => {
    if (!LoginBody.Check(request.body)) return reply.code(400).send({ status: 'error', error: 'send {"username", "password"}' });
    const checked = await checkLogin(s.auth, request.body.username, request.body.password, request.ip);
    if (!checked.ok) return reply.code(checked.code).send({ status: 'error', error: checked.error });
    const { id, session } = s.hub.sessions.open(checked.caller.user, checked.caller.role);
    // Answered once the session is where a takeover reads it (bounded): a leader killed now does not log the person out.
    const kept = await s.hub.sessions.committed();
    s.log.info({ user: session.user, role: session.role, peer: request.ip, kept }, 'console login');
    const may = (Object.keys(OPERATIONS) as OperationName[]).filter((op) => roleAllows(session.role, op));
    return reply
      .header('set-cookie', cookie(id, Math.round(s.hub.sessions.idleMs / 1000)))
      .send({ status: 'ok', data: { user: session.user, role: session.role, may, csrf: session.csrf } });
  });
  app.post('/api/logout', async (request, reply) => {
    s.hub.sessions.close(request.cookies[SESSION_COOKIE]);
    return reply.header('set-cookie', cookie('', 0)).send({ status: 'ok', data: {} });
  });
  app.get('/api/session', async (request, reply) => {
    const who = await authenticate(s.auth, request, false);
    if (!who.ok) return reply.code(who.code).send({ status: 'error', error: who.error });
    const { user, role, session } = who.caller;
    const may = (Object.keys(OPERATIONS) as OperationName[]).filter((op) => roleAllows(role, op));
    return reply
      .header('cache-control', 'no-store')
      .send({ status: 'ok', data: { user, role, may, ...(session ? { csrf: session.csrf } : {}) } });
  });
  // The live feed: the picture at once, then every event and each new picture as it happens.
  app.get('/api/live', async (request, reply) => {
    const who = await authenticate(s.auth, request, false);
    if (!who.ok) return reply.code(who.code).send({ status: 'error', error: who.error });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write('retry: 1000\n\n');
    const MAX_BUFFERED = 8 * 1024 * 1024;
    const remove = s.hub.feed.add({
      user: who.caller.user,
      write: (chunk) => res.write(chunk) || res.writableLength < MAX_BUFFERED,
      end: () => res.end(),
    });
    request.raw.on('close', remove);
  });
}
