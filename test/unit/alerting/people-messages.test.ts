/** The people part's words in both languages: the same values in each, and the CLI's language from the environment. */
import { describe, expect, it } from 'vitest';
import { PEOPLE_MESSAGES, peopleMessage } from '../../../controller/alerting/people/messages.ts';
import { PEOPLE_TEXT, cliLocale } from '../../../cli/people-text.ts';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('people messages', () => {
  it.each([...Object.entries(PEOPLE_MESSAGES), ...Object.entries(PEOPLE_TEXT)])('%s says the same values in zh-CN and en', (_id, text) => {
    expect(placeholders(text['zh-CN'])).toEqual(placeholders(text.en));
  });

  it('fills values in, in either language', () => {
    expect(peopleMessage('unknownPerson', { id: 'ghost' })).toBe('no person "ghost" (add them with onair person add)');
    expect(peopleMessage('unknownPerson', { id: 'ghost' }, 'zh-CN')).toBe('没有人员“ghost”（请先用 onair person add 添加）');
  });

  it('the CLI speaks Chinese when the environment does', () => {
    expect(cliLocale({ ONAIR_LOCALE: 'zh-CN' })).toBe('zh-CN');
    expect(cliLocale({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(cliLocale({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLocale({})).toBe('en');
  });
});
