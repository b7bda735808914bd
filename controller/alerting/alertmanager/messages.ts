/**
 * The words the Alertmanager sink adds to what an alert already says (its summary and detail come
 * from the alert engine): one table keyed by message id, each in Simplified Chinese and English, so
 * issue 24's message catalogue can take them over. `{name}` marks a value filled in.
 */
import type { Locale } from '../../../protocols/alerting.ts';

export const ALERTMANAGER_MESSAGES = {
  'alertmanager.count': {
    'zh-CN': '告警期间原因反复出现 {count} 次',
    en: 'The cause came back {count} times while the alert was open',
  },
  'alertmanager.no-backup': {
    'zh-CN': '已无可用备份:再出一次故障将导致停播',
    en: 'No backup left: the next fault takes it off air',
  },
  'alertmanager.silence-comment': {
    'zh-CN': '{person} 已在 OnAir 中确认此告警;告警解除时静默随之结束',
    en: 'Acknowledged in OnAir by {person}; the silence ends when the alert resolves',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type AlertmanagerMessageId = keyof typeof ALERTMANAGER_MESSAGES;

export function alertmanagerText(id: AlertmanagerMessageId, locale: Locale, values: Record<string, string | number> = {}): string {
  return ALERTMANAGER_MESSAGES[id][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
