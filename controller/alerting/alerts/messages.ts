/**
 * The alert part's user-facing words (an alert's summary and detail, the CLI's alarm table), one table
 * keyed by message id in Simplified Chinese and English, so issue 24's catalogue can take them over.
 * Alerts store their summary in English (as the event log speaks); a channel may render it again in
 * a person's language with `alertText`.
 */
import type { Locale } from '../../../protocols/alerting.ts';

type Params = Record<string, string | number>;

export const ALERT_MESSAGES = {
  'agent-lost': { en: '{agent} lost: {devices} devices, {slots}', 'zh-CN': '{agent} 失联：{devices} 台设备，{slots}' },
  'slots.none': { en: 'no slot on air affected', 'zh-CN': '未影响播出中的机位' },
  'slots.pending': { en: '{slots} slots affected, failing over', 'zh-CN': '影响 {slots} 个机位，正在切换' },
  'slots.all-over': { en: '{slots} slots affected, all failed over', 'zh-CN': '影响 {slots} 个机位，均已切换到备份' },
  'slots.some-down': {
    en: '{slots} slots affected, {down} down, {over} failed over',
    'zh-CN': '影响 {slots} 个机位，{down} 个中断，{over} 个已切换',
  },
  device: { en: '{device} {status}', 'zh-CN': '{device} {status}' },
  'device.failing-over': { en: '{device} {status}, failing over', 'zh-CN': '{device} {status}，正在切换' },
  'device.failed-over': { en: '{device} {status}, failed over to {to}', 'zh-CN': '{device} {status}，已切换到 {to}' },
  'device.failover-failed': { en: '{device} {status}, failover failed', 'zh-CN': '{device} {status}，切换失败' },
  'no-backup-left': { en: 'no backup left', 'zh-CN': '已无可用备份' },
  'slot-down': { en: 'slot {slot} is down', 'zh-CN': '机位 {slot} 中断' },
  content: { en: '{device}: {fault}', 'zh-CN': '{device}：{fault}' },
  'broker-lost': {
    en: 'the controller lost its broker: no failover is decided until it is back',
    'zh-CN': '控制器与消息代理断开：恢复前不会做任何切换决定',
  },
  'preshow-no-go': { en: 'pre-show check for {show}: NO-GO: {problems}', 'zh-CN': '{show} 播前检查：不通过：{problems}' },
  'cli.none': { en: 'no alerts', 'zh-CN': '没有告警' },
  'cli.header': {
    en: 'ALERT  STATE         SEVERITY  STARTED           COUNT  SUMMARY',
    'zh-CN': '告警   状态          级别      开始时间          次数   摘要',
  },
  'cli.acked-by': { en: 'acknowledged by {by} at {at}', 'zh-CN': '{by} 于 {at} 确认' },
  'cli.inhibits': { en: 'includes {n} alerts of the same cause', 'zh-CN': '含同一原因的 {n} 条告警' },
  'cli.acked': { en: 'alert #{id} acknowledged by {by}', 'zh-CN': '告警 #{id} 已由 {by} 确认' },
} as const satisfies Record<string, Record<Locale, string>>;

export type AlertMessageId = keyof typeof ALERT_MESSAGES;

/** One message in a language, its {placeholders} filled. */
export function alertText(id: AlertMessageId, params: Params = {}, locale: Locale = 'en'): string {
  return ALERT_MESSAGES[id][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
