import { afterEach, describe, expect, it } from 'vitest';
import { defineMessages } from '../../i18n/define.ts';
import { acceptLanguageTags, localeOfTag, pickLocale } from '../../i18n/locales.ts';
import { formatsFor, setMessageErrorHandler, translator } from '../../i18n/translator.ts';

const sample = defineMessages('sample', {
  slots: { 'zh-CN': '{n} 个节目位', 'zh-TW': '{n} 個節目位', en: '{n, plural, one {# slot} other {# slots}}' },
  since: { 'zh-CN': '{device} 自 {at} 起故障', 'zh-TW': '{device} 自 {at} 起故障', en: '{device} FAILED since {at}' },
});

describe('translator', () => {
  const errors: string[] = [];
  setMessageErrorHandler((e) => void errors.push(e.message));
  afterEach(() => void errors.splice(0));

  it('formats plurals and arguments per language', () => {
    expect(translator(sample, 'en')('slots', { n: 1 })).toBe('1 slot');
    expect(translator(sample, 'en')('slots', { n: 1000 })).toBe('1,000 slots');
    expect(translator(sample, 'zh-CN')('slots', { n: 3 })).toBe('3 个节目位');
    expect(translator(sample, 'zh-TW')('since', { device: 'cam-1', at: '21:03:13' })).toBe('cam-1 自 21:03:13 起故障');
    expect(errors).toEqual([]);
  });

  it('reports a missing value or key instead of throwing at the page', () => {
    expect(translator(sample, 'zh-CN')('since', { device: 'cam-1' })).toBe('{device} FAILED since {at}');
    expect(translator(sample, 'en')('nope' as 'slots')).toBe('nope');
    expect(errors).toEqual([expect.stringContaining('sample.since in zh-CN'), 'i18n: no message sample.nope']);
  });
});

describe('choosing a language', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-SG', 'zh-CN'],
    ['zh-TW', 'zh-TW'],
    ['zh-HK', 'zh-TW'],
    ['zh-Hant', 'zh-TW'],
    ['zh_TW.UTF-8', 'zh-TW'],
    ['en-GB', 'en'],
    ['fr-FR', undefined],
  ])('%s → %s', (tag, locale) => expect(localeOfTag(tag)).toBe(locale));

  it('takes the first language spoken, else Simplified Chinese', () => {
    expect(pickLocale(['fr', 'en-US', 'zh-CN'])).toBe('en');
    expect(pickLocale(['fr'])).toBe('zh-CN');
    expect(pickLocale([])).toBe('zh-CN');
  });

  it('orders Accept-Language by q, then by order, and drops q=0', () => {
    expect(acceptLanguageTags('en;q=0.5, zh-TW, fr;q=0.9, de;q=0')).toEqual(['zh-TW', 'fr', 'en']);
    expect(acceptLanguageTags(undefined)).toEqual([]);
    expect(acceptLanguageTags('en;q=abc, zh')).toEqual(['zh']);
  });
});

describe('formats', () => {
  const at = Date.UTC(2026, 11, 7, 17, 13, 5);
  it('uses a 24-hour clock in every language', () => {
    for (const locale of ['zh-CN', 'zh-TW', 'en'] as const) {
      const f = formatsFor(locale, 'UTC');
      expect(f.time(at)).toBe('17:13:05');
      expect(f.dateTime(at)).toBe('2026-12-07 17:13');
      expect(f.date(at)).toBe('2026-12-07');
    }
    expect(formatsFor('en', 'Asia/Shanghai').time(at)).toBe('01:13:05');
  });

  it('writes numbers, percentages and durations as the locale does', () => {
    const en = formatsFor('en');
    const zh = formatsFor('zh-CN');
    expect(en.number(-1000)).toBe('-1,000');
    expect(en.percent(0.0123)).toBe('1.23%');
    expect(en.percent(null)).toBe('—');
    expect(en.duration(422)).toBe('422 ms');
    expect(en.duration(1_500)).toBe('1.5 s');
    expect(zh.duration(1_500)).toBe('1.5 秒');
    expect(zh.duration(180_000)).toBe('3 分钟');
    expect(en.duration(7_200_000)).toBe('2.0 h');
    expect(formatsFor('zh-TW').duration(7_200_000)).toBe('2.0 小時');
  });
});
