/**
 * The acknowledgement link over HTTP. `GET /ack/<token>` shows the alert and an "Acknowledge" button
 * and changes nothing: link scanners, mail filters and chat unfurlers fetch GETs on their own.
 * `POST /ack/<token>` (the button) redeems the token and acknowledges. No login: the signed,
 * single-use, expiring token is the credential. A forged token answers 403, an expired or used one
 * 410, nothing acknowledged. Both are rate-limited per source address (a guesser cannot forge an
 * HMAC, but need not be served without limit either).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import { RateLimiter } from '../../../lib/rate-limit.ts';
import { sourceKey } from '../../identity/login-lockout.ts';
import type { Alert, Locale } from '../../../protocols/alerting.ts';
import type { AlertBook } from '../types.ts';
import type { AckCheck, AckRefusal } from './ack-links.ts';
import { acceptLanguageTags, pickLocale } from '../../../i18n/locales.ts';
import { alertingAlerts } from '../../../i18n/messages/alerting-alerts.ts';
import { alertingDelivery } from '../../../i18n/messages/alerting-delivery.ts';
import type { MessageKey } from '../../../i18n/define.ts';
import { formatsFor, translator } from '../../../i18n/translator.ts';
import { summaryIn } from '../alerts/summaries.ts';

type DeliveryMessageId = MessageKey<typeof alertingDelivery>;
/** A page's words; the refusals name the command that acknowledges instead. */
const t = (id: DeliveryMessageId, locale: Locale): string => translator(alertingDelivery, locale)(id, { command: 'onair alarm ack' });

/** The browser's language among ours (Accept-Language, by q-value), else the studio's default (zh-CN). */
export const localeOf = (acceptLanguage: string | undefined): Locale => pickLocale(acceptLanguageTags(acceptLanguage));

/** What the HTTP side needs to serve the links (the controller's face hands it over when alerting runs). */
export interface AckLinkDesk {
  links: { check(token: string, at: number): AckCheck; redeem(token: string, at: number): AckCheck };
  alerts: Pick<AlertBook, 'get' | 'acknowledge'>;
  clock: Clock;
}

/** Per source address: a few clicks at once, then one every 6 s. */
export const ACK_RATE = { burst: 10, perSecond: 1 / 6 } as const;

const REFUSAL: Record<AckRefusal, { code: 403 | 410; text: DeliveryMessageId }> = {
  forged: { code: 403, text: 'ack.forged' },
  expired: { code: 410, text: 'ack.expired' },
  used: { code: 410, text: 'ack.used' },
};

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(locale: Locale, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>OnAir · ${escape(t('ack.title', locale))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{font-size:1.2rem;padding:.6rem 1.4rem}dt{font-weight:bold}</style></head>
<body><h1>${escape(t('ack.title', locale))}</h1>${body}</body></html>`;
}

function alertSummary(alert: Alert, locale: Locale): string {
  const f = formatsFor(locale, 'UTC');
  return `<p>${escape(summaryIn(locale, alert))}</p><dl>
<dt>${escape(t('ack.severity', locale))}</dt><dd>${escape(t(`severity.${alert.severity}`, locale))}</dd>
<dt>${escape(t('ack.state', locale))}</dt><dd>${escape(translator(alertingAlerts, locale)(`state.${alert.state}`))}</dd>
<dt>${escape(t('ack.started', locale))}</dt><dd>${f.date(alert.startsAt)} ${f.time(alert.startsAt)} UTC</dd></dl>`;
}

export async function registerAckRoutes(app: FastifyInstance, desk: AckLinkDesk, log: Logger): Promise<void> {
  const limiter = new RateLimiter({ clock: desk.clock, ...ACK_RATE });
  const send = (reply: FastifyReply, code: number, locale: Locale, body: string) =>
    reply
      .code(code)
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer') // the token is in the path: never pass it on
      .type('text/html; charset=utf-8')
      .send(page(locale, body));
  const admitted = (request: FastifyRequest, reply: FastifyReply, locale: Locale): boolean => {
    const { allowed, firstRefusal } = limiter.take(sourceKey(request.ip));
    if (!allowed && firstRefusal) log.warn({ peer: request.ip }, 'acknowledgement links asked too often from one address: slowed down');
    if (!allowed) void send(reply.header('retry-after', '60'), 429, locale, `<p>${escape(t('ack.slowDown', locale))}</p>`);
    return allowed;
  };
  const refuse = (reply: FastifyReply, locale: Locale, reason: AckRefusal) =>
    send(reply, REFUSAL[reason].code, locale, `<p>${escape(t(REFUSAL[reason].text, locale))}</p>`);

  await app.register(async (scope) => {
    // The button posts an empty form; its body means nothing (the token is in the path).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_r, _b, done) =>
      done(null, {}),
    );
    scope.get<{ Params: { token: string } }>('/ack/:token', async (request, reply) => {
      const locale = localeOf(request.headers['accept-language']);
      if (!admitted(request, reply, locale)) return reply;
      const checked = desk.links.check(request.params.token, desk.clock.now());
      if (!checked.ok) return refuse(reply, locale, checked.reason);
      const alert = desk.alerts.get(checked.alert);
      if (!alert) return send(reply, 410, locale, `<p>${escape(t('ack.unknownAlert', locale))}</p>`);
      const form = `<form method="post"><p>${escape(t('ack.question', locale))}</p><button type="submit">${escape(t('ack.button', locale))}</button></form>`;
      return send(reply, 200, locale, alertSummary(alert, locale) + form);
    });
    scope.post<{ Params: { token: string } }>('/ack/:token', async (request, reply) => {
      const locale = localeOf(request.headers['accept-language']);
      if (!admitted(request, reply, locale)) return reply;
      const redeemed = desk.links.redeem(request.params.token, desk.clock.now());
      if (!redeemed.ok) {
        log.warn({ peer: request.ip, reason: redeemed.reason }, 'refused an acknowledgement link');
        return refuse(reply, locale, redeemed.reason);
      }
      try {
        const alert = desk.alerts.acknowledge(redeemed.alert, redeemed.person ?? 'link', 'link');
        log.info({ alert: alert.id, person: redeemed.person, peer: request.ip }, 'alert acknowledged by its link');
        return send(reply, 200, locale, `<p>${escape(t('ack.done', locale))}</p>${alertSummary(alert, locale)}`);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        log.warn({ alert: redeemed.alert, peer: request.ip, err: why }, 'an acknowledgement link could not acknowledge');
        return send(reply, 409, locale, `<p>${escape(t('ack.notAcknowledged', locale) + why)}</p>`);
      }
    });
  });
}
