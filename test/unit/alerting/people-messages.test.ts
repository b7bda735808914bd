/** The people part's refusals in each language, and the CLI's language from its option and environment. */
import { describe, expect, it } from 'vitest';
import { peopleMessage } from '../../../controller/alerting/people/refusal.ts';
import { checkedLocale, cliLocale } from '../../../cli/language.ts';

describe('people messages', () => {
  it('fills values in, in each language, with the command to type as it is typed', () => {
    expect(peopleMessage('unknownPerson', { id: 'ghost' })).toBe('no person "ghost" (add them with onair person add)');
    expect(peopleMessage('unknownPerson', { id: 'ghost' }, 'zh-CN')).toBe('没有人员“ghost”（请先用 onair person add 添加）');
    expect(peopleMessage('unknownPerson', { id: 'ghost' }, 'zh-TW')).toBe('沒有人員「ghost」（請先用 onair person add 新增）');
    expect(peopleMessage('smsPhone', {}, 'zh-CN')).toContain('--phone');
  });
});

describe("the CLI's language", () => {
  it('ONAIR_LANG (what --lang sets) first, then LC_ALL, LC_MESSAGES, LANG as POSIX orders them', () => {
    expect(cliLocale(undefined, { ONAIR_LANG: 'zh-TW', LANG: 'en_US.UTF-8' })).toBe('zh-TW');
    expect(cliLocale(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(cliLocale(undefined, { LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-TW');
    expect(cliLocale(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(cliLocale(undefined, { LANG: 'zh_HK.UTF-8' })).toBe('zh-TW');
    expect(cliLocale(undefined, { LANG: 'en_US.UTF-8' })).toBe('en');
  });

  it("a shell that names no language we speak (C, POSIX, unset, German) gets the studio's: zh-CN", () => {
    expect(cliLocale(undefined, {})).toBe('zh-CN');
    expect(cliLocale(undefined, { LANG: 'C.UTF-8' })).toBe('zh-CN');
    expect(cliLocale(undefined, { LC_ALL: 'POSIX', LANG: 'en_US.UTF-8' })).toBe('zh-CN'); // LC_ALL decides, as in POSIX
    expect(cliLocale(undefined, { LANG: 'de_DE.UTF-8' })).toBe('zh-CN');
  });

  it("a command's own --locale wins; a language we do not speak is refused, in English", () => {
    expect(cliLocale('en', { ONAIR_LANG: 'zh-CN' })).toBe('en');
    expect(checkedLocale('zh_TW')).toBe('zh-TW');
    expect(() => cliLocale(undefined, { ONAIR_LANG: 'fr' })).toThrow('the language is zh-CN, zh-TW, en, not "fr"');
  });
});
