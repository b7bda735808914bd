/**
 * Every HTTP contact kind against one real receiver on loopback that answers as the vendor would
 * (test/support/chat-receiver.ts: required fields, signatures recomputed, vendor error bodies, 429,
 * 500, a hung receiver), and `contact.test` through the same sender.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMessageComposer } from '../../controller/alerting/channels/compose.ts';
import { createContactSender } from '../../controller/alerting/channels/contact-sender.ts';
import { contactTestHandler } from '../../controller/alerting/channels/contact-test.ts';
import type { ContactPoint } from '../../protocols/alerting.ts';
import { alertingSettings, cameraAlert, cameraIncident, cameraRunbook } from '../support/alert-fixture.ts';
import { startChatReceiver, type ReceiverSecrets } from '../support/chat-receiver.ts';
import { cleanupAfterEach } from './helpers.ts';

const cleanup = cleanupAfterEach();
const secrets: ReceiverSecrets = { dingtalk: 'SECdingtalk-robot-secret', feishu: 'feishu-bot-secret', webhook: 'webhook-hmac-key' };
const TIMEOUT_MS = 500;

const message = createMessageComposer({ timeZone: 'Asia/Shanghai' }).compose({
  reason: 'firing',
  locale: 'zh-CN',
  alert: cameraAlert(),
  incident: cameraIncident,
  runbook: cameraRunbook,
  people: ['王工'],
  ackUrl: 'https://onair.example/ack/tok',
  consoleUrl: 'https://onair.example/alerts/7',
});

async function rig() {
  const receiver = await startChatReceiver(secrets);
  cleanup.defer(() => receiver.close());
  const sender = createContactSender({ settings: alertingSettings(), clock: systemClock, log: silentLogger(), timeoutMs: TIMEOUT_MS });
  cleanup.defer(() => sender.stop());
  const point = (kind: ContactPoint['kind'], path: string, extra: Partial<ContactPoint> = {}): ContactPoint => ({
    id: `${kind}-point`,
    kind,
    to: receiver.url(path),
    ...extra,
  });
  return { receiver, sender, point };
}

describe('chat and webhook contact points against a vendor-like receiver', () => {
  it('delivers to every HTTP kind in its own format, signed where the vendor signs', async () => {
    const { receiver, sender, point } = await rig();
    const points = [
      point('slack', '/slack'),
      point('teams', '/teams'),
      point('wecom', '/wecom?key=k'),
      point('wecom', '/wecom?key=k', { phone: '13800001111' }),
      point('dingtalk', '/dingtalk?access_token=t', { secret: secrets.dingtalk, phone: '13800001111' }),
      point('feishu', '/feishu', { secret: secrets.feishu }),
      point('webhook', '/hook', { secret: secrets.webhook }),
      point('sms', '/sms', { phone: '+8613800001111' }),
    ];
    for (const p of points) expect(await sender.send(p, message), `${p.kind} ${p.to}`).toMatchObject({ ok: true });

    const byPath = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => r.body);
    // The Chinese text arrives intact (UTF-8 both ways).
    expect(String(byPath('/slack')[0]?.text)).toMatch(/^\[严重\] cam-1 black — failed over to cam-2\n情况：故障切换/);
    expect(JSON.stringify(byPath('/teams')[0])).toContain('⚠ 已无备机');
    expect(byPath('/wecom').map((b) => b.msgtype)).toEqual(['markdown', 'text']);
    expect(byPath('/dingtalk')[0]).toMatchObject({ at: { atMobiles: ['13800001111'] } });
    expect(byPath('/hook')[0]).toMatchObject({ version: 1, reason: 'firing', alert: { id: 7 }, ackUrl: 'https://onair.example/ack/tok' });
    expect(byPath('/sms')[0]).toEqual({ to: '+8613800001111', text: message.title + ' https://onair.example/ack/tok' });
  });

  it('passes on the vendor refusal of a bad signature, not to be retried: DingTalk 310000, Feishu 19021, webhook 401', async () => {
    const { sender, point } = await rig();
    const dingtalk = await sender.send(point('dingtalk', '/dingtalk?access_token=t', { secret: 'SECwrong-secret' }), message);
    expect(dingtalk).toEqual({ ok: false, ms: expect.any(Number), retryable: false, error: 'DingTalk errcode 310000: sign not match' });
    const feishu = await sender.send(point('feishu', '/feishu', { secret: 'wrong-secret' }), message);
    expect(feishu).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^Feishu code 19021: sign match fail/) });
    const hook = await sender.send(point('webhook', '/hook', { secret: 'wrong-hmac-key' }), message);
    expect(hook).toMatchObject({ ok: false, retryable: false, error: 'HTTP 401: {"error":"bad signature"}' });
    const unsigned = await sender.send(point('dingtalk', '/dingtalk?access_token=t'), message);
    expect(unsigned).toMatchObject({ ok: false, retryable: false });
  });

  it('keeps a long message within WeCom limits instead of being refused', async () => {
    const { sender, point } = await rig();
    const long = { ...message, text: `${message.text}\n${'备用机位在 B2 柜。'.repeat(400)}` };
    expect(await sender.send(point('wecom', '/wecom?key=k'), long)).toMatchObject({ ok: true });
    expect(await sender.send(point('wecom', '/wecom?key=k', { phone: '13800001111' }), long)).toMatchObject({ ok: true });
  });

  it('retries after Retry-After on 429 and on 5xx; not on 404', async () => {
    const { sender, point } = await rig();
    expect(await sender.send(point('slack', '/busy'), message)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
    expect(await sender.send(point('teams', '/boom'), message)).toMatchObject({
      ok: false,
      retryable: true,
      error: 'HTTP 500: internal error',
    });
    expect(await sender.send(point('slack', '/nowhere'), message)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'HTTP 404: no_service',
    });
    expect(await sender.send({ ...point('slack', '/slack'), to: 'hooks.slack.com/services/x' }, message)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'contact point slack-point: "to" is not an http(s) URL',
    });
    // A contact point its format cannot use is a receipt too, not an exception.
    expect(await sender.send(point('sms', '/sms'), message)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/no phone/),
    });
  });

  it('gives up on a receiver that hangs after its deadline, and on one that is not there, both to be retried', async () => {
    const { sender, point, receiver } = await rig();
    const hung = await sender.send(point('webhook', '/hang'), message);
    expect(hung).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/no answer within 500 ms$/) });
    expect(hung.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(hung.ms).toBeLessThan(TIMEOUT_MS + 2_000);
    await receiver.close();
    const gone = await sender.send(point('slack', '/slack'), message);
    expect(gone).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(gone.ok || gone.error).not.toContain('/slack'); // the host only: a webhook URL's path and query are its password
  });

  it('contact.test sends a test notification now and answers what the receiver said', async () => {
    const { sender, point, receiver } = await rig();
    const points = new Map([
      ['team-slack', { ...point('slack', '/slack'), id: 'team-slack', locale: 'en' as const }],
      ['bad-dingtalk', { ...point('dingtalk', '/dingtalk?access_token=t', { secret: 'SECwrong-secret' }), id: 'bad-dingtalk' }],
    ]);
    const handler = contactTestHandler({ contact: (id) => points.get(id) }, sender)['contact.test'];

    expect(await handler({ id: 'team-slack' }, 'admin')).toEqual({ sent: true, ms: expect.any(Number) });
    expect(JSON.stringify(receiver.received.at(-1)?.body)).toContain('[OnAir] test notification');
    expect(await handler({ id: 'bad-dingtalk' }, 'admin')).toEqual({
      sent: false,
      ms: expect.any(Number),
      error: 'DingTalk errcode 310000: sign not match',
    });
    await expect(async () => handler({ id: 'nobody' }, 'admin')).rejects.toThrow('no contact point "nobody"');
  });
});
