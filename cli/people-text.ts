/**
 * What `onair person|studio|contact|duty` print, in Simplified Chinese and English, keyed by message
 * id: one table, so issue 24's catalogue can take it over. The language: ONAIR_LOCALE, else LANG
 * (zh… → zh-CN), else English. `{name}` marks where a value goes.
 */
export const PEOPLE_TEXT = {
  personSaved: { en: 'person {id}: {name}; contacts {contacts}', 'zh-CN': '人员 {id}：{name}；联系方式 {contacts}' },
  studioSaved: {
    en: 'studio {id}: responsible {responsible}, emergency lead {lead}, manager {manager}',
    'zh-CN': '演播室 {id}：负责人 {responsible}，应急组长 {lead}，经理 {manager}',
  },
  contactSaved: { en: 'contact point {id}: {kind} → {to}{secret}', 'zh-CN': '联系方式 {id}：{kind} → {to}{secret}' },
  withSecret: { en: ' (signing secret stored)', 'zh-CN': '（已保存签名密钥）' },
  removed: { en: 'removed {id}', 'zh-CN': '已删除 {id}' },
  nobody: { en: '—', 'zh-CN': '—' },
  nothing: { en: 'none yet', 'zh-CN': '暂无' },
  shiftAdded: {
    en: 'shift {id}: {person} on call for {studio} {from} → {to} (UTC)',
    'zh-CN': '班次 {id}：{person} 在 {studio} 值班 {from} → {to}（UTC）',
  },
  dutyLine: {
    en: '{studio}: first {first}{onCall}; emergency lead {lead}; manager {manager}{next}',
    'zh-CN': '{studio}：首先通知 {first}{onCall}；应急组长 {lead}；经理 {manager}{next}',
  },
  onCallUntil: { en: ' (on call until {until})', 'zh-CN': '（值班至 {until}）' },
  nextHandover: { en: '; next hand-over {from} to {person}', 'zh-CN': '；下次交接 {from} 交给 {person}' },
  tested: { en: 'test notification to {id} delivered in {ms} ms', 'zh-CN': '测试通知已送达 {id}，用时 {ms} 毫秒' },
  testFailed: { en: 'test notification to {id} failed after {ms} ms: {error}', 'zh-CN': '测试通知发送到 {id} 失败（{ms} 毫秒）：{error}' },
  secretArgv: {
    en: 'a secret is read from a file (--secret-file <file>, or - for stdin), never from the command line: other users see command lines',
    'zh-CN': '密钥只从文件读取（--secret-file <文件>，或 - 表示标准输入），不从命令行：其他用户能看到命令行',
  },
  emptySecret: { en: 'the secret file {file} is empty', 'zh-CN': '密钥文件 {file} 为空' },
  badLocale: { en: '--locale is zh-CN or en, not "{locale}"', 'zh-CN': '--locale 只能是 zh-CN 或 en，不能是“{locale}”' },
} as const;

export type TextId = keyof typeof PEOPLE_TEXT;

export function cliLocale(env: NodeJS.ProcessEnv = process.env): 'zh-CN' | 'en' {
  const chosen = env.ONAIR_LOCALE ?? env.LC_ALL ?? env.LANG ?? '';
  return chosen.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function say(id: TextId, values: Record<string, string | number | undefined> = {}): string {
  return PEOPLE_TEXT[id][cliLocale()].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name] ?? PEOPLE_TEXT.nobody[cliLocale()]) : whole,
  );
}
