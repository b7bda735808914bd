/** The wall tile's state (console/wall-state.ts): a table of slots, their live member and members' status → the word. */
import { describe, expect, it } from 'vitest';
import type { DeviceStatus, SlotCondition, SlotState } from '../../protocols/schemas.ts';
import {
  ALWAYS_COUNTED,
  WALL_STATES,
  ageWords,
  countStates,
  wallState,
  wallStateWord,
  whyWords,
  type WallState,
} from '../../console/wall-state.ts';
import { translator } from '../../i18n/translator.ts';
import { common } from '../../i18n/messages/common.ts';
import { wall } from '../../i18n/messages/wall.ts';

const CAM1 = { agent: 'agent-a', device: 'cam-1' };
const CAM2 = { agent: 'agent-b', device: 'cam-2' };
const CAM3 = { agent: 'agent-b', device: 'cam-3' };
const MEMBERS = [CAM1, CAM2, CAM3] as const;

/** A slot of `statuses.length` members (cam-1 the primary), `live` the index of the live one or null. */
function slot(
  state: SlotCondition,
  live: number | null,
  statuses: DeviceStatus[],
): Pick<SlotState, 'state' | 'active' | 'primary' | 'members'> {
  return {
    state,
    active: live === null ? null : MEMBERS[live]!,
    primary: CAM1,
    members: statuses.map((status, i) => ({ ...MEMBERS[i]!, status, role: i === 0 ? 'primary' : 'backup' })),
  };
}

describe('the wall state of a slot', () => {
  const cases: Array<[string, ReturnType<typeof slot>, WallState]> = [
    ['primary live, its backup healthy', slot('ok', 0, ['ok', 'ok']), 'ok'],
    ['primary live, its backup degraded (it could still take over)', slot('ok', 0, ['ok', 'degraded']), 'ok'],
    ['primary live, one of two backups failed', slot('ok', 0, ['ok', 'failed', 'ok']), 'ok'],
    ['primary live, its only backup failed', slot('ok', 0, ['ok', 'failed']), 'no_backup_left'],
    ['primary live, its only backup offline', slot('ok', 0, ['ok', 'offline']), 'no_backup_left'],
    ['primary live, its only backup not heard yet', slot('ok', 0, ['ok', 'unknown']), 'no_backup_left'],
    ['primary live, defined without a backup', slot('ok', 0, ['ok']), 'no_backup_left'],
    ['backup live, primary FAILED (the issue: it read a green OK)', slot('ok', 1, ['failed', 'ok']), 'no_backup_left'],
    ['backup live, primary FAILED, a third member healthy', slot('ok', 1, ['failed', 'ok', 'ok']), 'on_backup'],
    ['backup live, primary healthy again (switch back by hand)', slot('ok', 1, ['ok', 'ok']), 'on_backup'],
    ['backup live, primary degraded (it could take over)', slot('ok', 1, ['degraded', 'ok']), 'on_backup'],
    ['primary live degraded, backup healthy', slot('degraded', 0, ['degraded', 'ok']), 'degraded'],
    ['backup live degraded, primary healthy', slot('degraded', 1, ['ok', 'degraded']), 'degraded'],
    ['primary live degraded, nothing else can go live', slot('degraded', 0, ['degraded', 'failed']), 'no_backup_left'],
    ['nothing healthy live', slot('down', 1, ['failed', 'failed']), 'down'],
    ['nothing live at all', slot('down', null, ['failed', 'offline']), 'down'],
    ['a decision running', slot('failing_over', 0, ['failed', 'ok']), 'failing_over'],
    ['an agent not heard yet', slot('unknown', null, ['unknown', 'ok']), 'unknown'],
  ];
  it.each(cases)('%s', (_name, s, expected) => {
    expect(wallState(s)).toBe(expected);
  });

  it('counts a studio per state, and always shows DOWN, NO BACKUP LEFT and ON BACKUP', () => {
    const counts = countStates(['ok', 'on_backup', 'ok', 'down']);
    expect([...counts.entries()].sort()).toEqual([
      ['down', 1],
      ['ok', 2],
      ['on_backup', 1],
    ]);
    expect(WALL_STATES.filter((s) => ALWAYS_COUNTED.has(s))).toEqual(['down', 'no_backup_left', 'on_backup']);
  });
});

describe("the wall's words, per language (issue 24)", () => {
  const words = (locale: 'en' | 'zh-CN' | 'zh-TW') => {
    const t = translator(wall, locale);
    const tc = translator(common, locale);
    return WALL_STATES.map((s) => wallStateWord(s, t, tc));
  };
  it.each([
    ['en', ['DOWN', 'NO BACKUP LEFT', 'ON BACKUP', 'DEGRADED', 'FAILING OVER', 'UNKNOWN', 'OK']],
    ['zh-CN', ['停播', '无备份可用', '备份在播', '降级', '切换中', '未知', '正常']],
    ['zh-TW', ['停播', '無備援可用', '備援播出中', '降級', '切換中', '未知', '正常']],
  ] as const)('every state has its word in %s', (locale, expected) => {
    expect(words(locale)).toEqual(expected);
  });

  it('says why only for the redundancy states', () => {
    const t = translator(wall, 'en');
    expect(WALL_STATES.filter((s) => whyWords(s, t) !== undefined)).toEqual(['no_backup_left', 'on_backup']);
  });

  const ages: Array<[number, string, string]> = [
    [-1_500, '0 s ago', '0 秒前'],
    [0, '0 s ago', '0 秒前'],
    [3_999, '3 s ago', '3 秒前'],
    [119_000, '119 s ago', '119 秒前'],
    [120_000, '2 min ago', '2 分钟前'],
    [7_199_000, '119 min ago', '119 分钟前'],
    [7_200_000, '2 h ago', '2 小时前'],
  ];
  it.each(ages)('an age of %i ms reads "%s" ("%s")', (ms, en, zh) => {
    expect(ageWords(ms, translator(wall, 'en'))).toBe(en);
    expect(ageWords(ms, translator(wall, 'zh-CN'))).toBe(zh);
  });
});
