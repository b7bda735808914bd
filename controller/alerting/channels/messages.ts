/**
 * Every word a notification says, in Simplified Chinese and English: ONE table keyed by message id,
 * so issue 24's message catalogue can take it over whole. `{name}` is filled by `say`; nothing
 * user-facing is written inline anywhere else in channels/.
 */
import type { AlertKind, AlertSeverity, Locale } from '../../../protocols/alerting.ts';

type Texts = Readonly<Record<Locale, string>>;

export const MESSAGES = {
  'severity.critical': { 'zh-CN': '严重', en: 'CRITICAL' },
  'severity.warning': { 'zh-CN': '警告', en: 'WARNING' },
  'severity.minor': { 'zh-CN': '次要', en: 'MINOR' },

  'kind.agent-lost': { 'zh-CN': '代理失联', en: 'agent lost' },
  'kind.slot-down': { 'zh-CN': '机位停播', en: 'slot off air' },
  'kind.failover': { 'zh-CN': '故障切换', en: 'failover' },
  'kind.device': { 'zh-CN': '设备故障', en: 'device fault' },
  'kind.content': { 'zh-CN': '画面/声音异常', en: 'picture or sound fault' },
  'kind.endurance': { 'zh-CN': '续航不足', en: 'will not last the show' },
  'kind.preshow': { 'zh-CN': '开播前检查未通过', en: 'pre-show check NO-GO' },
  'kind.controller': { 'zh-CN': '控制器故障', en: 'controller trouble' },

  'title.firing': { 'zh-CN': '[{severity}] {summary}', en: '[{severity}] {summary}' },
  'title.escalated': { 'zh-CN': '[{severity}·升级] {summary}', en: '[{severity} · ESCALATED] {summary}' },
  'title.resolved': { 'zh-CN': '[已恢复] {summary} — 持续 {duration}', en: '[RESOLVED] {summary} — lasted {duration}' },
  'title.digest': { 'zh-CN': '[OnAir] 另有 {count} 条告警被合并', en: '[OnAir] {count} more alerts held back' },
  'title.test': { 'zh-CN': '[OnAir] 测试通知', en: '[OnAir] test notification' },

  'line.what': { 'zh-CN': '情况：{kind} — {summary}', en: 'What: {kind} — {summary}' },
  'line.where': { 'zh-CN': '位置：{where}', en: 'Where: {where}' },
  'where.studio': { 'zh-CN': '演播室 {value}', en: 'studio {value}' },
  'where.show': { 'zh-CN': '节目 {value}', en: 'show {value}' },
  'where.slot': { 'zh-CN': '机位 {value}', en: 'slot {value}' },
  'where.device': { 'zh-CN': '设备 {value}', en: 'device {value}' },
  'where.agent': { 'zh-CN': '代理 {value}', en: 'agent {value}' },
  'line.since': { 'zh-CN': '开始：{time}', en: 'Since: {time}' },
  'line.count': { 'zh-CN': '已反复出现 {count} 次', en: 'Came back {count} times' },
  'line.did': { 'zh-CN': 'OnAir 已处理：{detail}', en: 'What OnAir did: {detail}' },
  'line.noBackup': {
    'zh-CN': '⚠ 已无备机：再出故障将直接停播',
    en: '⚠ No backup left: the next fault takes it off air',
  },
  'line.incident': { 'zh-CN': '事件 #{id}：{title}', en: 'Incident #{id}: {title}' },
  'line.told': { 'zh-CN': '已通知：{people}', en: 'Told: {people}' },
  'line.ackedBy': { 'zh-CN': '已由 {person} 确认', en: 'Acknowledged by {person}' },
  'line.runbook': { 'zh-CN': '处置预案：{title}', en: 'Runbook: {title}' },
  'line.ack': { 'zh-CN': '一键确认：{url}', en: 'Acknowledge: {url}' },
  'line.console': { 'zh-CN': '控制台：{url}', en: 'Console: {url}' },
  'line.resolvedAfter': { 'zh-CN': '故障已结束，持续 {duration}', en: 'The cause ended after {duration}' },
  'line.digestIntro': {
    'zh-CN': '为免刷屏，以下告警已合并为一条：',
    en: 'To keep this channel readable, these alerts were held back:',
  },
  'line.test': {
    'zh-CN': '这是 OnAir 发出的测试通知：此联系方式可以收到告警。无需处理。',
    en: 'This is a test from OnAir: alerts reach this contact point. Nothing to do.',
  },

  'link.ack': { 'zh-CN': '确认告警', en: 'Acknowledge' },
  'link.console': { 'zh-CN': '打开控制台', en: 'Open console' },

  'duration.seconds': { 'zh-CN': '{s}秒', en: '{s} s' },
  'duration.minutes': { 'zh-CN': '{m}分{s}秒', en: '{m} min {s} s' },
  'duration.hours': { 'zh-CN': '{h}小时{m}分', en: '{h} h {m} min' },
  'list.separator': { 'zh-CN': '、', en: ', ' },
} as const satisfies Record<string, Texts>;

export type MessageId = keyof typeof MESSAGES;

/** The text of `id` in `locale`, its `{name}` places filled. */
export function say(locale: Locale, id: MessageId, values: Record<string, string | number> = {}): string {
  return MESSAGES[id][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export const severityWord = (locale: Locale, severity: AlertSeverity): string => say(locale, `severity.${severity}`);
export const kindWord = (locale: Locale, kind: AlertKind): string => say(locale, `kind.${kind}`);

/** "3 min 12 s" / "3分12秒": how long something lasted, to the second. */
export function durationWords(locale: Locale, ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return say(locale, 'duration.hours', { h, m });
  if (m > 0) return say(locale, 'duration.minutes', { m, s });
  return say(locale, 'duration.seconds', { s });
}
