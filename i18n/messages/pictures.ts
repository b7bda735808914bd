/**
 * The wall's live pictures and audio meters (console/picture.ts): the overlays on a picture, its
 * age, the meter's labels.
 */
import { defineMessages } from '../define.ts';

export const pictures = defineMessages('pictures', {
  'overlay.black': { 'zh-CN': '黑场', 'zh-TW': '黑畫面', en: 'BLACK' },
  'overlay.frozen': { 'zh-CN': '画面冻结', 'zh-TW': '畫面凍結', en: 'FROZEN' },
  'overlay.no-signal': { 'zh-CN': '无信号', 'zh-TW': '無訊號', en: 'NO SIGNAL' },
  'overlay.silent': { 'zh-CN': '静音', 'zh-TW': '無聲', en: 'SILENT' },
  'overlay.clipping': { 'zh-CN': '削波', 'zh-TW': '削波', en: 'CLIPPING' },
  'picture.alt': { 'zh-CN': '{device} 的实时画面', 'zh-TW': '{device} 的即時畫面', en: 'Live picture of {device}' },
  'picture.program': { 'zh-CN': '节目输出 · {device}', 'zh-TW': '節目輸出 · {device}', en: 'Program · {device}' },
  'picture.none': { 'zh-CN': '暂无画面', 'zh-TW': '尚無畫面', en: 'no picture yet' },
  'picture.age': { 'zh-CN': '{age} 前的画面', 'zh-TW': '{age} 前的畫面', en: 'picture from {age} ago' },
  'meter.label': {
    'zh-CN': '{device} 音频电平：峰值 {peak} dBFS',
    'zh-TW': '{device} 音訊電平：峰值 {peak} dBFS',
    en: '{device} audio level: peak {peak} dBFS',
  },
  'meter.none': { 'zh-CN': '{device} 暂无音频电平', 'zh-TW': '{device} 尚無音訊電平', en: '{device}: no audio level yet' },
  'meter.lufs': { 'zh-CN': '短期响度 {lufs} LUFS', 'zh-TW': '短期響度 {lufs} LUFS', en: 'short-term {lufs} LUFS' },
});
