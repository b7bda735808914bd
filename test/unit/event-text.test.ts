/** Events in words: every event type in the schema has a name, and descriptions say who, where and what changed. */
import { describe, expect, it } from 'vitest';
import { describeEvent, eventName, type EventWords } from '../../console/event-text.ts';
import { EVENT_TYPES, type ControllerEvent } from '../../protocols/events.ts';
import { LOCALES, type Locale } from '../../i18n/locales.ts';
import { common } from '../../i18n/messages/common.ts';
import { events } from '../../i18n/messages/events.ts';
import { formatsFor, setMessageErrorHandler, translator } from '../../i18n/translator.ts';

setMessageErrorHandler((error) => {
  throw error;
});
const words = (locale: Locale): EventWords => ({
  t: translator(events, locale),
  common: translator(common, locale),
  f: formatsFor(locale),
});
const e = (type: string, data: Record<string, unknown>, fields: Partial<ControllerEvent> = {}): ControllerEvent =>
  ({ seq: 1, ts: 0, type, data, ...fields }) as ControllerEvent;

describe('event names', () => {
  it.each(EVENT_TYPES)('%s has a name in every language', (type) => {
    expect(events.table[`type.${type}` as keyof typeof events.table], `no events.type.${type}`).toBeDefined();
    for (const locale of LOCALES) expect(eventName(type, words(locale))).not.toBe(type);
  });
  it('names no type the schema does not have', () => {
    const named = Object.keys(events.table)
      .filter((k) => k.startsWith('type.'))
      .map((k) => k.slice('type.'.length));
    expect(named.filter((n) => !(EVENT_TYPES as string[]).includes(n))).toEqual([]);
  });
});

describe('event descriptions', () => {
  const table: Array<[ControllerEvent, Record<Locale, string>]> = [
    [
      e('device.state', { from: 'ok', to: 'failed', onAir: 'live' }, { agent: 'a', device: 'cam-1' }),
      { en: 'OK → FAILED (live on air)', 'zh-CN': '正常 → 故障（直播中的在播设备）', 'zh-TW': '正常 → 故障（直播中的在播設備）' },
    ],
    [
      e('device.state', { from: 'ok', to: 'offline', onAir: 'backup' }, { reason: 'agent lost' }),
      {
        en: 'OK → OFFLINE (backup of a slot on air: redundancy reduced): agent lost',
        'zh-CN': '正常 → 离线（直播机位的备份：冗余减少）：agent lost',
        'zh-TW': '正常 → 離線（直播機位的備援：備援減少）：agent lost',
      },
    ],
    [
      e('failover.succeeded', { from: 'a/cam-1', to: 'b/cam-2', durationMs: 420, attempts: [] }),
      { en: 'a/cam-1 → b/cam-2 in 420 ms', 'zh-CN': 'a/cam-1 → b/cam-2，用时 420 毫秒', 'zh-TW': 'a/cam-1 → b/cam-2，耗時 420 毫秒' },
    ],
    [
      e('failover.started', { from: 'a/cam-1', candidates: ['b/cam-2'] }),
      { en: 'a/cam-1 down, 1 candidate', 'zh-CN': 'a/cam-1 停播，候选 1 台', 'zh-TW': 'a/cam-1 停播，候選 1 台' },
    ],
    [
      e('slot.down', { onAir: true }),
      { en: 'down on air: nothing healthy to put live', 'zh-CN': '直播中停播：无正常设备可上', 'zh-TW': '直播中停播：無正常設備可上' },
    ],
    [
      e('agent.offline', { session: 1 }, { agent: 'agent-b' }),
      { en: 'agent agent-b lost', 'zh-CN': '代理 agent-b 失联', 'zh-TW': '代理程式 agent-b 失聯' },
    ],
  ];
  it.each(table)('%j', (event, texts) => {
    for (const locale of LOCALES) expect(describeEvent(event, words(locale))).toBe(texts[locale]);
  });
});
