/**
 * The console's shell (console/main.ts): the login, the navigation, the link to the controller, and
 * the errors of console/api.ts, which the page shows as they are.
 */
import { defineMessages } from '../define.ts';

export const shell = defineMessages('shell', {
  title: { 'zh-CN': 'OnAir 控制台', 'zh-TW': 'OnAir 控制台', en: 'OnAir console' },
  'login.form': { 'zh-CN': '登录', 'zh-TW': '登入', en: 'log in' },
  'login.user': { 'zh-CN': '用户名', 'zh-TW': '使用者名稱', en: 'User' },
  'login.password': { 'zh-CN': '密码', 'zh-TW': '密碼', en: 'Password' },
  'login.submit': { 'zh-CN': '登录', 'zh-TW': '登入', en: 'Log in' },
  logout: { 'zh-CN': '退出登录', 'zh-TW': '登出', en: 'Log out' },
  'nav.label': { 'zh-CN': '页面', 'zh-TW': '頁面', en: 'pages' },
  'nav.wall': { 'zh-CN': '监控墙', 'zh-TW': '監控牆', en: 'Wall' },
  'nav.shows': { 'zh-CN': '节目', 'zh-TW': '節目', en: 'Shows' },
  'nav.events': { 'zh-CN': '事件', 'zh-TW': '事件', en: 'Events' },
  'nav.reports': { 'zh-CN': '报告', 'zh-TW': '報告', en: 'Reports' },
  'nav.incidents': { 'zh-CN': '事故', 'zh-TW': '事故', en: 'Incidents' },
  'nav.duty': { 'zh-CN': '值班', 'zh-TW': '值班', en: 'Duty' },
  'link.live': { 'zh-CN': '实时', 'zh-TW': '即時', en: 'live' },
  'link.connecting': { 'zh-CN': '连接中…', 'zh-TW': '連線中…', en: 'connecting…' },
  'link.reconnecting': {
    'zh-CN': '重新连接中——所见内容可能已过时',
    'zh-TW': '重新連線中——所見內容可能已過時',
    en: 'RECONNECTING — what you see may be old',
  },
  who: { 'zh-CN': '{user}（{role}）', 'zh-TW': '{user}（{role}）', en: '{user} ({role})' },
  'role.viewer': { 'zh-CN': '观察员', 'zh-TW': '觀察員', en: 'viewer' },
  'role.technician': { 'zh-CN': '技术员', 'zh-TW': '技術員', en: 'technician' },
  'role.engineer': { 'zh-CN': '工程师', 'zh-TW': '工程師', en: 'engineer' },
  'role.admin': { 'zh-CN': '管理员', 'zh-TW': '管理員', en: 'admin' },
  connectingController: { 'zh-CN': '正在连接控制器…', 'zh-TW': '正在連線控制器…', en: 'Connecting to the controller…' },
  loading: { 'zh-CN': '加载中…', 'zh-TW': '載入中…', en: 'Loading…' },
  connecting: { 'zh-CN': '连接中…', 'zh-TW': '連線中…', en: 'Connecting…' },
  'api.noBody': {
    'zh-CN': '控制器返回 {status}，但没有内容',
    'zh-TW': '控制器回應 {status}，但沒有內容',
    en: 'the controller answered {status} without a body',
  },
  'api.loginFailed': { 'zh-CN': '登录失败（{status}）', 'zh-TW': '登入失敗（{status}）', en: 'login failed ({status})' },
  'api.unreachable': { 'zh-CN': '无法连接控制器', 'zh-TW': '無法連線控制器', en: 'cannot reach the controller' },
  'api.failed': { 'zh-CN': '{op} 失败（{status}）', 'zh-TW': '{op} 失敗（{status}）', en: '{op} failed ({status})' },
});
