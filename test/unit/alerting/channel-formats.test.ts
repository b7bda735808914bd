import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  dingtalkBody,
  feishuBody,
  slackBody,
  smsBody,
  teamsBody,
  truncateChars,
  truncateUtf8,
  wecomBody,
} from '../../../controller/alerting/channels/chat-formats.ts';
import { judgeAnswer, jsonCode, retryAfterMs, statusOnly } from '../../../controller/alerting/channels/http-post.ts';
import { WebhookNotification, webhookJsonSchema, webhookPayload } from '../../../controller/alerting/channels/webhook-payload.ts';
import { emailHtml, judgeSmtpError } from '../../../controller/alerting/channels/email.ts';
import type { ContactPoint } from '../../../protocols/alerting.ts';
import type { AlertMessage } from '../../../controller/alerting/types.ts';
import { T0, cameraAlert } from '../../support/alert-fixture.ts';

const message: AlertMessage = {
  reason: 'firing',
  locale: 'zh-CN',
  severity: 'critical',
  title: '[严重] 机位-1 画面黑场 — 已切换到备机',
  text: '情况：画面黑场\n一键确认：https://onair.example/ack/t',
  ackUrl: 'https://onair.example/ack/t',
  consoleUrl: 'https://onair.example/alerts/7',
};
const contact = (kind: ContactPoint['kind'], extra: Partial<ContactPoint> = {}): ContactPoint => ({
  id: `${kind}-1`,
  kind,
  to: 'https://receiver.example/hook',
  ...extra,
});

describe('chat formats: literal bodies', () => {
  it('Slack: text fallback, a header, a mrkdwn section with &<> escaped, link buttons', () => {
    expect(slackBody({ ...message, text: 'a <b> & c' })).toEqual({
      text: '[严重] 机位-1 画面黑场 — 已切换到备机\na <b> & c',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '[严重] 机位-1 画面黑场 — 已切换到备机' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'a &lt;b&gt; &amp; c' } },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: '确认告警' }, url: 'https://onair.example/ack/t', style: 'danger' },
            { type: 'button', text: { type: 'plain_text', text: '打开控制台' }, url: 'https://onair.example/alerts/7' },
          ],
        },
      ],
    });
  });

  it('Teams Workflows: a message with one Adaptive Card attachment', () => {
    expect(teamsBody({ ...message, ackUrl: undefined as never, consoleUrl: undefined as never })).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true, color: 'Attention' },
              { type: 'TextBlock', text: message.text, wrap: true },
            ],
          },
        },
      ],
    });
  });

  it('WeCom: markdown with its links tappable; text with mentioned_mobile_list when the contact names a phone', () => {
    expect(wecomBody(message, contact('wecom'))).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '**<font color="warning">[严重] 机位-1 画面黑场 — 已切换到备机</font>**\n情况：画面黑场\n一键确认：[https://onair.example/ack/t](https://onair.example/ack/t)',
      },
    });
    expect(wecomBody(message, contact('wecom', { phone: '13800001111' }))).toEqual({
      msgtype: 'text',
      text: { content: `${message.title}\n${message.text}`, mentioned_mobile_list: ['13800001111'] },
    });
  });

  it('WeCom: cuts at 4096 bytes (markdown) and 2048 bytes (text) on a character boundary', () => {
    const long = { ...message, text: '黑'.repeat(3000) }; // 9000 bytes
    const markdown = (wecomBody(long, contact('wecom')) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(4096);
    expect(markdown.endsWith('黑…')).toBe(true);
    const text = (wecomBody(long, contact('wecom', { phone: '13800001111' })) as { text: { content: string } }).text.content;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2040);
    expect(text).not.toContain('\uFFFD');
    // 'ab黑黑黑' is 11 bytes; "…" takes 3 of the budget: 7 leaves room for "ab" only (a 黑 is never split), 8 for "ab黑".
    expect(truncateUtf8('ab黑黑黑', 7)).toBe('ab…');
    expect(truncateUtf8('ab黑黑黑', 8)).toBe('ab黑…');
    expect(truncateUtf8('ab黑黑黑', 11)).toBe('ab黑黑黑');
    expect(truncateChars('😀😀😀', 2)).toBe('😀…');
  });

  it('DingTalk: markdown with at.atMobiles, the mobile named in the text too', () => {
    expect(dingtalkBody(message, contact('dingtalk', { phone: '13800001111' }))).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: message.title,
        text: `### ${message.title}\n\n情况：画面黑场\n\n一键确认：[https://onair.example/ack/t](https://onair.example/ack/t)\n\n@13800001111`,
      },
      at: { atMobiles: ['13800001111'], isAtAll: false },
    });
  });

  it('Feishu: a post in the message language, links as a-elements, timestamp and sign as body fields', () => {
    expect(feishuBody(message, { timestamp: 1_700_000_000, sign: 'fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=' })).toEqual({
      timestamp: '1700000000',
      sign: 'fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=',
      msg_type: 'post',
      content: {
        post: {
          zh_cn: {
            title: message.title,
            content: [
              [{ tag: 'text', text: '情况：画面黑场' }],
              [{ tag: 'text', text: '一键确认：https://onair.example/ack/t' }],
              [{ tag: 'a', text: '确认告警', href: 'https://onair.example/ack/t' }],
              [{ tag: 'a', text: '打开控制台', href: 'https://onair.example/alerts/7' }],
            ],
          },
        },
      },
    });
  });

  it('SMS: {to, text} within 140 characters, the ack link only if it fits', () => {
    expect(smsBody(message, contact('sms', { phone: '+8613800001111' }))).toEqual({
      to: '+8613800001111',
      text: '[严重] 机位-1 画面黑场 — 已切换到备机 https://onair.example/ack/t',
    });
    const long = smsBody({ ...message, title: 'x'.repeat(200) }, contact('sms', { phone: '+8613800001111' }));
    expect([...long.text]).toHaveLength(140);
    expect(() => smsBody(message, contact('sms'))).toThrow(/no phone/);
  });
});

