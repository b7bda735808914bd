/**
 * The people part's refusals (people, studios, contact points, duty shifts). The controller answers
 * them in English, as its other errors; the CLI and console show the same message in their language.
 */
import { defineMessages } from '../define.ts';

export const alertingPeople = defineMessages('alerting-people', {
  unknownPerson: {
    'zh-CN': '没有人员“{id}”（请先用 {command} 添加）',
    'zh-TW': '沒有人員「{id}」（請先用 {command} 新增）',
    en: 'no person "{id}" (add them with {command})',
  },
  unknownContact: {
    'zh-CN': '没有联系方式“{id}”（请先用 {command} 添加）',
    'zh-TW': '沒有聯絡方式「{id}」（請先用 {command} 新增）',
    en: 'no contact point "{id}" (add it with {command})',
  },
  unknownStudio: {
    'zh-CN': '没有演播室“{id}”（请先用 {command} 设置其人员）',
    'zh-TW': '沒有攝影棚「{id}」（請先用 {command} 設定其人員）',
    en: 'no studio "{id}" (set its people with {command})',
  },
  unknownShift: { 'zh-CN': '没有值班班次 {id}', 'zh-TW': '沒有值班班次 {id}', en: 'no duty shift {id}' },
  loginTaken: {
    'zh-CN': '登录名“{login}”已属于 {other}',
    'zh-TW': '登入名稱「{login}」已屬於 {other}',
    en: 'login "{login}" already belongs to {other}',
  },
  personInUse: {
    'zh-CN': '人员 {id} 仍被 {users} 指定：请先在那里换成别人',
    'zh-TW': '人員 {id} 仍被 {users} 指定：請先在那裡換成別人',
    en: 'person {id} is still named by {users}: name someone else there first',
  },
  contactInUse: {
    'zh-CN': '联系方式 {id} 仍被 {users} 使用：请先从其联系方式中移除',
    'zh-TW': '聯絡方式 {id} 仍被 {users} 使用：請先從其聯絡方式中移除',
    en: 'contact point {id} is still used by {users}: take it off their contacts first',
  },
  shiftBackwards: {
    'zh-CN': '值班班次的结束时间必须晚于开始时间（{from} → {to}）',
    'zh-TW': '值班班次的結束時間必須晚於開始時間（{from} → {to}）',
    en: 'a duty shift must end after it starts ({from} → {to})',
  },
  shiftOverlaps: {
    'zh-CN': '{person} 的值班与 {otherPerson} 的班次 {other}（{from} → {to}）在 {studio} 重叠：同一演播室同一时间只能有一人值班',
    'zh-TW': '{person} 的值班與 {otherPerson} 的班次 {other}（{from} → {to}）在 {studio} 重疊：同一攝影棚同一時間只能有一人值班',
    en: '{person} would be on call for {studio} while shift {other} of {otherPerson} is ({from} → {to}): one person on call per studio at a time',
  },
  badAddress: {
    'zh-CN': '邮件联系方式需要邮箱地址，而不是“{to}”',
    'zh-TW': '電子郵件聯絡方式需要電子郵件地址，而不是「{to}」',
    en: 'an e-mail contact point needs an address, not "{to}"',
  },
  badUrl: {
    'zh-CN': '{kind} 联系方式需要 HTTP 或 HTTPS 网址，而不是“{to}”',
    'zh-TW': '{kind} 聯絡方式需要 HTTP 或 HTTPS 網址，而不是「{to}」',
    en: 'a {kind} contact point needs an http(s) URL, not "{to}"',
  },
  smsPhone: {
    'zh-CN': '短信联系方式需要 {option}（网关发送短信的号码）',
    'zh-TW': '簡訊聯絡方式需要 {option}（閘道發送簡訊的號碼）',
    en: 'an sms contact point needs {option} (the number the gateway texts)',
  },
});
