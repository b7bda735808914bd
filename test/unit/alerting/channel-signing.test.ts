import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dingtalkSign,
  dingtalkSignedUrl,
  feishuSign,
  onairSignature,
  onairSignatureHeaders,
} from '../../../controller/alerting/channels/signing.ts';

describe('chat webhook signatures (vectors: ../shared/reference/media-and-alerting.md §5.4, §5.5)', () => {
  it('signs DingTalk as its docs do: ms timestamp, key = secret, message = timestamp\\nsecret, URL-encoded', () => {
    expect(dingtalkSign('secret', 1_700_000_000_000)).toBe('OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D');
  });

  it('puts DingTalk timestamp and sign into the URL, the sign encoded once', () => {
    const url = dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'secret', 1_700_000_000_000);
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D',
    );
  });

  it('signs Feishu as its docs do: seconds, key = timestamp\\nsecret, EMPTY message, not URL-encoded', () => {
    expect(feishuSign('secret', 1_700_000_000)).toBe('fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=');
    // The DingTalk form over the same inputs is a different value: using it for Feishu is the known mistake.
    const dingtalkForm = createHmac('sha256', 'secret').update('1700000000\nsecret').digest('base64');
    expect(feishuSign('secret', 1_700_000_000)).not.toBe(dingtalkForm);
  });

  it('signs the generic webhook over "timestamp.body" in seconds, as hex with a sha256= prefix', () => {
    const body = '{"version":1}';
    // HMAC-SHA256(key "s3cret-key", message '1700000000.{"version":1}'), as `openssl dgst -sha256 -hmac s3cret-key` prints it.
    expect(onairSignature('s3cret-key', 1_700_000_000, body)).toBe(
      'sha256=d070c7a7b8a0c2992e0246eb9573005e50f440371c62f02e6e54133f7877a0bc',
    );
    expect(onairSignatureHeaders('s3cret-key', 1_700_000_000_999, body)).toEqual({
      'X-OnAir-Timestamp': '1700000000',
      'X-OnAir-Signature': onairSignature('s3cret-key', 1_700_000_000, body),
    });
    // The timestamp is signed: the same body at another second has another signature (a replay cannot move it).
    expect(onairSignature('s3cret-key', 1_700_000_001, body)).not.toBe(onairSignature('s3cret-key', 1_700_000_000, body));
  });
});
