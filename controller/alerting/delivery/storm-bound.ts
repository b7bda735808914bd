/**
 * The storm bound of each contact point: how many sends a minute (and, where a vendor limits bursts,
 * a second) it takes. Past the minute's bound the rest of a storm is merged into one digest; past the
 * second's bound a send only waits (a burst of five is not a storm). Pure: the caller passes the time.
 *
 * Defaults per kind, and why (vendor limits per robot/bot/webhook; see docs/alerting/delivery.md):
 * - dingtalk 20/min: DingTalk's custom robot takes 20 messages a minute and throttles it for 10 minutes past that.
 * - wecom 20/min: WeCom's group robot takes 20 messages a minute.
 * - feishu 100/min and 5/s: Feishu's custom bot takes 100 requests a minute and 5 a second.
 * - slack 60/min and 1/s: Slack's incoming webhooks take about one message a second (short bursts allowed).
 * - teams 30/min: our choice; Workflows (Power Automate) throttles flows, and a channel reading 30 cards a minute reads none.
 * - email 30/min: our choice; relays limit senders, and an inbox past 30 a minute is a storm a person cannot read.
 * - webhook 60/min: our choice; a generic receiver (a pager gateway, a ticket system) at one a second.
 * - sms 6/min: our choice; every text buzzes a phone and costs money: one every 10 s, the rest in a digest.
 */
import type { ContactKind, ContactPoint } from '../../../protocols/alerting.ts';

export interface StormLimits {
  perMinute: number;
  perSecond?: number;
}

export const STORM_LIMITS: Record<ContactKind, StormLimits> = {
  dingtalk: { perMinute: 20 },
  wecom: { perMinute: 20 },
  feishu: { perMinute: 100, perSecond: 5 },
  slack: { perMinute: 60, perSecond: 1 },
  teams: { perMinute: 30 },
  email: { perMinute: 30 },
  webhook: { perMinute: 60 },
  sms: { perMinute: 6 },
};

const MINUTE = 60_000;
const SECOND = 1_000;

/** A contact point's limits: its own `maxPerMinute` when set (the kind's per-second limit stays: it is the vendor's). */
export function stormLimits(contact: Pick<ContactPoint, 'kind' | 'maxPerMinute'>): StormLimits {
  const byKind = STORM_LIMITS[contact.kind];
  return contact.maxPerMinute === undefined ? byKind : { ...byKind, perMinute: contact.maxPerMinute };
}

/** May a send go now: yes, or which bound is full and when it allows the next send. */
export type StormVerdict = { ok: true } | { ok: false; bound: 'minute' | 'second'; at: number };

/**
 * The sends (attempts: each one reaches the vendor) of each contact point in the last minute. Held
 * in memory: after a restart the bound starts afresh (at most one extra minute's worth is sent).
 * Memory is bounded by the number of contact points times their per-minute bound.
 */
export class StormWindow {
  private readonly sent = new Map<string, number[]>();

  verdict(contact: string, limits: StormLimits, now: number): StormVerdict {
    const times = this.recent(contact, now);
    if (times.length >= limits.perMinute) return { ok: false, bound: 'minute', at: times[times.length - limits.perMinute]! + MINUTE };
    if (limits.perSecond !== undefined) {
      const lastSecond = times.filter((t) => t > now - SECOND);
      if (lastSecond.length >= limits.perSecond)
        return { ok: false, bound: 'second', at: lastSecond[lastSecond.length - limits.perSecond]! + SECOND };
    }
    return { ok: true };
  }

  note(contact: string, now: number): void {
    const times = this.recent(contact, now);
    times.push(now);
    this.sent.set(contact, times);
  }

  private recent(contact: string, now: number): number[] {
    const times = (this.sent.get(contact) ?? []).filter((t) => t > now - MINUTE);
    if (times.length === 0) this.sent.delete(contact);
    else this.sent.set(contact, times);
    return times;
  }
}
