/**
 * The wall screen (`/console/wall`, the kiosk) and the wall's Arrange mode. Slot is 机位/機位 as in the
 * alarms' messages; studio 演播室 (zh-CN) and 攝影棚 (zh-TW, Taiwanese usage).
 */
import { defineMessages } from '../define.ts';

export const kiosk = defineMessages('kiosk', {
  'studio.all': { 'zh-CN': '全部演播室', 'zh-TW': '全部攝影棚', en: 'All studios' },
  'studio.none': { 'zh-CN': '未分演播室', 'zh-TW': '未分攝影棚', en: 'No studio' },
  'feed.live': { 'zh-CN': '实时', 'zh-TW': '即時', en: 'live' },
  'feed.connecting': { 'zh-CN': '连接中…', 'zh-TW': '連線中…', en: 'connecting…' },
  'feed.reconnecting': {
    'zh-CN': '正在重新连接——所见画面可能已过时',
    'zh-TW': '正在重新連線——所見畫面可能已過時',
    en: 'RECONNECTING — what you see may be old',
  },
  connecting: { 'zh-CN': '正在连接控制器…', 'zh-TW': '正在連線控制器…', en: 'Connecting to the controller…' },
  'alarms.open': {
    'zh-CN': '{n} 个未关闭告警',
    'zh-TW': '{n} 個未關閉警報',
    en: '{n, plural, one {# open alarm} other {# open alarms}}',
  },
  'alarms.unacked': { 'zh-CN': '{n} 个未确认', 'zh-TW': '{n} 個未確認', en: '{n} unacknowledged' },
  empty: { 'zh-CN': '此监看墙没有可显示的机位。', 'zh-TW': '此監看牆沒有可顯示的機位。', en: 'No slots to show on this wall.' },
  'arrange.open': { 'zh-CN': '排列', 'zh-TW': '排列', en: 'Arrange' },
  'arrange.title': { 'zh-CN': '排列监看墙', 'zh-TW': '排列監看牆', en: 'Arrange the wall' },
  'arrange.studio': { 'zh-CN': '演播室', 'zh-TW': '攝影棚', en: 'Studio' },
  'arrange.screen': { 'zh-CN': '用于大屏', 'zh-TW': '用於螢幕', en: 'For screen' },
  'arrange.screenHint': { 'zh-CN': '留空：我自己的监看墙', 'zh-TW': '留空：我自己的監看牆', en: 'empty: my own wall' },
  'arrange.earlier': { 'zh-CN': '前移', 'zh-TW': '前移', en: 'Earlier' },
  'arrange.later': { 'zh-CN': '后移', 'zh-TW': '後移', en: 'Later' },
  'arrange.earlierLabel': { 'zh-CN': '将 {tile} 前移', 'zh-TW': '將 {tile} 前移', en: 'Move {tile} earlier' },
  'arrange.laterLabel': { 'zh-CN': '将 {tile} 后移', 'zh-TW': '將 {tile} 後移', en: 'Move {tile} later' },
  'arrange.sizeLabel': { 'zh-CN': '{tile} 的大小', 'zh-TW': '{tile} 的大小', en: 'Size of {tile}' },
  'arrange.hide': { 'zh-CN': '隐藏', 'zh-TW': '隱藏', en: 'Hide' },
  'arrange.show': { 'zh-CN': '显示', 'zh-TW': '顯示', en: 'Show' },
  'arrange.hidden': { 'zh-CN': '已隐藏', 'zh-TW': '已隱藏', en: 'hidden' },
  'arrange.reset': { 'zh-CN': '恢复默认顺序', 'zh-TW': '恢復預設順序', en: 'Wall’s own order' },
  'arrange.savedScreen': {
    'zh-CN': '已为大屏 {name} 保存（{time}）',
    'zh-TW': '已為螢幕 {name} 儲存（{time}）',
    en: 'Saved for screen {name} at {time}',
  },
  'arrange.savedMine': {
    'zh-CN': '已为你的监看墙保存（{time}）',
    'zh-TW': '已為你的監看牆儲存（{time}）',
    en: 'Saved for your wall at {time}',
  },
  'arrange.failed': { 'zh-CN': '未保存：{error}', 'zh-TW': '未儲存：{error}', en: 'Not saved: {error}' },
  'size.1x1': { 'zh-CN': '1×1（小）', 'zh-TW': '1×1（小）', en: '1×1 (small)' },
  'size.2x1': { 'zh-CN': '2×1（宽）', 'zh-TW': '2×1（寬）', en: '2×1 (wide)' },
  'size.2x2': { 'zh-CN': '2×2（大）', 'zh-TW': '2×2（大）', en: '2×2 (large)' },
});
