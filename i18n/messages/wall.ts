/**
 * The studio wall's words (console/wall.ts, wall-state.ts, progress.ts): redundancy states beyond the
 * controller's (common.ts has ok, degraded, failing over, down, unknown), a tile's lines, failover
 * messages that age, and the stale wall. Device states and on/off air come from common.ts.
 */
import { defineMessages } from '../define.ts';

export const wall = defineMessages('wall', {
  'state.no_backup_left': { 'zh-CN': '无备份可用', 'zh-TW': '無備援可用', en: 'NO BACKUP LEFT' },
  'state.on_backup': { 'zh-CN': '备份在播', 'zh-TW': '備援播出中', en: 'ON BACKUP' },
  'why.no_backup_left': {
    'zh-CN': '没有其他成员可以接替：再出一次故障就会停播',
    'zh-TW': '沒有其他成員可以接手：再出一次故障就會停播',
    en: 'no other member can go live: the next fault takes it off air',
  },
  'why.on_backup': { 'zh-CN': '节目正常；冗余已减少', 'zh-TW': '節目正常；備援已減少', en: 'the show is fine; redundancy is reduced' },
  slots: { 'zh-CN': '{n} 个槽位', 'zh-TW': '{n} 個槽位', en: '{n, plural, one {# slot} other {# slots}}' },
  empty: {
    'zh-CN': '还没有槽位：用 {command} 定义一个。',
    'zh-TW': '還沒有槽位：用 {command} 定義一個。',
    en: 'No slots yet: define one with {command}.',
  },
  'tile.aria': { 'zh-CN': '槽位 {slot}：{state}', 'zh-TW': '槽位 {slot}：{state}', en: 'slot {slot}: {state}' },
  'tile.live': { 'zh-CN': '在播：', 'zh-TW': '播出中：', en: 'Live: ' },
  'tile.isPrimary': { 'zh-CN': '（主）', 'zh-TW': '（主）', en: '(primary)' },
  'tile.isBackup': { 'zh-CN': '（备份）', 'zh-TW': '（備援）', en: '(backup)' },
  'tile.nothingLive': { 'zh-CN': '无在播成员', 'zh-TW': '無播出中成員', en: 'Nothing live' },
  'tile.primaryBack': {
    'zh-CN': '主设备已恢复正常：请手动切回',
    'zh-TW': '主設備已恢復正常：請手動切回',
    en: 'primary healthy again: switch back by hand',
  },
  'tile.failover': { 'zh-CN': '故障切换…', 'zh-TW': '故障切換…', en: 'Fail over…' },
  'role.live': { 'zh-CN': '在播', 'zh-TW': '播出中', en: 'LIVE' },
  'role.primary': { 'zh-CN': '主', 'zh-TW': '主', en: 'primary' },
  'role.backup': { 'zh-CN': '备份', 'zh-TW': '備援', en: 'backup' },
  'test.result': { 'zh-CN': '自检{result}（{time}）', 'zh-TW': '自我檢測{result}（{time}）', en: 'self-test {result} {time}' },
  'test.none': { 'zh-CN': '尚未自检', 'zh-TW': '尚未自我檢測', en: 'no self-test yet' },
  'test.passed': { 'zh-CN': '通过', 'zh-TW': '通過', en: 'passed' },
  'test.failed': { 'zh-CN': '失败', 'zh-TW': '失敗', en: 'failed' },
  'test.timed_out': { 'zh-CN': '超时', 'zh-TW': '逾時', en: 'timed out' },
  'test.skipped': { 'zh-CN': '已跳过', 'zh-TW': '已略過', en: 'skipped' },
  'test.queued': { 'zh-CN': '排队中', 'zh-TW': '排隊中', en: 'queued' },
  'test.running': { 'zh-CN': '进行中', 'zh-TW': '進行中', en: 'running' },
  'member.stream': { 'zh-CN': '推流 {state}', 'zh-TW': '串流 {state}', en: 'stream {state}' },
  'program.big': { 'zh-CN': '节目：{member}（{source}）', 'zh-TW': '節目：{member}（{source}）', en: 'PROGRAM: {member} ({source})' },
  'program.on': { 'zh-CN': '在节目中', 'zh-TW': '在節目中', en: 'ON PROGRAM' },
  'program.off': { 'zh-CN': '不在节目中', 'zh-TW': '不在節目中', en: 'not on program' },
  'program.shows': {
    'zh-CN': '{switcher} 正在播出 {onProgram}（本成员：{source}）',
    'zh-TW': '{switcher} 正在播出 {onProgram}（本成員：{source}）',
    en: '{switcher} shows {onProgram} (this: {source})',
  },
  'program.unknown': { 'zh-CN': '未知', 'zh-TW': '未知', en: 'unknown' },
  'source.scene': { 'zh-CN': '场景 {name}', 'zh-TW': '場景 {name}', en: 'scene {name}' },
  'source.input': { 'zh-CN': '输入 {name}', 'zh-TW': '輸入 {name}', en: 'input {name}' },
  'progress.started': { 'zh-CN': '故障切换开始：{reason}', 'zh-TW': '故障切換開始：{reason}', en: 'Failover started: {reason}' },
  'progress.confirmed': {
    'zh-CN': '故障切换已确认：{to} 在播（{duration}）',
    'zh-TW': '故障切換已確認：{to} 播出中（{duration}）',
    en: 'Failover confirmed: {to} is live ({duration})',
  },
  'progress.failed': { 'zh-CN': '故障切换失败：{reason}', 'zh-TW': '故障切換失敗：{reason}', en: 'Failover FAILED: {reason}' },
  'progress.by': { 'zh-CN': '操作人 {by}', 'zh-TW': '操作人 {by}', en: 'by {by}' },
  'progress.contradicted': {
    'zh-CN': '确认于 {confirmedAt}；{member} 自 {since} 起{state}',
    'zh-TW': '確認於 {confirmedAt}；{member} 自 {since} 起{state}',
    en: 'confirmed at {confirmedAt}; {member} {state} since {since}',
  },
  'progress.replaced': {
    'zh-CN': '确认于 {confirmedAt}；自 {since} 起在播的是 {member}',
    'zh-TW': '確認於 {confirmedAt}；自 {since} 起播出中的是 {member}',
    en: 'confirmed at {confirmedAt}; {member} live since {since}',
  },
  'age.s': { 'zh-CN': '{n} 秒前', 'zh-TW': '{n} 秒前', en: '{n} s ago' },
  'age.min': { 'zh-CN': '{n} 分钟前', 'zh-TW': '{n} 分鐘前', en: '{n} min ago' },
  'age.h': { 'zh-CN': '{n} 小时前', 'zh-TW': '{n} 小時前', en: '{n} h ago' },
  stale: {
    'zh-CN': '画面已过时（自 {time} 起）：正在重新连接控制器',
    'zh-TW': '畫面已過時（自 {time} 起）：正在重新連線控制器',
    en: 'stale since {time}: reconnecting to the controller',
  },
});
