/**
 * Acknowledgement link tokens: a good one redeems once; a forged, tampered, mangled, expired or
 * reused one is refused with its reason; a standby sharing the store accepts the leader's links;
 * the page's language follows Accept-Language.
 */
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { SignedAckLinks } from '../../controller/alerting/delivery/ack-links.ts';
import { localeOf } from '../../controller/alerting/delivery/ack-route.ts';
import { alertingDb } from '../support/delivery-rig.ts';

const T0 = 1_800_000_000_000;
const TTL = 3_600_000;

describe('acknowledgement link tokens', () => {
  it('redeem once: the alert and person it was for; a second redeem is refused as used', () => {
    const links = new SignedAckLinks(alertingDb(), TTL);
    const token = links.issue(12, 'wang', T0);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/); // base64url payload "." base64url HMAC: safe in a URL path
    expect(links.check(token, T0 + 1)).toEqual({ ok: true, alert: 12, person: 'wang' });
    expect(links.check(token, T0 + 2)).toEqual({ ok: true, alert: 12, person: 'wang' }); // a check uses nothing up
    expect(links.redeem(token, T0 + 3)).toEqual({ ok: true, alert: 12, person: 'wang' });
    expect(links.redeem(token, T0 + 4)).toEqual({ ok: false, reason: 'used' });
    expect(links.check(token, T0 + 5)).toEqual({ ok: false, reason: 'used' });
  });

  it('expires exactly after the time to live', () => {
    const links = new SignedAckLinks(alertingDb(), TTL);
    const token = links.issue(12, undefined, T0);
    expect(links.check(token, T0 + TTL - 1)).toEqual({ ok: true, alert: 12 });
    expect(links.redeem(token, T0 + TTL)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a forged, tampered or mangled token', () => {
    const db = alertingDb();
    const links = new SignedAckLinks(db, TTL);
    const token = links.issue(12, 'wang', T0);
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const otherAlert = Buffer.from(JSON.stringify({ ...payload, alert: 13 })).toString('base64url');
    const otherKey = createHmac('sha256', 'not the key').update(otherAlert).digest('base64url');
    for (const forged of [
      `${otherAlert}.${signature}`, // the payload changed, the signature kept
      `${otherAlert}.${otherKey}`, // signed with another key
      `${body}.${signature.slice(0, -2)}`, // a short signature
      `${body}.`,
      body,
      `${token}.x`,
      'garbage',
    ])
      expect(links.redeem(forged, T0 + 1), forged).toEqual({ ok: false, reason: 'forged' });
    expect(links.redeem(token, T0 + 1)).toMatchObject({ ok: true }); // none of the forgeries used it up
  });

  it('a standby that shares the store accepts the links the leader sent, once in all', () => {
    const db = alertingDb();
    const leader = new SignedAckLinks(db, TTL);
    const token = leader.issue(7, 'li', T0);
    const standby = new SignedAckLinks(db, TTL);
    expect(standby.redeem(token, T0 + 1)).toEqual({ ok: true, alert: 7, person: 'li' });
    expect(leader.redeem(token, T0 + 2)).toEqual({ ok: false, reason: 'used' });
    expect(new SignedAckLinks(alertingDb(), TTL).redeem(leader.issue(7, 'li', T0), T0 + 1)).toEqual({ ok: false, reason: 'forged' });
  });

  it('forgets used nonces once no token carrying them can still be valid', () => {
    const db = alertingDb();
    const links = new SignedAckLinks(db, TTL);
    links.redeem(links.issue(1, undefined, T0), T0);
    links.redeem(links.issue(2, undefined, T0 + TTL + 1), T0 + TTL + 1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM ack_tokens').get()).toEqual({ n: 1 });
  });
});

// The catalogue's rule (i18n/locales.ts): the first language by q-value that we speak, else the studio's default (zh-CN).
describe('the link page language', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr-FR, en;q=0.5, zh;q=0.4', 'en'],
    ['en;q=0.2, zh-TW;q=0.8', 'zh-TW'], // Traditional Chinese is ours now (it was Simplified before zh-TW existed)
    ['zh-HK,en;q=0.5', 'zh-TW'],
    ['en;q=0.2, zh;q=0.8', 'zh-CN'],
    ['de', 'zh-CN'],
  ])('%s → %s', (header, locale) => expect(localeOf(header)).toBe(locale));
});
