import { describe, expect, it } from 'vitest';
import { contactTestHandler } from '../../../controller/alerting/channels/contact-test.ts';
import type { AlertMessage, ContactSender, DeliveryReceipt } from '../../../controller/alerting/types.ts';
import type { ContactPoint } from '../../../protocols/alerting.ts';

/** A sender that keeps what it was asked to send and answers the given receipt. */
function recordingSender(receipt: DeliveryReceipt): ContactSender & { sent: Array<[ContactPoint, AlertMessage]> } {
  const sent: Array<[ContactPoint, AlertMessage]> = [];
  return { sent, send: async (contact, message) => (sent.push([contact, message]), receipt) };
}

const points: Record<string, ContactPoint> = {
  'ops-slack': { id: 'ops-slack', kind: 'slack', to: 'https://hooks.slack.com/services/T/B/x', locale: 'en' },
  'wang-dingtalk': { id: 'wang-dingtalk', kind: 'dingtalk', to: 'https://oapi.dingtalk.com/robot/send?access_token=t' },
};
const directory = { contact: (id: string) => points[id] };

describe('contact.test', () => {
  it('sends a test message in the contact point language (zh-CN unless it says otherwise) and answers the receipt', async () => {
    const sender = recordingSender({ ok: true, ms: 42 });
    const test = contactTestHandler(directory, sender)['contact.test'];
    expect(await test({ id: 'ops-slack' }, 'admin')).toEqual({ sent: true, ms: 42 });
    expect(await test({ id: 'wang-dingtalk' }, 'admin')).toEqual({ sent: true, ms: 42 });
    expect(sender.sent.map(([c, m]) => [c.id, m.reason, m.title])).toEqual([
      ['ops-slack', 'test', '[OnAir] test notification'],
      ['wang-dingtalk', 'test', '[OnAir] 测试通知'],
    ]);
  });

  it('answers a failed send with its error, and refuses an unknown contact point', async () => {
    const sender = recordingSender({ ok: false, ms: 7, retryable: false, error: 'DingTalk errcode 310000: sign not match' });
    const test = contactTestHandler(directory, sender)['contact.test'];
    expect(await test({ id: 'wang-dingtalk' }, 'admin')).toEqual({ sent: false, ms: 7, error: 'DingTalk errcode 310000: sign not match' });
    await expect(async () => test({ id: 'nobody' }, 'admin')).rejects.toThrow('no contact point "nobody"');
  });
});
