/** The Reports page (console/reports.ts): the reliability report for a period, its charts and tables. */
import { defineMessages } from '../define.ts';

export const reports = defineMessages('reports', {
  period: { 'zh-CN': '时段', 'zh-TW': '期間', en: 'Period' },
  lastDays: {
    'zh-CN': '最近 {n} 天',
    'zh-TW': '最近 {n} 天',
    en: '{n, plural, one {last # day} other {last # days}}',
  },
  overTarget: { 'zh-CN': '{rate}（超出目标）', 'zh-TW': '{rate}（超出目標）', en: '{rate} over target' },
  target: { 'zh-CN': '目标 {target}', 'zh-TW': '目標 {target}', en: 'target {target}' },
  verdict: {
    'zh-CN':
      '技术故障率 {rate}，目标 {target}：{verdict} · 直播 {onAir}，受影响 {impaired} · 播前检查通过率 {preshow}，维护检查 {maintenance}',
    'zh-TW':
      '技術故障率 {rate}，目標 {target}：{verdict} · 直播 {onAir}，受影響 {impaired} · 播前檢查通過率 {preshow}，維護檢查 {maintenance}',
    en: 'Technical failure rate {rate} against a target of {target}: {verdict} · on air {onAir}, impaired {impaired} · pre-show tests passed {preshow}, maintenance {maintenance}',
  },
  noOnAir: { 'zh-CN': '无直播时间', 'zh-TW': '無直播時間', en: 'no on-air time' },
  targetMet: { 'zh-CN': '达标', 'zh-TW': '達標', en: 'target met' },
  targetMissed: { 'zh-CN': '未达标', 'zh-TW': '未達標', en: 'TARGET MISSED' },
  perShow: { 'zh-CN': '各节目故障率', 'zh-TW': '各節目故障率', en: 'Failure rate per show' },
  perWeek: { 'zh-CN': '每周故障率', 'zh-TW': '每週故障率', en: 'Failure rate per week' },
  showsCsv: { 'zh-CN': '节目 CSV', 'zh-TW': '節目 CSV', en: 'Shows as CSV' },
  devicesCsv: { 'zh-CN': '设备 CSV', 'zh-TW': '設備 CSV', en: 'Devices as CSV' },
  viewersTitle: { 'zh-CN': '各节目观众所见', 'zh-TW': '各節目觀眾所見', en: 'What viewers saw per show' },
  viewersNote: {
    'zh-CN': '节目画面黑屏、冻结或无声，以及播放卡顿，无论设备如何上报，都计入该节目的故障时间。',
    'zh-TW': '節目畫面黑屏、凍結或無聲，以及播放卡頓，無論設備如何回報，都計入該節目的故障時間。',
    en: 'Black, frozen or silent program and stalled playback count in each show’s failure time, whatever the gear said.',
  },
  'column.show': { 'zh-CN': '节目', 'zh-TW': '節目', en: 'Show' },
  'column.downInAll': { 'zh-CN': '总故障时间', 'zh-TW': '總故障時間', en: 'Down in all' },
  'column.black': { 'zh-CN': '黑屏', 'zh-TW': '黑屏', en: 'Black' },
  'column.frozen': { 'zh-CN': '画面冻结', 'zh-TW': '畫面凍結', en: 'Frozen' },
  'column.silent': { 'zh-CN': '无声', 'zh-TW': '無聲', en: 'Silent' },
  'column.stalled': { 'zh-CN': '播放卡顿', 'zh-TW': '播放卡頓', en: 'Stalled playback' },
  devicesTitle: { 'zh-CN': '各设备可用性', 'zh-TW': '各設備可用性', en: 'Availability per device' },
  'column.device': { 'zh-CN': '设备', 'zh-TW': '設備', en: 'Device' },
  'column.availability': { 'zh-CN': '可用性', 'zh-TW': '可用性', en: 'Availability' },
  'column.down': { 'zh-CN': '故障时间', 'zh-TW': '故障時間', en: 'Down' },
  'column.failures': { 'zh-CN': '故障次数', 'zh-TW': '故障次數', en: 'Failures' },
  'column.mtbf': { 'zh-CN': '平均故障间隔', 'zh-TW': '平均故障間隔', en: 'MTBF' },
  'column.mttr': { 'zh-CN': '平均修复时间', 'zh-TW': '平均修復時間', en: 'MTTR' },
});
