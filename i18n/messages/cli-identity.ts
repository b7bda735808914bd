/**
 * What `onair agent add|rotate|revoke|list`, `onair user …` and `onair broker …` print, and their refusals.
 * Credentials, config snippets, variables, paths and commands are typed as they are: they travel as values.
 */
import { defineMessages } from '../define.ts';

export const cliIdentity = defineMessages('cli-identity', {
  needNewPassword: {
    'zh-CN': '请设置 {variable}{local, select, true {（或 {alt}）} other {}}，或在终端中运行以便输入',
    'zh-TW': '請設定 {variable}{local, select, true {（或 {alt}）} other {}}，或在終端機中執行以便輸入',
    en: 'set {variable}{local, select, true { (or {alt})} other {}}, or run on a terminal to be asked',
  },
  passwordFor: { 'zh-CN': '{name} 的密码：', 'zh-TW': '{name} 的密碼：', en: 'password for {name}: ' },
  newPasswordFor: { 'zh-CN': '{name} 的新密码：', 'zh-TW': '{name} 的新密碼：', en: 'new password for {name}: ' },
  agentCredential: {
    'zh-CN':
      '{verb, select, rotated {已为代理 {id} 更换凭据} other {已登记代理 {id}}}。其凭据（只显示这一次，只以哈希保存）：\n\n  {credential}\n\n请以引用方式交给代理，切勿写进其配置文件：\n  {config}\n',
    'zh-TW':
      '{verb, select, rotated {已為代理程式 {id} 更換憑證} other {已登錄代理程式 {id}}}。其憑證（只顯示這一次，只以雜湊儲存）：\n\n  {credential}\n\n請以參照方式交給代理程式，切勿寫進其設定檔：\n  {config}\n',
    en: '{verb, select, rotated {Rotated} other {Enrolled}} agent {id}. Its credential (shown once, stored only as a hash):\n\n  {credential}\n\nGive it to the agent by reference, never in its config file:\n  {config}\n',
  },
  agentNeedsConfig: {
    'zh-CN': '{command} 需要 {option}（其代理配置）；{enrol} 用于登记代理',
    'zh-TW': '{command} 需要 {option}（其代理程式設定）；{enrol} 用於登錄代理程式',
    en: '{command} needs {option} (its agent config); {enrol} enrol agents',
  },
  noAgent: { 'zh-CN': '没有已登记的代理 {id} 可吊销', 'zh-TW': '沒有已登錄的代理程式 {id} 可撤銷', en: 'no enrolled agent {id} to revoke' },
  agentRevoked: {
    'zh-CN': '已吊销代理 {id}：它不能再登录（它现有的连接会保持到断开为止）。',
    'zh-TW': '已撤銷代理程式 {id}：它不能再登入（它現有的連線會保持到斷線為止）。',
    en: 'Revoked agent {id}: it can no longer log in (a connection it has now stays until it drops).',
  },
  agentRevokedAt: { 'zh-CN': '已于 {at} 吊销', 'zh-TW': '已於 {at} 撤銷', en: 'revoked {at}' },
  agentEnrolledAt: {
    'zh-CN': '已登记，凭据自 {at} 起',
    'zh-TW': '已登錄，憑證自 {at} 起',
    en: 'enrolled, credential from {at}',
  },
  cannotWriteToken: {
    'zh-CN': '无法写入令牌文件 {file}：{code}',
    'zh-TW': '無法寫入權杖檔案 {file}：{code}',
    en: 'cannot write the token file {file}: {code}',
  },
  tokenIn: {
    'zh-CN': '其令牌在 {file}（权限 0600）：请给该工具设置 {assignment}。',
    'zh-TW': '其權杖在 {file}（權限 0600）：請為該工具設定 {assignment}。',
    en: ' Its token is in {file} (mode 0600): give the tool {assignment}.',
  },
  unknownRole: {
    'zh-CN': '未知角色“{role}”（角色：{roles}）',
    'zh-TW': '未知角色「{role}」（角色：{roles}）',
    en: 'unknown role "{role}" (roles: {roles})',
  },
  userAdded: {
    'zh-CN': '已添加 {name}（{role}）。{where}',
    'zh-TW': '已新增 {name}（{role}）。{where}',
    en: 'Added {name} ({role}).{where}',
  },
  passwordChanged: {
    'zh-CN': '{name} 的密码已更改。{where}',
    'zh-TW': '{name} 的密碼已變更。{where}',
    en: 'Password of {name} changed.{where}',
  },
  noUser: { 'zh-CN': '没有用户 {name}', 'zh-TW': '沒有使用者 {name}', en: 'no user {name}' },
  userRemoved: { 'zh-CN': '已删除 {name}。', 'zh-TW': '已刪除 {name}。', en: 'Removed {name}.' },
  userState: {
    'zh-CN': '{removed, select, true {已删除} other {有效}}',
    'zh-TW': '{removed, select, true {已刪除} other {有效}}',
    en: '{removed, select, true {removed} other {active}}',
  },
  needAdmin: {
    'zh-CN': '通过网络登记需要管理员登录（{logins} 或 {lastLogin}）；在控制器所在机器上，请用 {config} 或 {data} 指明其数据库',
    'zh-TW': '透過網路登錄需要管理員登入（{logins} 或 {lastLogin}）；在控制器所在機器上，請用 {config} 或 {data} 指明其資料庫',
    en: 'enrolling over the network needs an admin login ({logins} or {lastLogin}); on the controller machine, name its database with {config} or {data}',
  },
  pairDatabase: {
    'zh-CN': '主备控制器的数据库（{url}）：{error}',
    'zh-TW': '主備控制器的資料庫（{url}）：{error}',
    en: "the pair's database ({url}): {error}",
  },
  controllerCredential: {
    'zh-CN':
      '控制器以 {login} 登录消息代理。其凭据（只显示这一次，只以哈希保存）：\n\n  {credential}\n\n在控制器的配置中以引用方式写入：\n  {config}\n然后重新生成消息代理的文件：{command}\n',
    'zh-TW':
      '控制器以 {login} 登入訊息代理。其憑證（只顯示這一次，只以雜湊儲存）：\n\n  {credential}\n\n在控制器的設定中以參照方式寫入：\n  {config}\n然後重新產生訊息代理的檔案：{command}\n',
    en: "The controller logs in to the broker as {login}. Its credential (shown once, stored only as a hash):\n\n  {credential}\n\nIn the controller's config, by reference:\n  {config}\nThen write the broker's files again: {command}\n",
  },
  noControllerLogin: {
    'zh-CN': '尚未登记控制器的登录：请先运行 {command}（控制器也必须登录 {broker}）',
    'zh-TW': '尚未登錄控制器的登入身分：請先執行 {command}（控制器也必須登入 {broker}）',
    en: 'no controller login is enrolled: run {command} first (the controller must log in to {broker} too)',
  },
  wrote: {
    'zh-CN': '已写入 {passwd}、{acl} 和 {conf}：{agents} 个代理，{people} 个人员，{controllers} 个控制器登录。',
    'zh-TW': '已寫入 {passwd}、{acl} 和 {conf}：{agents} 個代理程式，{people} 個人員，{controllers} 個控制器登入身分。',
    en: 'Wrote {passwd}, {acl} and {conf}: {agents} agents, {people} people, {controllers} controller login(s).',
  },
  ownedBy: {
    'zh-CN': '密码文件和访问控制列表属于 {owner}，权限 0600：{broker} 切换到自己的用户后读取它们。',
    'zh-TW': '密碼檔案和存取控制清單屬於 {owner}，權限 0600：{broker} 切換到自己的使用者後讀取它們。',
    en: 'The password file and the ACL are {owner}, mode 0600: {broker} reads them after dropping to its own user.',
  },
  chownThem: {
    'zh-CN': '{broker} 切换到自己的用户（在 {system} 上为 {user}）后读取密码文件和访问控制列表：请运行\n  {command}',
    'zh-TW': '{broker} 切換到自己的使用者（在 {system} 上為 {user}）後讀取密碼檔案和存取控制清單：請執行\n  {command}',
    en: '{broker} reads the password file and the ACL after dropping to its own user ({system}: {user}): run\n  {command}',
  },
  listenerDefined: {
    'zh-CN': '{conf} 定义了{address, select, any {所有地址} other {{address}}}上端口 {port} 的监听：请删除你自己的同一行。',
    'zh-TW': '{conf} 定義了{address, select, any {所有位址} other {{address}}}上連接埠 {port} 的監聽：請刪除你自己的同一行。',
    en: '{conf} defines the listener on {address, select, any {every address} other {{address}}} port {port}: remove your own line for it.',
  },
  noListener: {
    'zh-CN': '{conf} 未定义监听：请在 OnAir 客户端使用的每个 {directive} 行下加上“{line}”。',
    'zh-TW': '{conf} 未定義監聽：請在 OnAir 用戶端使用的每個 {directive} 行下加上「{line}」。',
    en: '{conf} defines no listener: add "{line}" under each {directive} line OnAir clients use.',
  },
  includeAndReload: {
    'zh-CN': '请在 {mainConf} 中引入 {conf}，并在每次登记、更换或吊销后重新加载 {broker}（{reload}，或发送 {signal}）。',
    'zh-TW': '請在 {mainConf} 中引入 {conf}，並在每次登錄、更換或撤銷後重新載入 {broker}（{reload}，或傳送 {signal}）。',
    en: 'Include {conf} in {mainConf}, then reload {broker} ({reload}, or {signal}) after every enrolment, rotation or revocation.',
  },
  leftOut: {
    'zh-CN': '未包含（在 OnAir 写入 {broker} 哈希之前登记；更换凭据或设置新密码即可包含）：{names}',
    'zh-TW': '未包含（在 OnAir 寫入 {broker} 雜湊之前登錄；更換憑證或設定新密碼即可包含）：{names}',
    en: 'Left out (enrolled before OnAir wrote {broker} hashes; rotate or set a new password to include them): {names}',
  },
});
