/**
 * The user-facing words of delivery (the acknowledgement link's pages), one table keyed by message
 * id in Simplified Chinese and English; issue 24's message catalogue takes them over.
 */
import type { Locale } from '../../../protocols/alerting.ts';

export const DELIVERY_MESSAGES = {
  'ack.title': { 'zh-CN': '确认告警', en: 'Acknowledge alert' },
  'ack.question': {
    'zh-CN': '确认后升级停止，事件记录由您负责处理。',
    en: 'Acknowledging stops the escalation; the incident records that you took it.',
  },
  'ack.button': { 'zh-CN': '确认', en: 'Acknowledge' },
  'ack.severity': { 'zh-CN': '级别', en: 'Severity' },
  'ack.state': { 'zh-CN': '状态', en: 'State' },
  'ack.started': { 'zh-CN': '开始于', en: 'Started' },
  'ack.done': { 'zh-CN': '告警已确认，谢谢。', en: 'The alert is acknowledged. Thank you.' },
  'ack.notAcknowledged': { 'zh-CN': '未能确认此告警：', en: 'The alert could not be acknowledged: ' },
  'ack.unknownAlert': { 'zh-CN': '此告警已不存在。', en: 'This alert no longer exists.' },
  'ack.forged': {
    'zh-CN': '此链接无效（签名不符）。请在控制台或用 onair alarm ack 确认。',
    en: 'This link is not valid (its signature does not match). Acknowledge in the console or with onair alarm ack.',
  },
  'ack.expired': {
    'zh-CN': '此链接已过期。请在控制台或用 onair alarm ack 确认。',
    en: 'This link has expired. Acknowledge in the console or with onair alarm ack.',
  },
  'ack.used': {
    'zh-CN': '此链接已使用过（每个链接只能用一次）。',
    en: 'This link was used already (each link works once).',
  },
  'ack.slowDown': { 'zh-CN': '请求过多，请稍后再试。', en: 'Too many requests: try again in a minute.' },
  'severity.critical': { 'zh-CN': '严重（停播）', en: 'critical (off air)' },
  'severity.warning': { 'zh-CN': '警告', en: 'warning' },
  'severity.minor': { 'zh-CN': '次要', en: 'minor' },
  'state.firing': { 'zh-CN': '未确认', en: 'firing' },
  'state.acknowledged': { 'zh-CN': '已确认', en: 'acknowledged' },
  'state.resolved': { 'zh-CN': '已恢复', en: 'resolved' },
} as const satisfies Record<string, Record<Locale, string>>;

export type DeliveryMessageId = keyof typeof DELIVERY_MESSAGES;

export const deliveryText = (id: DeliveryMessageId, locale: Locale): string => DELIVERY_MESSAGES[id][locale];

/** The language a browser prefers among ours (Accept-Language, by q-value); Chinese unless English ranks first. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  let best: { locale: Locale; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? '1',
    );
    const locale: Locale | undefined = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : undefined;
    if (locale && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'zh-CN';
}
