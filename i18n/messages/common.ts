/**
 * Words every part uses: device and slot states, severities, on air, the buttons of every dialog.
 * A part's own words live in its own table beside this one (i18n/messages/<part>.ts).
 */
import { defineMessages } from '../define.ts';

export const common = defineMessages('common', {
  'state.ok': { 'zh-CN': '正常', 'zh-TW': '正常', en: 'OK' },
  'state.degraded': { 'zh-CN': '降级', 'zh-TW': '降級', en: 'DEGRADED' },
  'state.failing_over': { 'zh-CN': '切换中', 'zh-TW': '切換中', en: 'FAILING OVER' },
  'state.down': { 'zh-CN': '停播', 'zh-TW': '停播', en: 'DOWN' },
  'state.unknown': { 'zh-CN': '未知', 'zh-TW': '未知', en: 'UNKNOWN' },
  'state.failed': { 'zh-CN': '故障', 'zh-TW': '故障', en: 'FAILED' },
  'state.offline': { 'zh-CN': '离线', 'zh-TW': '離線', en: 'OFFLINE' },
  'severity.critical': { 'zh-CN': '严重', 'zh-TW': '嚴重', en: 'critical' },
  'severity.warning': { 'zh-CN': '警告', 'zh-TW': '警告', en: 'warning' },
  'severity.minor': { 'zh-CN': '次要', 'zh-TW': '次要', en: 'minor' },
  'severity.info': { 'zh-CN': '信息', 'zh-TW': '資訊', en: 'info' },
  onAir: { 'zh-CN': '直播中', 'zh-TW': '直播中', en: 'ON AIR' },
  offAir: { 'zh-CN': '未直播', 'zh-TW': '未直播', en: 'off air' },
  'button.cancel': { 'zh-CN': '取消', 'zh-TW': '取消', en: 'Cancel' },
  'button.confirm': { 'zh-CN': '确认', 'zh-TW': '確認', en: 'Confirm' },
  'button.close': { 'zh-CN': '关闭', 'zh-TW': '關閉', en: 'Close' },
  'button.save': { 'zh-CN': '保存', 'zh-TW': '儲存', en: 'Save' },
  'duration.ms': { 'zh-CN': '{n} 毫秒', 'zh-TW': '{n} 毫秒', en: '{n} ms' },
  'duration.s': { 'zh-CN': '{n} 秒', 'zh-TW': '{n} 秒', en: '{n} s' },
  'duration.min': { 'zh-CN': '{n} 分钟', 'zh-TW': '{n} 分鐘', en: '{n} min' },
  'duration.h': { 'zh-CN': '{n} 小时', 'zh-TW': '{n} 小時', en: '{n} h' },
  language: { 'zh-CN': '语言', 'zh-TW': '語言', en: 'Language' },
});
