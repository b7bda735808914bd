/**
 * What `onair` prints: results and errors of status, failover, on-air, person/studio/contact and duty.
 * Help texts stay English (commander builds them at start-up, before the language is known). JSON
 * output (--json) never changes with the language. The shows' words: cli-show.ts.
 */
import { defineMessages } from '../define.ts';

export const cli = defineMessages('cli', {
  invalidConfig: { 'zh-CN': '配置无效：', 'zh-TW': '設定無效：', en: 'invalid config:' },
  badLang: {
    'zh-CN': '语言只能是 {choices}，而不是“{lang}”',
    'zh-TW': '語言只能是 {choices}，而不是「{lang}」',
    en: 'the language is {choices}, not "{lang}"',
  },
  /** A device's or a slot's state as the status table shows it (English keeps the ids the JSON uses). */
  state: {
    'zh-CN':
      '{state, select, ok {正常} degraded {降级} failed {故障} offline {离线} unknown {未知} failing_over {切换中} down {停播} other {{state}}}',
    'zh-TW':
      '{state, select, ok {正常} degraded {降級} failed {故障} offline {離線} unknown {未知} failing_over {切換中} down {停播} other {{state}}}',
    en: '{state}',
  },
  'status.onAir': { 'zh-CN': '直播中', 'zh-TW': '直播中', en: 'ON AIR' },
  'status.offAir': { 'zh-CN': '未直播', 'zh-TW': '未直播', en: 'off air' },
  'status.shows': { 'zh-CN': '（节目 {shows}）', 'zh-TW': '（節目 {shows}）', en: ' (show {shows})' },
  'status.leader': {
    'zh-CN': '主控制器：{name}（任期 {term}），自 {since} 起',
    'zh-TW': '主控制器：{name}（任期 {term}），自 {since} 起',
    en: 'leader: {name} (term {term}) since {since}',
  },
  'status.slots': { 'zh-CN': '机位', 'zh-TW': '機位', en: 'SLOTS' },
  'status.program': { 'zh-CN': '节目输出', 'zh-TW': '節目輸出', en: 'PROGRAM' },
  'status.agents': { 'zh-CN': '代理', 'zh-TW': '代理', en: 'AGENTS' },
  'status.devices': { 'zh-CN': '设备', 'zh-TW': '設備', en: 'DEVICES' },
  'status.active': { 'zh-CN': '当前', 'zh-TW': '目前', en: 'active' },
  'status.primaryAvailable': {
    'zh-CN': '（主设备已可用：请手动切回）',
    'zh-TW': '（主設備已可用：請手動切回）',
    en: '  (primary available: switch back by hand)',
  },
  'status.lastTake': {
    'zh-CN': '  上次切换 {at} {slot}：{what}',
    'zh-TW': '  上次切換 {at} {slot}：{what}',
    en: '  last take {at} {slot}: {what}',
  },
  'status.cut': { 'zh-CN': '已切 {from} → {to}', 'zh-TW': '已切 {from} → {to}', en: 'cut {from} → {to}' },
  'status.notCut': {
    'zh-CN': '未切（{to} 已就绪；节目输出在别处）',
    'zh-TW': '未切（{to} 已就緒；節目輸出在別處）',
    en: 'not cut ({to} ready; program was elsewhere)',
  },
  'status.programUnknown': { 'zh-CN': '未知（无应答）', 'zh-TW': '未知（無回應）', en: 'unknown (not answering)' },
  'status.online': { 'zh-CN': '在线', 'zh-TW': '在線', en: 'online' },
  'status.offline': { 'zh-CN': '离线', 'zh-TW': '離線', en: 'OFFLINE' },
  failedOver: {
    'zh-CN': '{slot}：{from} → {to}，用时 {ms} 毫秒',
    'zh-TW': '{slot}：{from} → {to}，用時 {ms} 毫秒',
    en: '{slot}: {from} → {to} in {ms} ms',
  },
  'onAir.badState': {
    'zh-CN': '{command} 只接受 {choices}，而不是“{state}”',
    'zh-TW': '{command} 只接受 {choices}，而不是「{state}」',
    en: '{command} takes {choices}, not "{state}"',
  },
  'onAir.stillOn': {
    'zh-CN': '仍在直播：有节目正在播出（{list}；{stop}）',
    'zh-TW': '仍在直播：有節目正在播出（{list}；{stop}）',
    en: 'still ON AIR: a show is on air ({list}; {stop})',
  },
  'onAir.on': { 'zh-CN': '直播中：自动切换已启用', 'zh-TW': '直播中：自動切換已啟用', en: 'ON AIR: automatic failover armed' },
  'onAir.off': {
    'zh-CN': '未直播：故障会被记录，但不自动切换',
    'zh-TW': '未直播：故障會被記錄，但不自動切換',
    en: 'off air: failures are recorded, no automatic failover',
  },
  badSince: {
    'zh-CN': '{option} “{text}”既不是 ISO 时间，也不是 {example} 这样的时长',
    'zh-TW': '{option} 「{text}」既不是 ISO 時間，也不是 {example} 這樣的時長',
    en: '{option} "{text}" is neither an ISO time nor an age like {example}',
  },

  personSaved: {
    'zh-CN': '人员 {id}：{name}；联系方式 {contacts}',
    'zh-TW': '人員 {id}：{name}；聯絡方式 {contacts}',
    en: 'person {id}: {name}; contacts {contacts}',
  },
  studioSaved: {
    'zh-CN': '演播室 {id}：负责人 {responsible}，应急组长 {lead}，经理 {manager}',
    'zh-TW': '攝影棚 {id}：負責人 {responsible}，應變組長 {lead}，經理 {manager}',
    en: 'studio {id}: responsible {responsible}, emergency lead {lead}, manager {manager}',
  },
  contactSaved: {
    'zh-CN': '联系方式 {id}：{kind} → {to}{secret}',
    'zh-TW': '聯絡方式 {id}：{kind} → {to}{secret}',
    en: 'contact point {id}: {kind} → {to}{secret}',
  },
  withSecret: { 'zh-CN': '（已保存签名密钥）', 'zh-TW': '（已儲存簽章金鑰）', en: ' (signing secret stored)' },
  secretStored: { 'zh-CN': '已保存密钥', 'zh-TW': '已儲存金鑰', en: 'secret: stored' },
  removed: { 'zh-CN': '已删除 {id}', 'zh-TW': '已刪除 {id}', en: 'removed {id}' },
  nobody: { 'zh-CN': '—', 'zh-TW': '—', en: '—' },
  nothing: { 'zh-CN': '暂无', 'zh-TW': '暫無', en: 'none yet' },
  shiftAdded: {
    'zh-CN': '班次 {id}：{person} 在 {studio} 值班 {from} → {to}（UTC）',
    'zh-TW': '班次 {id}：{person} 在 {studio} 值班 {from} → {to}（UTC）',
    en: 'shift {id}: {person} on call for {studio} {from} → {to} (UTC)',
  },
  dutyLine: {
    'zh-CN': '{studio}：首先通知 {first}{onCall}；应急组长 {lead}；经理 {manager}{next}',
    'zh-TW': '{studio}：首先通知 {first}{onCall}；應變組長 {lead}；經理 {manager}{next}',
    en: '{studio}: first {first}{onCall}; emergency lead {lead}; manager {manager}{next}',
  },
  onCallUntil: { 'zh-CN': '（值班至 {until}）', 'zh-TW': '（值班至 {until}）', en: ' (on call until {until})' },
  nextHandover: {
    'zh-CN': '；下次交接 {from} 交给 {person}',
    'zh-TW': '；下次交接 {from} 交給 {person}',
    en: '; next hand-over {from} to {person}',
  },
  tested: {
    'zh-CN': '测试通知已送达 {id}，用时 {ms} 毫秒',
    'zh-TW': '測試通知已送達 {id}，用時 {ms} 毫秒',
    en: 'test notification to {id} delivered in {ms} ms',
  },
  testFailed: {
    'zh-CN': '测试通知发送到 {id} 失败（{ms} 毫秒）：{error}',
    'zh-TW': '測試通知傳送到 {id} 失敗（{ms} 毫秒）：{error}',
    en: 'test notification to {id} failed after {ms} ms: {error}',
  },
  secretArgv: {
    'zh-CN': '密钥只从文件读取（{option}，或 - 表示标准输入），不从命令行：其他用户能看到命令行',
    'zh-TW': '金鑰只從檔案讀取（{option}，或 - 表示標準輸入），不從命令列：其他使用者看得到命令列',
    en: 'a secret is read from a file ({option}, or - for stdin), never from the command line: other users see command lines',
  },
  emptySecret: { 'zh-CN': '密钥文件 {file} 为空', 'zh-TW': '金鑰檔案 {file} 是空的', en: 'the secret file {file} is empty' },
  badLocale: {
    'zh-CN': '{option} 只能是 {choices}，而不是“{locale}”',
    'zh-TW': '{option} 只能是 {choices}，而不是「{locale}」',
    en: '{option} is {choices}, not "{locale}"',
  },
});
