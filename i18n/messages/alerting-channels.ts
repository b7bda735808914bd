/**
 * Every word a notification says (e-mail, chat, SMS, webhook text): nothing user-facing is written
 * inline in controller/alerting/channels/. The alert's own summary comes from alerting-alerts.ts.
 */
import { defineMessages } from '../define.ts';

export const alertingChannels = defineMessages('alerting-channels', {
  'severity.critical': { 'zh-CN': '严重', 'zh-TW': '嚴重', en: 'CRITICAL' },
  'severity.warning': { 'zh-CN': '警告', 'zh-TW': '警告', en: 'WARNING' },
  'severity.minor': { 'zh-CN': '次要', 'zh-TW': '次要', en: 'MINOR' },

  'kind.agent-lost': { 'zh-CN': '代理失联', 'zh-TW': '代理失聯', en: 'agent lost' },
  'kind.slot-down': { 'zh-CN': '机位停播', 'zh-TW': '機位停播', en: 'slot off air' },
  'kind.failover': { 'zh-CN': '故障切换', 'zh-TW': '故障切換', en: 'failover' },
  'kind.device': { 'zh-CN': '设备故障', 'zh-TW': '設備故障', en: 'device fault' },
  'kind.content': { 'zh-CN': '画面/声音异常', 'zh-TW': '畫面/聲音異常', en: 'picture or sound fault' },
  'kind.endurance': { 'zh-CN': '续航不足', 'zh-TW': '續航不足', en: 'will not last the show' },
  'kind.preshow': { 'zh-CN': '开播前检查未通过', 'zh-TW': '開播前檢查未通過', en: 'pre-show check NO-GO' },
  'kind.controller': { 'zh-CN': '控制器故障', 'zh-TW': '控制器故障', en: 'controller trouble' },

  'title.firing': { 'zh-CN': '[{severity}] {summary}', 'zh-TW': '[{severity}] {summary}', en: '[{severity}] {summary}' },
  'title.escalated': {
    'zh-CN': '[{severity}·升级] {summary}',
    'zh-TW': '[{severity}·升級] {summary}',
    en: '[{severity} · ESCALATED] {summary}',
  },
  'title.resolved': {
    'zh-CN': '[已恢复] {summary} — 持续 {duration}',
    'zh-TW': '[已恢復] {summary} — 持續 {duration}',
    en: '[RESOLVED] {summary} — lasted {duration}',
  },
  'title.digest': {
    'zh-CN': '[OnAir] 另有 {count} 条告警被合并',
    'zh-TW': '[OnAir] 另有 {count} 則告警被合併',
    en: '[OnAir] {count} more alerts held back',
  },
  'title.test': { 'zh-CN': '[OnAir] 测试通知', 'zh-TW': '[OnAir] 測試通知', en: '[OnAir] test notification' },

  'line.what': { 'zh-CN': '情况：{kind} — {summary}', 'zh-TW': '狀況：{kind} — {summary}', en: 'What: {kind} — {summary}' },
  'line.where': { 'zh-CN': '位置：{where}', 'zh-TW': '位置：{where}', en: 'Where: {where}' },
  'where.studio': { 'zh-CN': '演播室 {value}', 'zh-TW': '攝影棚 {value}', en: 'studio {value}' },
  'where.show': { 'zh-CN': '节目 {value}', 'zh-TW': '節目 {value}', en: 'show {value}' },
  'where.slot': { 'zh-CN': '机位 {value}', 'zh-TW': '機位 {value}', en: 'slot {value}' },
  'where.device': { 'zh-CN': '设备 {value}', 'zh-TW': '設備 {value}', en: 'device {value}' },
  'where.agent': { 'zh-CN': '代理 {value}', 'zh-TW': '代理 {value}', en: 'agent {value}' },
  'line.since': { 'zh-CN': '开始：{time}', 'zh-TW': '開始：{time}', en: 'Since: {time}' },
  'line.count': { 'zh-CN': '已反复出现 {count} 次', 'zh-TW': '已反覆出現 {count} 次', en: 'Came back {count} times' },
  'line.did': { 'zh-CN': 'OnAir 已处理：{detail}', 'zh-TW': 'OnAir 已處理：{detail}', en: 'What OnAir did: {detail}' },
  'line.noBackup': {
    'zh-CN': '⚠ 已无备机：再出故障将直接停播',
    'zh-TW': '⚠ 已無備援：再出故障將直接停播',
    en: '⚠ No backup left: the next fault takes it off air',
  },
  'line.incident': { 'zh-CN': '事件 #{id}：{title}', 'zh-TW': '事件 #{id}：{title}', en: 'Incident #{id}: {title}' },
  'line.told': { 'zh-CN': '已通知：{people}', 'zh-TW': '已通知：{people}', en: 'Told: {people}' },
  'line.ackedBy': { 'zh-CN': '已由 {person} 确认', 'zh-TW': '已由 {person} 確認', en: 'Acknowledged by {person}' },
  'line.runbook': { 'zh-CN': '处置预案：{title}', 'zh-TW': '應變手冊：{title}', en: 'Runbook: {title}' },
  'line.ack': { 'zh-CN': '一键确认：{url}', 'zh-TW': '一鍵確認：{url}', en: 'Acknowledge: {url}' },
  'line.console': { 'zh-CN': '控制台：{url}', 'zh-TW': '主控台：{url}', en: 'Console: {url}' },
  'line.resolvedAfter': {
    'zh-CN': '故障已结束，持续 {duration}',
    'zh-TW': '故障已結束，持續 {duration}',
    en: 'The cause ended after {duration}',
  },
  'line.digestIntro': {
    'zh-CN': '为免刷屏，以下告警已合并为一条：',
    'zh-TW': '為免洗版，以下告警已合併為一則：',
    en: 'To keep this channel readable, these alerts were held back:',
  },
  'line.test': {
    'zh-CN': '这是 OnAir 发出的测试通知：此联系方式可以收到告警。无需处理。',
    'zh-TW': '這是 OnAir 發出的測試通知：此聯絡方式可以收到告警。無需處理。',
    en: 'This is a test from OnAir: alerts reach this contact point. Nothing to do.',
  },

  'link.ack': { 'zh-CN': '确认告警', 'zh-TW': '確認告警', en: 'Acknowledge' },
  'link.console': { 'zh-CN': '打开控制台', 'zh-TW': '開啟主控台', en: 'Open console' },

  'duration.seconds': { 'zh-CN': '{s}秒', 'zh-TW': '{s}秒', en: '{s} s' },
  'duration.minutes': { 'zh-CN': '{m}分{s}秒', 'zh-TW': '{m}分{s}秒', en: '{m} min {s} s' },
  'duration.hours': { 'zh-CN': '{h}小时{m}分', 'zh-TW': '{h}小時{m}分', en: '{h} h {m} min' },
  'list.separator': { 'zh-CN': '、', 'zh-TW': '、', en: ', ' },
});
