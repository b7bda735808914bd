/**
 * What an alert says (its summary) and what `onair alarm` prints. An alert stores the key and values of
 * its summary (Alert.summaryMessage), so every reader gets it in their own language: notifications in
 * the person's, reports in the report's, the API's `summary` in English (as the event log speaks).
 */
import { defineMessages, type MessageKey } from '../define.ts';
import type { Locale } from '../locales.ts';
import { translator } from '../translator.ts';

export const alertingAlerts = defineMessages('alerting-alerts', {
  'summary.agent-lost': {
    'zh-CN':
      '{agent} 失联：{devices} 台设备，{outcome, select, none {未影响播出中的机位} pending {影响 {slots} 个机位，正在切换} allOver {影响 {slots} 个机位，均已切换到备份} other {影响 {slots} 个机位，{down} 个中断，{over} 个已切换}}',
    'zh-TW':
      '{agent} 失聯：{devices} 台設備，{outcome, select, none {未影響播出中的機位} pending {影響 {slots} 個機位，正在切換} allOver {影響 {slots} 個機位，皆已切換到備援} other {影響 {slots} 個機位，{down} 個中斷，{over} 個已切換}}',
    en: '{agent} lost: {devices} devices, {outcome, select, none {no slot on air affected} pending {{slots} slots affected, failing over} allOver {{slots} slots affected, all failed over} other {{slots} slots affected, {down} down, {over} failed over}}',
  },
  'summary.device': {
    'zh-CN':
      '{device} {status, select, ok {正常} degraded {降级} failed {故障} offline {离线} unknown {未知} other {{status}}}{outcome, select, failingOver {，正在切换} failedOver {，已切换到 {to}{noBackup, select, yes {；已无可用备份} other {}}} failoverFailed {，切换失败} other {}}',
    'zh-TW':
      '{device} {status, select, ok {正常} degraded {降級} failed {故障} offline {離線} unknown {未知} other {{status}}}{outcome, select, failingOver {，正在切換} failedOver {，已切換到 {to}{noBackup, select, yes {；已無可用備援} other {}}} failoverFailed {，切換失敗} other {}}',
    en: '{device} {status}{outcome, select, failingOver {, failing over} failedOver {, failed over to {to}{noBackup, select, yes {; no backup left} other {}}} failoverFailed {, failover failed} other {}}',
  },
  'summary.slot-down': { 'zh-CN': '机位 {slot} 中断', 'zh-TW': '機位 {slot} 中斷', en: 'slot {slot} is down' },
  'summary.content': {
    'zh-CN':
      '{device}：{fault, select, black {黑场} frozen {画面冻结} no_signal {无信号} silent {静音} clipping {削波失真} too_loud {音量过大} too_quiet {音量过小} stalled {播放卡顿} behind {播放落后} other {{fault}}}',
    'zh-TW':
      '{device}：{fault, select, black {黑畫面} frozen {畫面凍結} no_signal {無訊號} silent {靜音} clipping {削波失真} too_loud {音量過大} too_quiet {音量過小} stalled {播放卡頓} behind {播放落後} other {{fault}}}',
    en: '{device}: {fault, select, no_signal {no-signal} too_loud {too-loud} too_quiet {too-quiet} other {{fault}}}',
  },
  'summary.broker-lost': {
    'zh-CN': '控制器与消息代理断开：恢复前不会做任何切换决定',
    'zh-TW': '控制器與訊息代理中斷連線：恢復前不會做任何切換決定',
    en: 'the controller lost its broker: no failover is decided until it is back',
  },
  'summary.preshow-no-go': {
    'zh-CN': '{show} 播前检查：不通过：{problems}',
    'zh-TW': '{show} 播前檢查：不通過：{problems}',
    en: 'pre-show check for {show}: NO-GO: {problems}',
  },
  /** An alarm raised by gear: its own reason, as the gear wrote it (not ours to translate). */
  'summary.alarm': { 'zh-CN': '{reason}', 'zh-TW': '{reason}', en: '{reason}' },
  'cli.none': { 'zh-CN': '没有告警', 'zh-TW': '沒有告警', en: 'no alerts' },
  'cli.header': {
    'zh-CN': '告警   状态          级别      开始时间          次数   摘要',
    'zh-TW': '告警   狀態          級別      開始時間          次數   摘要',
    en: 'ALERT  STATE         SEVERITY  STARTED           COUNT  SUMMARY',
  },
  'cli.acked-by': { 'zh-CN': '{by} 于 {at} 确认', 'zh-TW': '{by} 於 {at} 確認', en: 'acknowledged by {by} at {at}' },
  'cli.inhibits': { 'zh-CN': '含同一原因的 {n} 条告警', 'zh-TW': '含同一原因的 {n} 則告警', en: 'includes {n} alerts of the same cause' },
  'cli.acked': { 'zh-CN': '告警 #{id} 已由 {by} 确认', 'zh-TW': '告警 #{id} 已由 {by} 確認', en: 'alert #{id} acknowledged by {by}' },
  'cli.badId': {
    'zh-CN': '告警编号是数字，例如 12，而不是“{id}”',
    'zh-TW': '告警編號是數字，例如 12，而不是「{id}」',
    en: 'an alert is a number such as 12, not "{id}"',
  },
  'state.firing': { 'zh-CN': '未确认', 'zh-TW': '未確認', en: 'firing' },
  'state.acknowledged': { 'zh-CN': '已确认', 'zh-TW': '已確認', en: 'acknowledged' },
  'state.resolved': { 'zh-CN': '已恢复', 'zh-TW': '已恢復', en: 'resolved' },
});

/** A text kept as one of this table's messages and its values (protocols/alerting.ts's CatalogueText). */
interface KeptText {
  key: string;
  values: Readonly<Record<string, string | number>>;
}

/**
 * An alert's summary (or an incident's title) in one language: its message when it has one, else the
 * stored English (an alert from before the catalogue). Here, beside the table, so the page, the
 * controller and the CLI all render it the same way.
 */
export function textIn(locale: Locale, text: string, message: KeptText | undefined): string {
  if (!message || !(message.key in alertingAlerts.table)) return text;
  return translator(alertingAlerts, locale)(message.key as MessageKey<typeof alertingAlerts>, message.values);
}

export const summaryIn = (locale: Locale, alert: { summary: string; summaryMessage?: KeptText }): string =>
  textIn(locale, alert.summary, alert.summaryMessage);
