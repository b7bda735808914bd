/**
 * The alarm bar's words (console/alarm-bar.ts, issue 24) and ownership's (take/release), on the
 * console and in the CLI (`onair alarm take|release`). Severities come from the common table.
 */
import { defineMessages } from '../define.ts';

export const alarms = defineMessages('alarms', {
  'bar.label': { 'zh-CN': '告警', 'zh-TW': '警報', en: 'Alarms' },
  'bar.none': { 'zh-CN': '没有未结束的告警', 'zh-TW': '沒有未結束的警報', en: 'No open alarms' },
  'bar.more': { 'zh-CN': '还有 {n} 条', 'zh-TW': '還有 {n} 則', en: '+{n} more' },
  'bar.all': { 'zh-CN': '全部告警', 'zh-TW': '全部警報', en: 'All alarms' },
  'alarm.age': { 'zh-CN': '{age}前', 'zh-TW': '{age}前', en: '{age} ago' },
  'alarm.unacked': { 'zh-CN': '未确认', 'zh-TW': '未確認', en: 'not acknowledged' },
  'alarm.acked': { 'zh-CN': '{person} 已确认', 'zh-TW': '{person} 已確認', en: 'acknowledged by {person}' },
  'owner.none': { 'zh-CN': '无人负责', 'zh-TW': '無人負責', en: 'nobody holds it' },
  'owner.someone': { 'zh-CN': '由 {owner} 负责', 'zh-TW': '由 {owner} 負責', en: 'held by {owner}' },
  'owner.you': { 'zh-CN': '由你负责', 'zh-TW': '由你負責', en: 'held by you' },
  'owner.label': { 'zh-CN': '负责人', 'zh-TW': '負責人', en: 'Owner' },
  'button.ack': { 'zh-CN': '确认', 'zh-TW': '確認', en: 'Acknowledge' },
  'button.take': { 'zh-CN': '接手', 'zh-TW': '接手', en: 'Take' },
  'button.takeOver': { 'zh-CN': '接管', 'zh-TW': '接管', en: 'Take over' },
  'button.release': { 'zh-CN': '交还', 'zh-TW': '交還', en: 'Release' },
  'button.runbook': { 'zh-CN': '处置预案', 'zh-TW': '處置預案', en: 'Runbook' },
  'release.comment': {
    'zh-CN': '交还原因，或尚待处理的事项（必填）',
    'zh-TW': '交還原因，或尚待處理的事項（必填）',
    en: 'Why you release it, or what is left to do (required)',
  },
  'take.note': {
    'zh-CN': '接手不等于确认：确认之前仍会逐级通知。',
    'zh-TW': '接手不等於確認：確認之前仍會逐級通知。',
    en: 'Taking is not acknowledging: escalation goes on until someone acknowledges.',
  },
  'runbook.none': { 'zh-CN': '此告警没有处置预案。', 'zh-TW': '此警報沒有處置預案。', en: 'No runbook for this alarm.' },
  'runbook.for': { 'zh-CN': '处置预案：{summary}', 'zh-TW': '處置預案：{summary}', en: 'Runbook: {summary}' },
  'sound.label': { 'zh-CN': '声音告警', 'zh-TW': '聲音警報', en: 'Sound' },
  'sound.hint': {
    'zh-CN': '有未确认的严重告警时鸣响。浏览器只在点击之后才允许播放声音：打开此开关的这次点击即为许可。',
    'zh-TW': '有未確認的嚴重警報時鳴響。瀏覽器只在點擊之後才允許播放聲音：開啟此開關的這次點擊即為許可。',
    en: 'Beeps while a critical alarm is unacknowledged. A browser plays sound only after a click: the click on this switch is that click.',
  },
  'sound.blocked': {
    'zh-CN': '浏览器暂停了声音：请再点击一次开关',
    'zh-TW': '瀏覽器暫停了聲音：請再點擊一次開關',
    en: 'The browser paused the sound: click the switch again',
  },
  'cli.taken': {
    'zh-CN': '已接手告警 #{id}（尚未确认）',
    'zh-TW': '已接手警報 #{id}（尚未確認）',
    en: 'alert #{id} is yours (not acknowledged)',
  },
  'cli.takenOver': {
    'zh-CN': '已从 {from} 接管告警 #{id}（尚未确认）',
    'zh-TW': '已從 {from} 接管警報 #{id}（尚未確認）',
    en: 'alert #{id} taken over from {from} (not acknowledged)',
  },
  'cli.released': { 'zh-CN': '已交还告警 #{id}', 'zh-TW': '已交還警報 #{id}', en: 'alert #{id} released' },
  'cli.heldBy': { 'zh-CN': '由 {owner} 负责，自 {at} 起', 'zh-TW': '由 {owner} 負責，自 {at} 起', en: 'held by {owner} since {at}' },
  'cli.take': {
    'zh-CN': '接手告警：由你处理（不等于确认）',
    'zh-TW': '接手警報：由你處理（不等於確認）',
    en: 'take an alert: it is yours to work on (not an acknowledgement)',
  },
  'cli.release': {
    'zh-CN': '交还你负责的告警，并说明原因或尚待处理的事项',
    'zh-TW': '交還你負責的警報，並說明原因或尚待處理的事項',
    en: 'give back an alert you hold, saying why or what is left to do',
  },
  'cli.alertArg': {
    'zh-CN': '告警编号（见告警列表）',
    'zh-TW': '警報編號（見警報列表）',
    en: 'the alert number (onair alarm list)',
  },
  'cli.takeComment': { 'zh-CN': '你正在做什么', 'zh-TW': '你正在做什麼', en: 'what you are doing about it' },
  'cli.releaseComment': {
    'zh-CN': '交还原因，或尚待处理的事项（必填）',
    'zh-TW': '交還原因，或尚待處理的事項（必填）',
    en: 'why you release it, or what is left to do (required)',
  },
});
