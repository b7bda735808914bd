/**
 * What `onair device`, `onair slot` and `onair profile` print, and their refusals. Options, examples and
 * syntax (`--set`, `key=value`, `agent/device`) are typed as they are: they travel as values.
 * JSON output (--json, `device show`) never changes with the language.
 */
import { defineMessages } from '../define.ts';

export const cliGear = defineMessages('cli-gear', {
  notRef: { 'zh-CN': '“{text}”不是 {form}', 'zh-TW': '「{text}」不是 {form}', en: '"{text}" is not {form}' },
  notPair: {
    'zh-CN': '{option}“{text}”不是 {form}',
    'zh-TW': '{option}「{text}」不是 {form}',
    en: '{option} "{text}" is not {form}',
  },
  notPairExample: {
    'zh-CN': '{option}“{text}”不是 {form}（例如 {example}）',
    'zh-TW': '{option}「{text}」不是 {form}（例如 {example}）',
    en: '{option} "{text}" is not {form} (for example {example})',
  },
  notPairEither: {
    'zh-CN': '{option}“{text}”既不是 {form}，也不是 {other}',
    'zh-TW': '{option}「{text}」既不是 {form}，也不是 {other}',
    en: '{option} "{text}" is not {form} or {other}',
  },
  notPairExamples: {
    'zh-CN': '{option}“{text}”不是 {form}（例如 {example}，或 {other}）',
    'zh-TW': '{option}「{text}」不是 {form}（例如 {example}，或 {other}）',
    en: '{option} "{text}" is not {form} (for example {example}, or {other})',
  },
  notPort: {
    'zh-CN': '“{text}”不是端口号（{range}）',
    'zh-TW': '「{text}」不是連接埠號碼（{range}）',
    en: '"{text}" is not a port number ({range})',
  },
  emptyKeyPart: {
    'zh-CN': '{option} {key}：键中有空的部分',
    'zh-TW': '{option} {key}：鍵中有空的部分',
    en: '{option} {key}: empty part in the key',
  },
  noSecrets: {
    'zh-CN': '{option} {key}：从不保存密钥；请改为给出 {reference}（在代理所在机器上设置）',
    'zh-TW': '{option} {key}：從不儲存金鑰；請改為給出 {reference}（在代理程式所在機器上設定）',
    en: "{option} {key}: secrets are never stored; give {reference} (set on the agent's machine) instead",
  },
  badJson: {
    'zh-CN': '{option} {key}：{raw} 不是有效的 JSON（{error}）',
    'zh-TW': '{option} {key}：{raw} 不是有效的 JSON（{error}）',
    en: '{option} {key}: {raw} is not valid JSON ({error})',
  },
  needsBoth: {
    'zh-CN': '{option}“{text}”：{form} 两者都要给出',
    'zh-TW': '{option}「{text}」：{form} 兩者都要給出',
    en: '{option} "{text}": {form} needs both',
  },
  oneOf: {
    'zh-CN': '请给出 {first} 或 {second}，不要同时给出',
    'zh-TW': '請給出 {first} 或 {second}，不要同時給出',
    en: 'give {first} or {second}, not both',
  },
  badRole: {
    'zh-CN': '{option} {role}：只能是 {choices} 或 {last}',
    'zh-TW': '{option} {role}：只能是 {choices} 或 {last}',
    en: '{option} {role}: must be {choices} or {last}',
  },
  roleNeedsSource: {
    'zh-CN': '{option} 需要一个来源：请给出 {url} 或 {stream}（其设备档案未指定）',
    'zh-TW': '{option} 需要一個來源：請給出 {url} 或 {stream}（其設定檔未指定）',
    en: '{option} needs a source: give {url} or {stream} (its profile names none)',
  },
  noDriver: {
    'zh-CN': '{ref}：设备档案 {profile} 指定的驱动“{driver}”在此 onair 中没有',
    'zh-TW': '{ref}：設定檔 {profile} 指定的驅動程式「{driver}」在此 onair 中沒有',
    en: '{ref}: profile {profile} names driver "{driver}", which this onair does not have',
  },
  invalidUnit: {
    'zh-CN': '{ref}：不符合其 {driver} 驱动的要求：\n  {problems}',
    'zh-TW': '{ref}：不符合其 {driver} 驅動程式的要求：\n  {problems}',
    en: '{ref}: not valid for its {driver} driver:\n  {problems}',
  },
  deviceSaved: {
    'zh-CN': '{created, select, true {已登记} other {已修改}}  {ref}（{profile} 第 {version} 版）',
    'zh-TW': '{created, select, true {已登錄} other {已修改}}  {ref}（{profile} 第 {version} 版）',
    en: '{created, select, true {registered} other {changed}}  {ref}  ({profile} v{version})',
  },
  note: { 'zh-CN': '  注意：{note}', 'zh-TW': '  注意：{note}', en: '  note: {note}' },
  deployment: {
    'zh-CN': '{deployment, select, pending {等待部署} running {运行中} refused {被拒绝} other {{deployment}}}',
    'zh-TW': '{deployment, select, pending {等待部署} running {執行中} refused {被拒絕} other {{deployment}}}',
    en: '{deployment}',
  },
  removed: { 'zh-CN': '已删除  {id}', 'zh-TW': '已刪除  {id}', en: 'removed  {id}' },
  slotSaved: {
    'zh-CN': '{created, select, true {已定义} other {已修改}}  {id}：{chain}',
    'zh-TW': '{created, select, true {已定義} other {已修改}}  {id}：{chain}',
    en: '{created, select, true {defined} other {changed}}  {id}: {chain}',
  },
  alarmOnContent: { 'zh-CN': '内容故障只告警', 'zh-TW': '內容故障只發警報', en: 'alarm on content faults' },
  mayBeDark: { 'zh-CN': '允许黑场', 'zh-TW': '允許黑畫面', en: 'may be dark' },
  mayBeStill: { 'zh-CN': '允许静帧', 'zh-TW': '允許靜止畫面', en: 'may be still' },
  mayBeSilent: { 'zh-CN': '允许静音', 'zh-TW': '允許靜音', en: 'may be silent' },
  profileOk: {
    'zh-CN': '通过  {profile} 第 {version} 版（{manufacturer} {model}，{driver}）',
    'zh-TW': '通過  {profile} 第 {version} 版（{manufacturer} {model}，{driver}）',
    en: 'ok  {profile} v{version} ({manufacturer} {model}, {driver})',
  },
  profilesWithErrors: {
    'zh-CN': '{files} 个设备档案中有 {errors} 个有错误',
    'zh-TW': '{files} 個設定檔中有 {errors} 個有錯誤',
    en: '{errors} of {files} profiles have errors',
  },
  nothingAdded: {
    'zh-CN': '{files} 个设备档案中有 {errors} 个有错误；未添加任何档案',
    'zh-TW': '{files} 個設定檔中有 {errors} 個有錯誤；未新增任何設定檔',
    en: '{errors} of {files} profiles have errors; nothing was added',
  },
  profileAdded: {
    'zh-CN': '{created, select, true {已添加} other {未改变}}  {profile} 第 {version} 版',
    'zh-TW': '{created, select, true {已新增} other {未變更}}  {profile} 第 {version} 版',
    en: '{created, select, true {added} other {unchanged}}  {profile} v{version}',
  },
  profileVersion: { 'zh-CN': '{profile} 第 {version} 版', 'zh-TW': '{profile} 第 {version} 版', en: '{profile} v{version}' },
  addedBy: { 'zh-CN': '（由 {by} 添加）', 'zh-TW': '（由 {by} 新增）', en: '  (added by {by})' },
  addedAt: { 'zh-CN': '由 {by} 于 {at} 添加', 'zh-TW': '由 {by} 於 {at} 新增', en: 'added by {by} at {at}' },
});
