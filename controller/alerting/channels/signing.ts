/**
 * The signatures each receiver checks, pure (the time is given). Three different schemes; each is
 * exactly what its vendor documents, with the test vectors of ../shared/reference/media-and-alerting.md
 * §5.4/§5.5 in test/unit/alerting-channels-signing.test.ts.
 */
import { createHmac } from 'node:crypto';

/**
 * OnAir's generic webhook, as Stripe signs its webhooks (a timestamp joined to the raw body with
 * ".", so a captured request cannot be replayed later) in GitHub's header form (`sha256=<hex>`,
 * X-Hub-Signature-256):
 *   X-OnAir-Timestamp: <unix seconds>
 *   X-OnAir-Signature: sha256=<hex HMAC-SHA256(key = secret, message = timestamp + "." + raw body)>
 * A receiver recomputes it over the bytes it received, compares in constant time, and rejects a
 * timestamp more than 5 minutes from its own clock (Stripe's default tolerance).
 * Sources: https://docs.stripe.com/webhooks#verify-manually ,
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const SIGNATURE_HEADER = 'X-OnAir-Signature';
export const TIMESTAMP_HEADER = 'X-OnAir-Timestamp';

export function onairSignature(secret: string, timestampSeconds: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}

export function onairSignatureHeaders(secret: string, nowMs: number, rawBody: string): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: onairSignature(secret, ts, rawBody) };
}

/**
 * DingTalk custom robot "加签": timestamp in MILLISECONDS, string to sign = timestamp + "\n" + secret,
 * key = secret, sign = urlEncode(base64(HmacSHA256)); both go in the URL as `&timestamp=&sign=`;
 * DingTalk refuses a timestamp more than an hour off.
 * Source: https://open.dingtalk.com/document/robots/customize-robot-security-settings (Python sample
 * quoted by https://blog.csdn.net/weixin_31560545/article/details/116255918); vector as
 * https://docs.rs/crate/dingding/latest/source/src/signature.rs
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'));
}

export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestampMs));
  // Already URL-encoded as DingTalk documents it: appended as is, not through searchParams (which would encode "%" again).
  return `${signed.toString()}&sign=${dingtalkSign(secret, timestampMs)}`;
}

/**
 * Feishu custom bot "签名校验" — NOT DingTalk's scheme: timestamp in SECONDS, the KEY is
 * timestamp + "\n" + secret and the message is EMPTY; sign = base64 (no URL-encoding); `timestamp`
 * (a string) and `sign` are fields of the JSON body next to `msg_type`.
 * Source: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (Python sample quoted by
 * https://m.down10s.com/jiaocheng/5605312225.html and https://damodev.csdn.net/68230044a5baf817cf4af7cf.html)
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
