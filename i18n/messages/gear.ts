/**
 * The wall's gear and agents (console/gear.ts): the devices of a studio that serve no slot (program
 * switchers, tally boards, encoders outside slots) by kind, and each agent with its heartbeat's age.
 */
import { defineMessages } from '../define.ts';

export const gear = defineMessages('gear', {
  title: { 'zh-CN': '其他设备', 'zh-TW': '其他設備', en: 'Gear' },
  noStudio: { 'zh-CN': '（无演播室）', 'zh-TW': '（無攝影棚）', en: '(no studio)' },
  onProgram: { 'zh-CN': '节目：{source}', 'zh-TW': '節目：{source}', en: 'on program: {source}' },
  programUnknown: { 'zh-CN': '节目未知', 'zh-TW': '節目未知', en: 'program not known' },
  lastCut: {
    'zh-CN': '上次切换 {time}：{from} → {to}',
    'zh-TW': '上次切換 {time}：{from} → {to}',
    en: 'last cut {time}: {from} → {to}',
  },
  'agents.title': { 'zh-CN': '代理', 'zh-TW': '代理程式', en: 'Agents' },
  'agent.online': { 'zh-CN': '在线', 'zh-TW': '線上', en: 'online' },
  'agent.offline': { 'zh-CN': '离线', 'zh-TW': '離線', en: 'offline' },
  'agent.heartbeat': { 'zh-CN': '心跳 {age}', 'zh-TW': '心跳 {age}', en: 'heartbeat {age}' },
  'agent.never': { 'zh-CN': '从未收到心跳', 'zh-TW': '從未收到心跳', en: 'never heard' },
  'kind.camera': { 'zh-CN': '摄像机', 'zh-TW': '攝影機', en: 'cameras' },
  'kind.mic': { 'zh-CN': '话筒', 'zh-TW': '麥克風', en: 'microphones' },
  'kind.light': { 'zh-CN': '灯光', 'zh-TW': '燈光', en: 'lights' },
  'kind.lighting-interface': { 'zh-CN': '灯光接口', 'zh-TW': '燈光介面', en: 'lighting interfaces' },
  'kind.gpio': { 'zh-CN': '输入输出板与提示灯板', 'zh-TW': '輸入輸出板與提示燈板', en: 'GPIO and tally boards' },
  'kind.switcher': { 'zh-CN': '节目切换台', 'zh-TW': '節目切換台', en: 'program switchers' },
  'kind.encoder': { 'zh-CN': '推流编码器', 'zh-TW': '串流編碼器', en: 'stream encoders' },
  'kind.other': { 'zh-CN': '其他', 'zh-TW': '其他', en: 'other' },
});
