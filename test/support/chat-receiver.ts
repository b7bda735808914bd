/**
 * One real HTTP receiver on loopback that answers as each chat vendor does: it checks the fields the
 * vendor requires and the signatures exactly as the vendor documents them (recomputed here with
 * node:crypto, independently of controller/alerting/channels/signing.ts), answers the vendor's own
 * error bodies, and can be slow (429 + Retry-After), broken (500) or hung (never answers).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from '@sinclair/typebox/value';
import { WebhookNotification } from '../../controller/alerting/channels/webhook-payload.ts';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown>;
}

export interface ChatReceiver {
  url: (path: string) => string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export interface ReceiverSecrets {
  dingtalk: string;
  feishu: string;
  webhook: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = (request: ReceivedRequest, url: URL, now: number) => Answer | 'hang';

const ok = (body: unknown, status = 200): Answer => ({ status, body });
const HOUR_MS = 3_600_000;

/** Equal strings, compared as a verifier must (constant time). */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function routes(secrets: ReceiverSecrets): Record<string, Route> {
  return {
    // Slack incoming webhook: 200 "ok"; 400 "invalid_payload" when there is no text/blocks.
    '/slack': ({ body }) =>
      typeof body.text === 'string' &&
      Array.isArray(body.blocks) &&
      body.blocks.every((b) => typeof (b as { type?: unknown }).type === 'string')
        ? ok('ok')
        : ok('invalid_payload', 400),
    // Teams Workflows: 202 for a message with an Adaptive Card attachment.
    '/teams': ({ body }) => {
      const attachment = (body.attachments as Array<Record<string, unknown>> | undefined)?.[0];
      const card = attachment?.content as Record<string, unknown> | undefined;
      const good =
        body.type === 'message' &&
        attachment?.contentType === 'application/vnd.microsoft.card.adaptive' &&
        card?.type === 'AdaptiveCard' &&
        Array.isArray(card.body);
      return good ? { status: 202 } : ok({ error: { code: 'InvalidRequestContent' } }, 400);
    },
    // WeCom group robot: 200 with errcode; 40058 when content exceeds its byte limit.
    '/wecom': ({ body }) => {
      const limits: Record<string, number> = { markdown: 4096, text: 2048 };
      const type = body.msgtype as string;
      const content = (body[type] as { content?: unknown } | undefined)?.content;
      if (!(type in limits) || typeof content !== 'string') return ok({ errcode: 40008, errmsg: 'invalid message type' });
      if (Buffer.byteLength(content) > (limits[type] as number))
        return ok({ errcode: 40058, errmsg: `${type}.content exceed max length ${limits[type]}` });
      return ok({ errcode: 0, errmsg: 'ok' });
    },
    // DingTalk: timestamp (ms) and sign in the query; sign = urlencode(base64(HMAC(secret, ts + "\n" + secret))).
    '/dingtalk': ({ body }, url, now) => {
      const ts = url.searchParams.get('timestamp') ?? '';
      const expected = createHmac('sha256', secrets.dingtalk).update(`${ts}\n${secrets.dingtalk}`).digest('base64');
      if (Math.abs(now - Number(ts)) > HOUR_MS) return ok({ errcode: 310000, errmsg: 'invalid timestamp' });
      // searchParams decodes the URL-encoded sign once, as DingTalk does.
      if (!same(url.searchParams.get('sign') ?? '', expected)) return ok({ errcode: 310000, errmsg: 'sign not match' });
      const markdown = body.markdown as { title?: unknown; text?: unknown } | undefined;
      if (body.msgtype !== 'markdown' || typeof markdown?.title !== 'string' || typeof markdown.text !== 'string')
        return ok({ errcode: 40035, errmsg: 'missing markdown' });
      return ok({ errcode: 0, errmsg: 'ok' });
    },
    // Feishu: timestamp (s) and sign in the body; sign = base64(HMAC(key = ts + "\n" + secret, message = "")).
    '/feishu': ({ body }, _url, now) => {
      const ts = String(body.timestamp ?? '');
      const expected = createHmac('sha256', `${ts}\n${secrets.feishu}`).update('').digest('base64');
      if (Math.abs(now - Number(ts) * 1000) > HOUR_MS || !same(String(body.sign ?? ''), expected))
        return ok({ code: 19021, data: {}, msg: 'sign match fail or timestamp is not within one hour from current time' });
      const post = (body.content as { post?: Record<string, { title?: unknown; content?: unknown }> } | undefined)?.post;
      const language = post && Object.values(post)[0];
      if (body.msg_type !== 'post' || typeof language?.title !== 'string' || !Array.isArray(language.content))
        return ok({ code: 9499, msg: 'Bad Request', data: {} });
      return ok({ code: 0, msg: 'success', data: {} });
    },
    // OnAir's generic webhook, verified as docs/alerting/channels.md tells a receiver to.
    '/hook': ({ headers, raw, body }, _url, now) => {
      const ts = String(headers['x-onair-timestamp'] ?? '');
      const expected = `sha256=${createHmac('sha256', secrets.webhook).update(`${ts}.${raw}`).digest('hex')}`;
      if (Math.abs(now - Number(ts) * 1000) > 300_000 || !same(String(headers['x-onair-signature'] ?? ''), expected))
        return ok({ error: 'bad signature' }, 401);
      return Value.Check(WebhookNotification, body) ? { status: 204 } : ok({ error: 'not an OnAir notification' }, 422);
    },
    '/sms': ({ body }) =>
      typeof body.to === 'string' && typeof body.text === 'string' && [...body.text].length <= 140 ? ok({ queued: true }) : ok({}, 400),
    '/busy': () => ({ status: 429, body: 'rate limited', headers: { 'retry-after': '7' } }),
    '/boom': () => ok('internal error', 500),
    '/hang': () => 'hang',
  };
}

export async function startChatReceiver(secrets: ReceiverSecrets, now: () => number = Date.now): Promise<ChatReceiver> {
  const table = routes(secrets);
  const received: ReceivedRequest[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // answered by the route's own checks
      }
      const request = { path: url.pathname, headers: req.headers, raw, body };
      received.push(request);
      const route = table[url.pathname];
      const answer = route ? route(request, url, now()) : { status: 404, body: 'no_service' };
      if (answer === 'hang') return void hung.push(res);
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
