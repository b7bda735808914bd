import { describe, expect, it } from 'vitest';
import { createMessageComposer, durationWords } from '../../../controller/alerting/channels/compose.ts';
import { agentSummary } from '../../../controller/alerting/alerts/summaries.ts';
import type { MessageInput } from '../../../controller/alerting/types.ts';
import { T0, agentLostAlert, cameraAlert, cameraIncident, cameraRunbook } from '../../support/alert-fixture.ts';

const composer = createMessageComposer({ timeZone: 'Asia/Shanghai' });
const links = { ackUrl: 'https://onair.example/ack/tok', consoleUrl: 'https://onair.example/alerts/7' };
const firing = {
  reason: 'firing' as const,
  alert: cameraAlert(),
  incident: cameraIncident,
  runbook: cameraRunbook,
  people: ['王工', 'Li'],
  ...links,
} satisfies Omit<MessageInput, 'locale'>;

describe('message composer', () => {
  it('says in Chinese what happened, where, what OnAir did, that no backup is left, who is told, the plan and the links', () => {
    const message = composer.compose({ ...firing, locale: 'zh-CN' });
    expect(message.title).toBe('[严重] cam-1 black — failed over to cam-2');
    expect(message.text).toBe(
      [
        '情况：故障切换 — cam-1 black — failed over to cam-2',
        '位置：演播室 studio-a · 节目 evening-news · 机位 cam-main · 设备 cam-1 · 代理 agent-a',
        '开始：2023-11-15 06:13:20 (Asia/Shanghai)',
        'OnAir 已处理：switched program to cam-2 in 0.4 s',
        '⚠ 已无备机：再出故障将直接停播',
        '事件 #3：studio-a: cam-1 black',
        '已通知：王工、Li',
        '处置预案：Camera picture black',
        '  1. Check the SDI cable at the camera.',
        '  2. Spare camera: cupboard B2.',
        '  3. Power-cycle the camera.',
        '  4. Call the vendor: 400-800-1234.',
        '一键确认：https://onair.example/ack/tok',
        '控制台：https://onair.example/alerts/7',
      ].join('\n'),
    );
    expect(message).toMatchObject({ reason: 'firing', locale: 'zh-CN', severity: 'critical', ...links, incident: { id: 3 } });
    expect(message.runbook?.id).toBe('camera-black');
  });

  it('says the same in English', () => {
    const message = composer.compose({ ...firing, locale: 'en' });
    expect(message.title).toBe('[CRITICAL] cam-1 black — failed over to cam-2');
    expect(message.text.split('\n')).toEqual([
      'What: failover — cam-1 black — failed over to cam-2',
      'Where: studio studio-a · show evening-news · slot cam-main · device cam-1 · agent agent-a',
      'Since: 2023-11-15 06:13:20 (Asia/Shanghai)',
      'What OnAir did: switched program to cam-2 in 0.4 s',
      '⚠ No backup left: the next fault takes it off air',
      'Incident #3: studio-a: cam-1 black',
      'Told: 王工, Li',
      'Runbook: Camera picture black',
      '  1. Check the SDI cable at the camera.',
      '  2. Spare camera: cupboard B2.',
      '  3. Power-cycle the camera.',
      '  4. Call the vendor: 400-800-1234.',
      'Acknowledge: https://onair.example/ack/tok',
      'Console: https://onair.example/alerts/7',
    ]);
  });

  it('marks an escalation and counts a flapping cause', () => {
    const message = composer.compose({ reason: 'escalated', locale: 'en', alert: cameraAlert({ count: 11, noBackupLeft: false }) });
    expect(message.title).toBe('[CRITICAL · ESCALATED] cam-1 black — failed over to cam-2');
    expect(message.text).toContain('Came back 11 times');
    expect(message.text).not.toContain('No backup left');
  });

  it('says how long a resolved cause lasted, and offers no acknowledgement any more', () => {
    const alert = cameraAlert({ state: 'resolved', endsAt: T0 + 192_000 });
    const zh = composer.compose({ reason: 'resolved', locale: 'zh-CN', alert, ...links });
    expect(zh.title).toBe('[已恢复] cam-1 black — failed over to cam-2 — 持续 3分12秒');
    expect(zh.text).toContain('故障已结束，持续 3分12秒');
    expect(zh.text).not.toContain('一键确认');
    expect(zh.text).not.toContain('已无备机');
    const en = composer.compose({ reason: 'resolved', locale: 'en', alert, ...links });
    expect(en.title).toBe('[RESOLVED] cam-1 black — failed over to cam-2 — lasted 3 min 12 s');
  });

  it('lists the held-back alerts of a digest one per line', () => {
    const heldBack = [cameraAlert(), cameraAlert({ id: 8, severity: 'warning', summary: 'mic-2 battery low' })];
    const message = composer.compose({ reason: 'digest', locale: 'en', heldBack });
    expect(message.title).toBe('[OnAir] 2 more alerts held back');
    expect(message.digest).toEqual(['[CRITICAL] cam-1 black — failed over to cam-2', '[WARNING] mic-2 battery low']);
    expect(message.text).toBe(
      'To keep this channel readable, these alerts were held back:\n- [CRITICAL] cam-1 black — failed over to cam-2\n- [WARNING] mic-2 battery low',
    );
  });

  it('writes durations to the second', () => {
    expect(durationWords('en', 59_400)).toBe('59 s');
    expect(durationWords('zh-CN', 3_900_000)).toBe('1小时5分');
    expect(durationWords('zh-TW', 3_900_000)).toBe('1小時5分');
  });
});

describe("an alert's summary in its reader's language", () => {
  const summary = agentSummary(
    'agent-a',
    4,
    new Map([
      ['slot:cam-main', 'over'],
      ['slot:cam-wide', 'over'],
    ]),
  );
  const alert = agentLostAlert({
    id: 9,
    startsAt: T0,
    summary: summary.text,
    summaryMessage: summary.message,
    labels: { studio: 'studio-a', agent: 'agent-a' },
  });
  const incident = { ...cameraIncident, title: summary.text, titleMessage: summary.message };
  const input = { reason: 'firing' as const, alert, incident, people: ['王工'], ...links };

  it('an agent loss told in zh-CN has no English word beyond names (ids, OnAir, URLs)', () => {
    const message = composer.compose({ ...input, locale: 'zh-CN' });
    expect(message.title).toBe('[严重] agent-a 失联：4 台设备，影响 2 个机位，均已切换到备份');
    const names = new Set(['agent-a', 'studio-a', 'OnAir', 'Asia', 'Shanghai']);
    const words = `${message.title}\n${message.text}`
      .replace(/https:\/\/\S+/g, ' ')
      .match(/[A-Za-z][A-Za-z-]*/g)!
      .filter((w) => !names.has(w));
    expect(words).toEqual([]);
    expect(message.incident?.title).toBe('agent-a 失联：4 台设备，影响 2 个机位，均已切换到备份');
  });

  it('in zh-TW and in English, from the same stored alert', () => {
    expect(composer.compose({ ...input, locale: 'zh-TW' }).title).toBe('[嚴重] agent-a 失聯：4 台設備，影響 2 個機位，皆已切換到備援');
    expect(composer.compose({ ...input, locale: 'en' }).title).toBe(
      '[CRITICAL] agent-a lost: 4 devices, 2 slots affected, all failed over',
    );
    expect(alert.summary).toBe('agent-a lost: 4 devices, 2 slots affected, all failed over'); // the API's English summary
  });
});
