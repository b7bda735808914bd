/** What `onair show` and `onair preshow` print: the shows and the go/no-go checklist. */
import { defineMessages } from '../define.ts';

export const cliShow = defineMessages('cli-show', {
  /** A show's state (English keeps the ids the JSON uses). */
  state: {
    'zh-CN': '{state, select, scheduled {已排期} on_air {直播中} ended {已结束} cancelled {已取消} other {{state}}}',
    'zh-TW': '{state, select, scheduled {已排程} on_air {直播中} ended {已結束} cancelled {已取消} other {{state}}}',
    en: '{state}',
  },
  running: { 'zh-CN': '检查中', 'zh-TW': '檢查中', en: 'RUNNING' },
  go: { 'zh-CN': '通过', 'zh-TW': '通過', en: 'GO' },
  goSlot: { 'zh-CN': '通过', 'zh-TW': '通過', en: 'go' },
  noGo: { 'zh-CN': '不通过', 'zh-TW': '不通過', en: 'NO-GO' },
  goNoBackup: { 'zh-CN': '通过 — 无备份', 'zh-TW': '通過 — 無備援', en: 'GO — no backup' },
  noBackupSlots: {
    'zh-CN': '{n} 个机位无备份',
    'zh-TW': '{n} 個機位無備援',
    en: '{n, plural, one {# slot} other {# slots}} with no backup',
  },
  wontLastSlots: {
    'zh-CN': '{n} 个机位撑不到节目结束',
    'zh-TW': '{n} 個機位撐不到節目結束',
    en: '{n, plural, one {# slot} other {# slots}} will not last the show',
  },
  heading: {
    'zh-CN': '{show}（{studio}，{at} 开播）：{overall}',
    'zh-TW': '{show}（{studio}，{at} 開播）：{overall}',
    en: '{show} ({studio}, on air {at}): {overall}',
  },
  swapped: { 'zh-CN': '（已换上备份）', 'zh-TW': '（已換上備援）', en: '  (backup put in place)' },
  shortfall: {
    'zh-CN': '（撑不到节目结束：{verdict}）',
    'zh-TW': '（撐不到節目結束：{verdict}）',
    en: '  (will not last the show: {verdict})',
  },
  warning: { 'zh-CN': '警告', 'zh-TW': '警告', en: 'warning' },
  ready: { 'zh-CN': '就绪', 'zh-TW': '就緒', en: 'ready' },
  notReady: { 'zh-CN': '未就绪', 'zh-TW': '未就緒', en: 'NOT READY' },
  queued: { 'zh-CN': '排队中', 'zh-TW': '排隊中', en: 'queued' },
  runningJob: { 'zh-CN': '进行中', 'zh-TW': '進行中', en: 'running' },
  attempts: { 'zh-CN': '（尝试 {n} 次后）', 'zh-TW': '（嘗試 {n} 次後）', en: ' (after {n} attempts)' },
  lasts: { 'zh-CN': '续航', 'zh-TW': '續航', en: 'lasts?' },
  outcome: {
    'zh-CN': '{outcome, select, short {不足} lasts {足够} unknown {未知} other {{outcome}}}',
    'zh-TW': '{outcome, select, short {不足} lasts {足夠} unknown {未知} other {{outcome}}}',
    en: '{outcome, select, short {SHORT} other {{outcome}}}',
  },
  switcher: {
    'zh-CN': '节目切换台 {device}（不在任何机位：无可切换的备份）',
    'zh-TW': '節目切換台 {device}（不在任何機位：無可切換的備援）',
    en: 'program switcher {device} (in no slot: nothing to fail over to)',
  },
  needEnd: { 'zh-CN': '请给出 {end} 或 {duration}', 'zh-TW': '請給出 {end} 或 {duration}', en: 'give {end} or {duration}' },
  badWhen: {
    'zh-CN': '{what} “{text}”既不是 ISO 时间（{time}），也不是 {delay} 这样的延迟',
    'zh-TW': '{what} 「{text}」既不是 ISO 時間（{time}），也不是 {delay} 這樣的延遲',
    en: '{what} "{text}" is neither an ISO time ({time}) nor a delay like {delay}',
  },
  badDuration: {
    'zh-CN': '{what} “{text}”不是 {examples} 这样的时长',
    'zh-TW': '{what} 「{text}」不是 {examples} 這樣的時長',
    en: '{what} "{text}" is not a duration like {examples}',
  },
});
