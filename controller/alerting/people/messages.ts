/**
 * What the people part says to a person (refusals of people, studio, contact and duty changes), in
 * Simplified Chinese and English, keyed by message id: one table, so issue 24's catalogue can take it
 * over. `{name}` marks where a value goes.
 */
import type { Locale } from '../../../protocols/alerting.ts';

export const PEOPLE_MESSAGES = {
  unknownPerson: { en: 'no person "{id}" (add them with onair person add)', 'zh-CN': '没有人员“{id}”（请先用 onair person add 添加）' },
  unknownContact: {
    en: 'no contact point "{id}" (add it with onair contact add)',
    'zh-CN': '没有联系方式“{id}”（请先用 onair contact add 添加）',
  },
  unknownStudio: {
    en: 'no studio "{id}" (set its people with onair studio set)',
    'zh-CN': '没有演播室“{id}”（请先用 onair studio set 设置其人员）',
  },
  unknownShift: { en: 'no duty shift {id}', 'zh-CN': '没有值班班次 {id}' },
  loginTaken: { en: 'login "{login}" already belongs to {other}', 'zh-CN': '登录名“{login}”已属于 {other}' },
  personInUse: {
    en: 'person {id} is still named by {users}: name someone else there first',
    'zh-CN': '人员 {id} 仍被 {users} 指定：请先在那里换成别人',
  },
  contactInUse: {
    en: 'contact point {id} is still used by {users}: take it off their contacts first',
    'zh-CN': '联系方式 {id} 仍被 {users} 使用：请先从其联系方式中移除',
  },
  shiftBackwards: {
    en: 'a duty shift must end after it starts ({from} → {to})',
    'zh-CN': '值班班次的结束时间必须晚于开始时间（{from} → {to}）',
  },
  shiftOverlaps: {
    en: '{person} would be on call for {studio} while shift {other} of {otherPerson} is ({from} → {to}): one person on call per studio at a time',
    'zh-CN': '{person} 的值班与 {otherPerson} 的班次 {other}（{from} → {to}）在 {studio} 重叠：同一演播室同一时间只能有一人值班',
  },
  badAddress: { en: 'an e-mail contact point needs an address, not "{to}"', 'zh-CN': '邮件联系方式需要邮箱地址，而不是“{to}”' },
  badUrl: { en: 'a {kind} contact point needs an http(s) URL, not "{to}"', 'zh-CN': '{kind} 联系方式需要 http(s) 网址，而不是“{to}”' },
  smsPhone: {
    en: 'an sms contact point needs --phone (the number the gateway texts)',
    'zh-CN': '短信联系方式需要 --phone（网关发送短信的号码）',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type PeopleMessageId = keyof typeof PEOPLE_MESSAGES;

/** A message in one language with its values filled in. */
export function peopleMessage(id: PeopleMessageId, values: Record<string, string | number> = {}, locale: Locale = 'en'): string {
  return PEOPLE_MESSAGES[id][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A refusal: the request is answered with this reason (the controller's answers are English, as its other errors). */
export class PeopleRefusal extends Error {
  constructor(id: PeopleMessageId, values: Record<string, string | number> = {}) {
    super(peopleMessage(id, values));
  }
}
