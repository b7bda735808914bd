/**
 * Acting safely (issue 24): the failover dialog, the confirmations of a show's start, stop and
 * cancel, and the pre-show checklist with its re-run. Buttons every dialog has (Cancel, Confirm)
 * are common's.
 */
import { defineMessages } from '../define.ts';

export const actions = defineMessages('actions', {
  // The failover dialog (console/failover.ts).
  'failover.title': { 'zh-CN': '切换 {slot}', 'zh-TW': '切換 {slot}', en: 'Fail over {slot}' },
  'failover.to': { 'zh-CN': '切换到', 'zh-TW': '切換到', en: 'Put on air' },
  'failover.firstHealthy': {
    'zh-CN': '第一个健康的设备（现在是 {member}）',
    'zh-TW': '第一個健康的設備（目前是 {member}）',
    en: 'the first healthy member (now {member})',
  },
  'failover.firstHealthyNone': {
    'zh-CN': '第一个健康的设备（现在没有）',
    'zh-TW': '第一個健康的設備（目前沒有）',
    en: 'the first healthy member (none now)',
  },
  'failover.option': { 'zh-CN': '{member} — {state}', 'zh-TW': '{member} — {state}', en: '{member} — {state}' },
  'failover.reason': { 'zh-CN': '原因', 'zh-TW': '原因', en: 'Reason' },
  'failover.reasonHint': { 'zh-CN': '你看到了什么', 'zh-TW': '你看到了什麼', en: 'what you saw' },
  'failover.goesLive': {
    'zh-CN': '{member} 将在 {slot} 上线，替换 {active}。',
    'zh-TW': '{member} 將在 {slot} 上線，取代 {active}。',
    en: '{member} goes live in {slot} in place of {active}.',
  },
  'failover.goesLiveNothing': {
    'zh-CN': '{member} 将在 {slot} 上线（现在没有设备在线）。',
    'zh-TW': '{member} 將在 {slot} 上線（目前沒有設備在線）。',
    en: '{member} goes live in {slot} (nothing is live now).',
  },
  'failover.none': {
    'zh-CN': '{slot} 现在没有健康的设备：控制器会拒绝这次切换，除非你选定一个设备。',
    'zh-TW': '{slot} 目前沒有健康的設備：控制器會拒絕這次切換，除非你選定一個設備。',
    en: 'No member of {slot} is healthy now: the controller refuses the failover unless you choose one.',
  },
  'failover.cut': {
    'zh-CN': '直播中，如果节目正在播出 {active}，{switcher} 会把节目切到 {source}。',
    'zh-TW': '直播中，如果節目正在播出 {active}，{switcher} 會把節目切到 {source}。',
    en: 'On air, if the program shows {active}, {switcher} cuts the program to {source}.',
  },
  'failover.noCut': {
    'zh-CN': '这个设备没有映射到节目源：节目不会被切换。',
    'zh-TW': '這個設備沒有對應到節目來源：節目不會被切換。',
    en: 'This member maps to no program source: the program is not cut.',
  },
  'failover.submit': { 'zh-CN': '切换', 'zh-TW': '切換', en: 'Fail over' },
  'failover.busy': { 'zh-CN': '正在切换…', 'zh-TW': '正在切換…', en: 'Failing over…' },

  // A show's buttons and their confirmations (console/shows.ts).
  'shows.today': { 'zh-CN': '今天', 'zh-TW': '今天', en: 'Today' },
  'shows.empty': {
    'zh-CN': '今天没有节目：用 {command} 安排一个。',
    'zh-TW': '今天沒有節目：用 {command} 安排一個。',
    en: 'No shows today: schedule one with {command}.',
  },
  'showState.scheduled': { 'zh-CN': '已排期', 'zh-TW': '已排程', en: 'SCHEDULED' },
  'showState.on_air': { 'zh-CN': '直播中', 'zh-TW': '直播中', en: 'ON AIR' },
  'showState.ended': { 'zh-CN': '已结束', 'zh-TW': '已結束', en: 'ENDED' },
  'showState.cancelled': { 'zh-CN': '已取消', 'zh-TW': '已取消', en: 'CANCELLED' },
  'shows.start': { 'zh-CN': '立即开始', 'zh-TW': '立即開始', en: 'Start now' },
  'shows.stop': { 'zh-CN': '停止', 'zh-TW': '停止', en: 'Stop' },
  'shows.cancel': { 'zh-CN': '取消节目', 'zh-TW': '取消節目', en: 'Cancel' },
  'shows.reason': { 'zh-CN': '来自控制台', 'zh-TW': '來自控制台', en: 'from the console' },
  'shows.noPreshow': { 'zh-CN': '还没有开播前检查', 'zh-TW': '還沒有開播前檢查', en: 'no pre-show check yet' },
  'shows.rerun': { 'zh-CN': '重新运行开播前检查', 'zh-TW': '重新執行開播前檢查', en: 'Re-run pre-show' },
  'shows.rerunning': { 'zh-CN': '正在运行开播前检查…', 'zh-TW': '正在執行開播前檢查…', en: 'Running pre-show…' },

  'confirm.start.title': { 'zh-CN': '现在开始 {title}？', 'zh-TW': '現在開始 {title}？', en: 'Start {title} now?' },
  'confirm.start.body': {
    'zh-CN': '{title} 现在开始直播（原定 {startsAt}），并在 {endsAt} 自动结束。',
    'zh-TW': '{title} 現在開始直播（原定 {startsAt}），並在 {endsAt} 自動結束。',
    en: '{title} goes on air now (planned for {startsAt}) and off air by itself at {endsAt}.',
  },
  'confirm.start.armed': {
    'zh-CN': '它的 {n} 个位置将启用自动切换：{slots}。',
    'zh-TW': '它的 {n} 個位置將啟用自動切換：{slots}。',
    en: 'Failover is armed on its {n, plural, one {# slot} other {# slots}}: {slots}.',
  },
  'confirm.start.stream': {
    'zh-CN': '推流从 {slot} 开始。',
    'zh-TW': '推流從 {slot} 開始。',
    en: 'Its stream starts on {slot}.',
  },
  'confirm.start.button': { 'zh-CN': '立即开始', 'zh-TW': '立即開始', en: 'Start now' },
  'confirm.start.keep': { 'zh-CN': '暂不开始', 'zh-TW': '暫不開始', en: 'Not now' },
  'confirm.preshow.go': {
    'zh-CN': '开播前检查：GO（{time}）。',
    'zh-TW': '開播前檢查：GO（{time}）。',
    en: 'Pre-show check: GO ({time}).',
  },
  'confirm.preshow.goNoBackup': {
    'zh-CN': '开播前检查：GO，但有 {n} 个位置没有备用（{time}）。',
    'zh-TW': '開播前檢查：GO，但有 {n} 個位置沒有備用（{time}）。',
    en: 'Pre-show check: GO, with no backup in {n, plural, one {# slot} other {# slots}} ({time}).',
  },
  'confirm.preshow.noGo': {
    'zh-CN': '开播前检查：NO-GO（{time}），{n} 个位置没有就绪。',
    'zh-TW': '開播前檢查：NO-GO（{time}），{n} 個位置沒有就緒。',
    en: 'Pre-show check: NO-GO ({time}): {n, plural, one {# slot is} other {# slots are}} not ready.',
  },
  'confirm.preshow.checking': {
    'zh-CN': '开播前检查仍在进行。',
    'zh-TW': '開播前檢查仍在進行。',
    en: 'The pre-show check is still running.',
  },
  'confirm.preshow.none': {
    'zh-CN': '开播前检查还没有运行：设备未经自检。',
    'zh-TW': '開播前檢查還沒有執行：設備未經自我測試。',
    en: 'No pre-show check has run: its gear is untested.',
  },
  'confirm.cancel.title': { 'zh-CN': '取消 {title}？', 'zh-TW': '取消 {title}？', en: 'Cancel {title}?' },
  'confirm.cancel.body': {
    'zh-CN': '{title}（{startsAt}–{endsAt}）将不会直播，排队中的开播前自检会被跳过。取消的节目不能再开始：需要重新安排。',
    'zh-TW': '{title}（{startsAt}–{endsAt}）將不會直播，排隊中的開播前自我測試會被略過。取消的節目不能再開始：需要重新排程。',
    en: '{title} ({startsAt}–{endsAt}) will not go on air, and its queued pre-show tests are skipped. A cancelled show cannot be started again: schedule it anew.',
  },
  'confirm.cancel.button': { 'zh-CN': '取消这个节目', 'zh-TW': '取消這個節目', en: 'Cancel the show' },
  'confirm.cancel.keep': { 'zh-CN': '保留节目', 'zh-TW': '保留節目', en: 'Keep the show' },
  'confirm.stop.title': { 'zh-CN': '停止直播 {title}？', 'zh-TW': '停止直播 {title}？', en: 'Take {title} off air?' },
  'confirm.stop.body': {
    'zh-CN': '{title} 现在结束直播（原定 {endsAt} 结束）。除非另一个直播中的节目使用它们，它的位置将不再自动切换。',
    'zh-TW': '{title} 現在結束直播（原定 {endsAt} 結束）。除非另一個直播中的節目使用它們，它的位置將不再自動切換。',
    en: '{title} goes off air now (planned to end at {endsAt}). Failover is no longer armed on its slots unless another show on air holds them.',
  },
  'confirm.stop.stream': { 'zh-CN': '{slot} 的推流停止。', 'zh-TW': '{slot} 的推流停止。', en: 'The stream on {slot} stops.' },
  'confirm.stop.button': { 'zh-CN': '停止直播', 'zh-TW': '停止直播', en: 'Take off air' },
  'confirm.stop.keep': { 'zh-CN': '继续直播', 'zh-TW': '繼續直播', en: 'Keep on air' },

  // The pre-show checklist (console/checklist.ts).
  'checklist.checking': {
    'zh-CN': '检查中… 已完成 {done}/{total}',
    'zh-TW': '檢查中… 已完成 {done}/{total}',
    en: 'CHECKING… {done} of {total} done',
  },
  'checklist.go': { 'zh-CN': 'GO', 'zh-TW': 'GO', en: 'GO' },
  'checklist.goNoBackup': { 'zh-CN': 'GO — 没有备用', 'zh-TW': 'GO — 沒有備用', en: 'GO — with no backup' },
  'checklist.noGo': { 'zh-CN': 'NO-GO', 'zh-TW': 'NO-GO', en: 'NO-GO' },
  'checklist.checked': { 'zh-CN': '检查于 {time}', 'zh-TW': '檢查於 {time}', en: 'checked {time}' },
  'slot.go': { 'zh-CN': 'GO {slot}', 'zh-TW': 'GO {slot}', en: 'GO {slot}' },
  'slot.checking': { 'zh-CN': '{slot}：检查中', 'zh-TW': '{slot}：檢查中', en: '{slot}: checking' },
  'slot.noGo': { 'zh-CN': 'NO-GO {slot}', 'zh-TW': 'NO-GO {slot}', en: 'NO-GO {slot}' },
  'slot.goNoBackup': {
    'zh-CN': 'GO — 没有备用 {slot}：{n} 台备用设备 {failed} 自检未通过',
    'zh-TW': 'GO — 沒有備用 {slot}：{n} 台備用設備 {failed} 自我測試未通過',
    en: 'GO — no backup {slot}: {n, plural, one {backup {failed} failed its} other {backups {failed} failed their}} self-test',
  },
  'slot.swapped': { 'zh-CN': '（已换上备用）', 'zh-TW': '（已換上備用）', en: '(backup swapped in)' },
  'slot.wontLast.nogo': {
    'zh-CN': '（撑不到节目结束：NO-GO）',
    'zh-TW': '（撐不到節目結束：NO-GO）',
    en: '(will not last the show: NO-GO)',
  },
  'slot.wontLast.warning': {
    'zh-CN': '（撑不到节目结束：警告）',
    'zh-TW': '（撐不到節目結束：警告）',
    en: '(will not last the show: warning)',
  },
  'member.primary': { 'zh-CN': '主设备 {member}：{result}', 'zh-TW': '主設備 {member}：{result}', en: 'primary {member}: {result}' },
  'member.backup': { 'zh-CN': '备用 {member}：{result}', 'zh-TW': '備用 {member}：{result}', en: 'backup {member}: {result}' },
  'member.step': { 'zh-CN': '，在步骤「{step}」', 'zh-TW': '，在步驟「{step}」', en: ' at step “{step}”' },
  'result.queued': { 'zh-CN': '排队中', 'zh-TW': '排隊中', en: 'queued' },
  'result.running': { 'zh-CN': '进行中', 'zh-TW': '進行中', en: 'running' },
  'result.passed': { 'zh-CN': '通过', 'zh-TW': '通過', en: 'passed' },
  'result.failed': { 'zh-CN': '失败', 'zh-TW': '失敗', en: 'failed' },
  'result.timed_out': { 'zh-CN': '超时', 'zh-TW': '逾時', en: 'timed out' },
  'result.skipped': { 'zh-CN': '已跳过', 'zh-TW': '已略過', en: 'skipped' },
  'endurance.short': { 'zh-CN': '撑不到结束', 'zh-TW': '撐不到結束', en: 'WILL NOT LAST' },
  'endurance.lasts': { 'zh-CN': '够用', 'zh-TW': '夠用', en: 'lasts' },
  'endurance.unknown': { 'zh-CN': '未知', 'zh-TW': '未知', en: 'unknown' },
  'proposal.swap': {
    'zh-CN': '建议：开播前用 {backup} 替换 {primary}：{command}',
    'zh-TW': '建議：開播前用 {backup} 取代 {primary}：{command}',
    en: 'Proposed: put {backup} in place of {primary} before air: {command}',
  },
  'proposal.swapped': {
    'zh-CN': '开播前已用 {backup} 替换 {primary}。',
    'zh-TW': '開播前已用 {backup} 取代 {primary}。',
    en: '{backup} was put in place of {primary} before air.',
  },
  'proposal.fixBackup': {
    'zh-CN': '开播前修好或更换一个备用设备。',
    'zh-TW': '開播前修好或更換一個備用設備。',
    en: 'Fix or replace a backup before air.',
  },
  'proposal.noGoNoBackup': {
    'zh-CN': 'NO-GO：所有备用设备（{failed}）自检未通过，这类设备没有备用不能直播；开播前修好或更换一个备用设备。',
    'zh-TW': 'NO-GO：所有備用設備（{failed}）自我測試未通過，這類設備沒有備用不能直播；開播前修好或更換一個備用設備。',
    en: 'NO-GO: every backup ({failed}) failed its self-test and this gear may not go on air without one; fix or replace a backup before air.',
  },
  'proposal.nothing': {
    'zh-CN': '这个位置没有任何设备通过自检：开播前修好或更换设备。',
    'zh-TW': '這個位置沒有任何設備通過自我測試：開播前修好或更換設備。',
    en: 'Nothing in this slot passed its self-test: fix or replace the gear before air.',
  },
});