describe('generic webhook payload', () => {
  it('is valid against its own schema and carries the alert without its internals', () => {
    const payload = webhookPayload({ ...message, alert: cameraAlert(), incident: { id: 3, title: 'x' } }, T0);
    expect(Value.Check(WebhookNotification, payload)).toBe(true);
    expect(payload).toMatchObject({
      version: 1,
      reason: 'firing',
      sentAt: T0,
      alert: { id: 7, key: 'failover:cam-main', noBackupLeft: true },
    });
    expect(payload.alert).not.toHaveProperty('events');
    expect(payload.alert).not.toHaveProperty('inhibits');
  });

  it('is published as docs/schemas/alerting-webhook.json, kept current', () => {
    expect(readFileSync(new URL('../../../docs/schemas/alerting-webhook.json', import.meta.url), 'utf8')).toBe(webhookJsonSchema());
  });
});

describe('receipts', () => {
  const now = T0;
  it('2xx plus the vendor success code is delivered; a vendor error code is not, and not retried', () => {
    const dingtalk = jsonCode('DingTalk', ['errcode'], ['errmsg']);
    expect(judgeAnswer(200, null, '{"errcode":0,"errmsg":"ok"}', dingtalk, now)).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(judgeAnswer(200, null, '{"errcode":310000,"errmsg":"sign not match"}', dingtalk, now)).toEqual({
      ok: false,
      error: 'DingTalk errcode 310000: sign not match',
      retryable: false,
    });
    const feishu = jsonCode('Feishu', ['code', 'StatusCode'], ['msg', 'StatusMessage']);
    expect(judgeAnswer(200, null, '{"StatusCode":0,"StatusMessage":"success"}', feishu, now).ok).toBe(true);
    expect(judgeAnswer(200, null, '<html>', feishu, now)).toMatchObject({ ok: false, retryable: false });
    const wecom = jsonCode('WeCom', ['errcode'], ['errmsg'], { 45009: 60_000 });
    expect(judgeAnswer(200, null, '{"errcode":45009,"errmsg":"api freq out of limit"}', wecom, now)).toEqual({
      ok: false,
      error: 'WeCom errcode 45009: api freq out of limit',
      retryable: true,
      retryAfterMs: 60_000,
    });
  });

  it('429 is retried after its Retry-After (seconds or a date); 5xx and 408 are retried; other 4xx are not', () => {
    expect(judgeAnswer(429, '7', 'slow down', statusOnly, now)).toEqual({
      ok: false,
      error: 'HTTP 429: slow down',
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(judgeAnswer(503, null, '', statusOnly, now)).toEqual({ ok: false, error: 'HTTP 503', retryable: true });
    expect(judgeAnswer(408, null, '', statusOnly, now)).toMatchObject({ retryable: true });
    expect(judgeAnswer(404, null, 'no_service', statusOnly, now)).toEqual({ ok: false, error: 'HTTP 404: no_service', retryable: false });
  });

  it('SMTP: a wrong login or a refused STARTTLS is not retried; a 4xx reply or a dropped connection is', () => {
    expect(judgeSmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 }), 'mx')).toMatchObject({
      retryable: false,
    });
    expect(judgeSmtpError(Object.assign(new Error('no STARTTLS'), { code: 'ETLS' }), 'mx')).toMatchObject({ retryable: false });
    expect(judgeSmtpError(Object.assign(new Error('greylisted'), { responseCode: 451 }), 'mx')).toMatchObject({ retryable: true });
    expect(judgeSmtpError(Object.assign(new Error('no such user'), { responseCode: 550 }), 'mx')).toMatchObject({ retryable: false });
    expect(judgeSmtpError(Object.assign(new Error('refused'), { code: 'ECONNECTION' }), 'mx')).toEqual({
      error: 'SMTP mx: refused',
      retryable: true,
    });
  });

  it('e-mail HTML escapes the text and links the links', () => {
    const html = emailHtml({ ...message, text: 'a <b>\nhttps://onair.example/ack/t' });
    expect(html).toContain('a &lt;b&gt;<br>\n<a href="https://onair.example/ack/t">https://onair.example/ack/t</a>');
    expect(html).toContain('<html lang="zh-CN">');
  });
});
