/**
 * The language a terminal names: ONAIR_LANG, else the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG:
 * the first one set decides, "zh_TW.UTF-8" → zh-TW), else the studio's default, zh-CN. A shell with
 * LANG=C.UTF-8 or none names no language: the studio's own (docs/i18n.md). The client asks for a
 * password in it; the CLI answers in it (cli/language.ts, which also refuses an ONAIR_LANG it cannot read).
 */
import { DEFAULT_LOCALE, localeOfTag, type Locale } from '../i18n/locales.ts';

/** ONAIR_LANG and the POSIX variables, most specific first. */
export const LANGUAGE_VARIABLES = ['ONAIR_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/** The first language variable set, and the language it names (the default for "C" or one we do not speak). */
export function terminalLanguage(env: NodeJS.ProcessEnv): {
  variable?: (typeof LANGUAGE_VARIABLES)[number];
  value?: string;
  locale: Locale;
} {
  for (const variable of LANGUAGE_VARIABLES) {
    const value = env[variable];
    // POSIX: the first variable set decides, even to "C" (which names no language we speak: the default).
    if (value) return { variable, value, locale: localeOfTag(value) ?? DEFAULT_LOCALE };
  }
  return { locale: DEFAULT_LOCALE };
}
