/**
 * The words the Alertmanager sink adds to an alert's summary and detail. Alertmanager has no reader
 * language, so its annotations are written in the studio's default, zh-CN (docs/alerting.md).
 */
import { defineMessages } from '../define.ts';

export const alertingAlertmanager = defineMessages('alerting-alertmanager', {
  'alertmanager.count': {
    'zh-CN': '告警期间原因反复出现 {count} 次',
    'zh-TW': '告警期間原因反覆出現 {count} 次',
    en: 'The cause came back {count} times while the alert was open',
  },
  'alertmanager.no-backup': {
    'zh-CN': '已无可用备份：再出一次故障将导致停播',
    'zh-TW': '已無可用備援：再出一次故障將導致停播',
    en: 'No backup left: the next fault takes it off air',
  },
  'alertmanager.silence-comment': {
    'zh-CN': '{person} 已在 OnAir 中确认此告警；告警解除时静默随之结束',
    'zh-TW': '{person} 已在 OnAir 中確認此告警；告警解除時靜默隨之結束',
    en: 'Acknowledged in OnAir by {person}; the silence ends when the alert resolves',
  },
});
