/**
 * The languages OnAir speaks, and how one is chosen. The studio's own plan is written in Simplified
 * Chinese, so that is the default; Traditional Chinese and English are full translations (every key in
 * every language: a missing one fails the type check and the catalogue's test).
 *
 * Pure, no Node or DOM: the console page, the controller and the CLI all load this file.
 */
export const LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** The name of each language in itself: what a language switch shows. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

export const isLocale = (s: unknown): s is Locale => typeof s === 'string' && (LOCALES as readonly string[]).includes(s);

/**
 * Ours for one BCP 47 tag, or undefined. Chinese: Traditional for the script tag Hant and the regions that
 * write it (TW, HK, MO), Simplified otherwise ("zh", "zh-CN", "zh-SG", "zh-Hans"). Any English is English.
 * POSIX names ("zh_TW.UTF-8", from LANG) are read too.
 */
export function localeOfTag(tag: string): Locale | undefined {
  const parts = tag.trim().replace(/\..*$/, '').replace(/_/g, '-').toLowerCase().split('-');
  if (parts[0] === 'en') return 'en';
  if (parts[0] !== 'zh') return undefined;
  const rest = parts.slice(1);
  if (rest.includes('hant') || rest.some((p) => p === 'tw' || p === 'hk' || p === 'mo')) return 'zh-TW';
  return 'zh-CN';
}

/** The first of the user's languages (most preferred first, e.g. navigator.languages) that we speak; else the default. */
export function pickLocale(preferred: readonly string[], fallback: Locale = DEFAULT_LOCALE): Locale {
  for (const tag of preferred) {
    const locale = localeOfTag(tag);
    if (locale) return locale;
  }
  return fallback;
}

/** An HTTP Accept-Language header's tags, most preferred first (by q-value, then order; q=0 means "not this"). */
export function acceptLanguageTags(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.find((p) => p.trim().toLowerCase().startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.trim().slice(2));
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((t) => t.tag !== '' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((t) => t.tag);
}
