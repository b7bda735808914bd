/** The acknowledgement link's pages (delivery/ack-route.ts), in the language the browser asks for. */
import { defineMessages } from '../define.ts';

export const alertingDelivery = defineMessages('alerting-delivery', {
  'ack.title': { 'zh-CN': '确认告警', 'zh-TW': '確認告警', en: 'Acknowledge alert' },
  'ack.question': {
    'zh-CN': '确认后升级停止，事件记录由您负责处理。',
    'zh-TW': '確認後升級停止，事件紀錄由您負責處理。',
    en: 'Acknowledging stops the escalation; the incident records that you took it.',
  },
  'ack.button': { 'zh-CN': '确认', 'zh-TW': '確認', en: 'Acknowledge' },
  'ack.severity': { 'zh-CN': '级别', 'zh-TW': '級別', en: 'Severity' },
  'ack.state': { 'zh-CN': '状态', 'zh-TW': '狀態', en: 'State' },
  'ack.started': { 'zh-CN': '开始于', 'zh-TW': '開始於', en: 'Started' },
  'ack.done': { 'zh-CN': '告警已确认，谢谢。', 'zh-TW': '告警已確認，謝謝。', en: 'The alert is acknowledged. Thank you.' },
  'ack.notAcknowledged': { 'zh-CN': '未能确认此告警：', 'zh-TW': '未能確認此告警：', en: 'The alert could not be acknowledged: ' },
  'ack.unknownAlert': { 'zh-CN': '此告警已不存在。', 'zh-TW': '此告警已不存在。', en: 'This alert no longer exists.' },
  'ack.forged': {
    'zh-CN': '此链接无效（签名不符）。请在控制台或用 {command} 确认。',
    'zh-TW': '此連結無效（簽章不符）。請在主控台或用 {command} 確認。',
    en: 'This link is not valid (its signature does not match). Acknowledge in the console or with {command}.',
  },
  'ack.expired': {
    'zh-CN': '此链接已过期。请在控制台或用 {command} 确认。',
    'zh-TW': '此連結已過期。請在主控台或用 {command} 確認。',
    en: 'This link has expired. Acknowledge in the console or with {command}.',
  },
  'ack.used': {
    'zh-CN': '此链接已使用过（每个链接只能用一次）。',
    'zh-TW': '此連結已使用過（每個連結只能用一次）。',
    en: 'This link was used already (each link works once).',
  },
  'ack.slowDown': { 'zh-CN': '请求过多，请稍后再试。', 'zh-TW': '請求過多，請稍後再試。', en: 'Too many requests: try again in a minute.' },
  'severity.critical': { 'zh-CN': '严重（停播）', 'zh-TW': '嚴重（停播）', en: 'critical (off air)' },
  'severity.warning': { 'zh-CN': '警告', 'zh-TW': '警告', en: 'warning' },
  'severity.minor': { 'zh-CN': '次要', 'zh-TW': '次要', en: 'minor' },
});
