/**
 * The errors of the controller's client (client/request-client.ts): an unreachable or refusing broker, a
 * request not answered. Thrown as UserError with English as `message` (for scripts); `onair` prints
 * them in its language. Names typed as they are (variables, options, commands) travel as values.
 */
import { defineMessages } from '../define.ts';

export const cliClient = defineMessages('cli-client', {
  badTokenFile: {
    'zh-CN': '{variable}：{file} 中没有“{line}”这样的一行',
    'zh-TW': '{variable}：{file} 裡沒有「{line}」這樣的一行',
    en: '{variable}: {file} holds no "{line}" line',
  },
  needPassword: {
    'zh-CN': '需要 {user} 的密码：请设置 {variable}，或在终端中运行以便输入',
    'zh-TW': '需要 {user} 的密碼：請設定 {variable}，或在終端機中執行以便輸入',
    en: 'a password for {user}: set {variable}, or run on a terminal to be asked',
  },
  passwordFor: { 'zh-CN': '{user} 的密码：', 'zh-TW': '{user} 的密碼：', en: 'password for {user}: ' },
  loginRefused: {
    'zh-CN': '位于 {broker} 的 OnAir 消息代理拒绝了登录（{why}）：请用 {userVariable} 和 {passwordVariable} 登录，或使用 {url}',
    'zh-TW': '位於 {broker} 的 OnAir 訊息代理拒絕了登入（{why}）：請用 {userVariable} 和 {passwordVariable} 登入，或使用 {url}',
    en: 'the OnAir broker at {broker} refused the login ({why}): log in with {userVariable} and {passwordVariable}, or {url}',
  },
  tlsFailed: {
    'zh-CN': '位于 {broker} 的 OnAir 消息代理未通过 TLS 检查（{why}）：请将 {variable} 指向签发其证书的证书颁发机构的证书文件',
    'zh-TW': '位於 {broker} 的 OnAir 訊息代理未通過 TLS 檢查（{why}）：請將 {variable} 指向簽發其憑證之憑證授權單位的憑證檔案',
    en: 'the OnAir broker at {broker} failed the TLS check ({why}): set {variable} to the CA that signed its certificate',
  },
  unreachable: {
    'zh-CN': '无法连接位于 {broker} 的 OnAir 消息代理（“{command}”在运行吗？请设置 {option} 或 {variable}）',
    'zh-TW': '無法連線位於 {broker} 的 OnAir 訊息代理（「{command}」在執行嗎？請設定 {option} 或 {variable}）',
    en: 'cannot reach the OnAir broker at {broker} (is "{command}" running? set {option} or {variable})',
  },
  requestFailed: { 'zh-CN': '请求失败', 'zh-TW': '請求失敗', en: 'request failed' },
  noAnswer: {
    'zh-CN': '控制器在 {ms} 毫秒内没有回应“{op}”',
    'zh-TW': '控制器在 {ms} 毫秒內沒有回應「{op}」',
    en: 'the controller did not answer "{op}" within {ms} ms',
  },
  noAnswerAsUser: {
    'zh-CN': '控制器在 {ms} 毫秒内没有回应“{op}”（如果 {user} 的角色无权请求“{op}”，{broker} 这类消息代理会直接丢弃请求而不告知）',
    'zh-TW': '控制器在 {ms} 毫秒內沒有回應「{op}」（如果 {user} 的角色無權請求「{op}」，{broker} 這類訊息代理會直接丟棄請求而不告知）',
    en: 'the controller did not answer "{op}" within {ms} ms (if {user}\'s role may not ask "{op}", a broker such as {broker} drops the request without telling us)',
  },
  closed: {
    'zh-CN': '请求“{op}”时消息代理关闭了连接：需要登录（或消息代理已离线）',
    'zh-TW': '請求「{op}」時訊息代理關閉了連線：需要登入（或訊息代理已離線）',
    en: 'the broker closed the connection when asked "{op}": it requires a login (or the broker went away)',
  },
  closedAsUser: {
    'zh-CN': '请求“{op}”时消息代理关闭了连接：{user} 的角色无权请求它（或消息代理已离线）',
    'zh-TW': '請求「{op}」時訊息代理關閉了連線：{user} 的角色無權請求它（或訊息代理已離線）',
    en: 'the broker closed the connection when asked "{op}": {user}\'s role may not ask it (or the broker went away)',
  },
});
