/**
 * What `onair events`, `onair test`, `onair schedule` and `onair maintenance` print, and the refusals of
 * those and of `onair report` (the report's bodies: reports.ts and alerting-month.ts). Event types, ids
 * and the controller's own reasons are printed as they are. JSON output never changes with the language.
 */
import { defineMessages } from '../define.ts';

export const cliOps = defineMessages('cli-ops', {
  eventBy: { 'zh-CN': '  操作者 {by}', 'zh-TW': '  操作者 {by}', en: '  by {by}' },

  selfTest: {
    'zh-CN': '{device}（{profile}）：{result, select, passed {通过} failed {失败} other {{result}}}，用时 {ms} 毫秒',
    'zh-TW': '{device}（{profile}）：{result, select, passed {通過} failed {失敗} other {{result}}}，用時 {ms} 毫秒',
    en: '{device} ({profile}): {result, select, passed {PASSED} failed {FAILED} other {{result}}} in {ms} ms',
  },
  step: {
    'zh-CN': '{status, select, passed {通过} failed {失败} other {跳过}}',
    'zh-TW': '{status, select, passed {通過} failed {失敗} other {略過}}',
    en: '{status, select, passed {pass} failed {FAIL} other {skip}}',
  },
  intrusive: { 'zh-CN': ' [侵入式]', 'zh-TW': ' [侵入式]', en: ' [intrusive]' },
  stepMs: { 'zh-CN': ' {ms} 毫秒', 'zh-TW': ' {ms} 毫秒', en: ' {ms} ms' },
  jobKind: {
    'zh-CN': '{kind, select, preshow {播前检查} maintenance {维护} manual {手动} other {{kind}}}',
    'zh-TW': '{kind, select, preshow {播前檢查} maintenance {維護} manual {手動} other {{kind}}}',
    en: '{kind}',
  },
  jobState: {
    'zh-CN':
      '{state, select, queued {排队中} running {进行中} passed {通过} failed {失败} timed_out {超时} skipped {已跳过} other {{state}}}',
    'zh-TW':
      '{state, select, queued {排隊中} running {進行中} passed {通過} failed {失敗} timed_out {逾時} skipped {已略過} other {{state}}}',
    en: '{state}',
  },
  jobShow: { 'zh-CN': ' 节目 {show}', 'zh-TW': ' 節目 {show}', en: ' show {show}' },
  jobSchedule: { 'zh-CN': ' 计划 {schedule}', 'zh-TW': ' 排程 {schedule}', en: ' schedule {schedule}' },
  jobAttempt: { 'zh-CN': '（第 {n} 次尝试）', 'zh-TW': '（第 {n} 次嘗試）', en: ' (attempt {n})' },

  quiet: {
    'zh-CN':
      '{show}：{from} → {to} 静默，{allSlots, select, true {所有机位} other {机位 {slots}}}的{allFaults, select, true {所有内容故障} other {{faults}}}不触发切换',
    'zh-TW':
      '{show}：{from} → {to} 靜默，{allSlots, select, true {所有機位} other {機位 {slots}}}的{allFaults, select, true {所有內容故障} other {{faults}}}不觸發切換',
    en: '{show}: quiet {from} → {to} for {allFaults, select, true {every content fault} other {{faults}}} of {allSlots, select, true {every slot} other {{slots}}}',
  },

  whichDevices: {
    'zh-CN': '请指明哪些设备：{options} 和/或 {last}',
    'zh-TW': '請指明哪些設備：{options} 和/或 {last}',
    en: 'say which devices: {options} and/or {last}',
  },
  scheduled: {
    'zh-CN': '已排定  {id}：{n} 台设备（{devices}）；下次 {next}',
    'zh-TW': '已排定  {id}：{n} 台設備（{devices}）；下次 {next}',
    en: 'scheduled  {id}: {n} devices ({devices}); next {next}',
  },
  scheduleNext: { 'zh-CN': '下次 {at}', 'zh-TW': '下次 {at}', en: 'next {at}' },
  scheduleIntrusive: { 'zh-CN': '  侵入式', 'zh-TW': '  侵入式', en: '  intrusive' },
  scheduleWindow: { 'zh-CN': '  窗口 {minutes} 分钟', 'zh-TW': '  時段 {minutes} 分鐘', en: '  window {minutes} min' },
  owner: { 'zh-CN': '  负责人 {owner}', 'zh-TW': '  負責人 {owner}', en: '  owner {owner}' },
  maintenanceTakes: {
    'zh-CN': '{command} 只接受“{due}”，而不是“{what}”',
    'zh-TW': '{command} 只接受「{due}」，而不是「{what}」',
    en: '{command} takes "{due}", not "{what}"',
  },
  nothingDue: { 'zh-CN': '暂无到期的维护', 'zh-TW': '暫無到期的維護', en: 'nothing due' },
  ownerOf: { 'zh-CN': '（负责人 {owner}）', 'zh-TW': '（負責人 {owner}）', en: '  (owner {owner})' },

  htmlIsMonthly: {
    'zh-CN': '{format} 仅用于 {month}；时段报告输出 {formats} 或 {last}',
    'zh-TW': '{format} 僅用於 {month}；時段報告輸出 {formats} 或 {last}',
    en: '{format} is for {month}; the period report prints {formats} or {last}',
  },
  badMonth: {
    'zh-CN': '{option}“{text}”必须是 {form}，例如 {example}',
    'zh-TW': '{option}「{text}」必須是 {form}，例如 {example}',
    en: '{option} "{text}" must be {form}, e.g. {example}',
  },
  wholeMonth: {
    'zh-CN': '{option} 是整月：请去掉 {since} 和 {until}',
    'zh-TW': '{option} 是整月：請去掉 {since} 和 {until}',
    en: '{option} is a whole month: leave out {since} and {until}',
  },
});
