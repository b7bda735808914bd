/**
 * One sender per contact kind. The HTTP ones differ only in the request they build (body, signing,
 * how the vendor says "delivered"); posting, the deadline and the receipt are http-post.ts's.
 */
import type { ContactPoint } from '../../../protocols/alerting.ts';
import type { AlertingCore, AlertMessage, DeliveryReceipt } from '../types.ts';
import { dingtalkBody, feishuBody, slackBody, smsBody, teamsBody, wecomBody } from './chat-formats.ts';
import { jsonCode, postJson, statusOnly, type PostJson } from './http-post.ts';
import { dingtalkSignedUrl, feishuSign, onairSignatureHeaders } from './signing.ts';
import { webhookPayload } from './webhook-payload.ts';

/** What every channel is built with. */
export interface ChannelContext extends Pick<AlertingCore, 'settings' | 'clock'> {
  /** No answer within this → a retryable receipt (a hung receiver never hangs delivery). */
  timeoutMs: number;
}

export interface ChannelSender {
  send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt>;
  stop?(): Promise<void>;
}

/** A chat or webhook receiver: builds its request; HttpChannel sends it. */
export interface HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage, now: number): PostJson;
}

export class HttpChannel implements ChannelSender {
  constructor(
    private readonly context: ChannelContext,
    private readonly builder: HttpRequestBuilder,
  ) {}

  async send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt> {
    // A URL that cannot work stays wrong: said once, not retried as a network error would be.
    if (!/^https?:\/\/[^/]/i.test(contact.to) || !URL.canParse(contact.to))
      return { ok: false, ms: 0, retryable: false, error: `contact point ${contact.id}: "to" is not an http(s) URL` };
    const request = this.builder.request(contact, message, this.context.clock.now());
    return postJson(request, { clock: this.context.clock, timeoutMs: this.context.timeoutMs, signal });
  }
}

const json = (body: unknown): string => JSON.stringify(body);

/** OnAir's own JSON (webhook-payload.ts), signed with the contact point's secret when it has one (signing.ts). */
export class WebhookRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage, now: number): PostJson {
    const body = json(webhookPayload(message, now));
    return { url: contact.to, body, headers: contact.secret ? onairSignatureHeaders(contact.secret, now, body) : {}, check: statusOnly };
  }
}

/** Slack answers the text "ok" with 200, and refuses a bad payload with 400 "invalid_payload". */
export class SlackRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage): PostJson {
    return { url: contact.to, body: json(slackBody(message)), check: statusOnly };
  }
}

/** Teams Workflows answers 202 Accepted with an empty body. */
export class TeamsRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage): PostJson {
    return { url: contact.to, body: json(teamsBody(message)), check: statusOnly };
  }
}

/**
 * WeCom answers 200 with `{errcode, errmsg}`: 0 is delivered, anything else is its refusal (errmsg kept;
 * e.g. 40058 content too long), except 45009 "api freq out of limit" (its robots take 20 a minute):
 * tried again after a minute.
 */
const WECOM_THROTTLED = { 45009: 60_000 };
export class WecomRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage): PostJson {
    return { url: contact.to, body: json(wecomBody(message, contact)), check: jsonCode('WeCom', ['errcode'], ['errmsg'], WECOM_THROTTLED) };
  }
}

/** DingTalk answers 200 with `{errcode, errmsg}` (310000: sign not match, keywords not in content, IP not allowed). */
export class DingtalkRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage, now: number): PostJson {
    const url = contact.secret ? dingtalkSignedUrl(contact.to, contact.secret, now) : contact.to;
    return { url, body: json(dingtalkBody(message, contact)), check: jsonCode('DingTalk', ['errcode'], ['errmsg']) };
  }
}

/** Feishu answers `{code, msg}` (19021: sign match fail or timestamp not within an hour); older bots `{StatusCode, StatusMessage}`. */
export class FeishuRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage, now: number): PostJson {
    const timestamp = Math.floor(now / 1000);
    const signature = contact.secret ? { timestamp, sign: feishuSign(contact.secret, timestamp) } : undefined;
    return {
      url: contact.to,
      body: json(feishuBody(message, signature)),
      check: jsonCode('Feishu', ['code', 'StatusCode'], ['msg', 'StatusMessage']),
    };
  }
}

/** A gateway's webhook: `{to, text}`, signed like the generic webhook when the contact point has a secret. */
export class SmsRequest implements HttpRequestBuilder {
  request(contact: ContactPoint, message: AlertMessage, now: number): PostJson {
    const body = json(smsBody(message, contact));
    return { url: contact.to, body, headers: contact.secret ? onairSignatureHeaders(contact.secret, now, body) : {}, check: statusOnly };
  }
}
