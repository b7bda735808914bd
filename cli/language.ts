/**
 * The language `onair` answers in: `--lang`, else ONAIR_LANG, else the POSIX locale (LC_ALL, then
 * LC_MESSAGES, then LANG: "zh_TW.UTF-8" → zh-TW, "en_GB.UTF-8" → en), else the studio's default, zh-CN.
 * A shell with LANG=C.UTF-8 or none at all (a fresh server, a container) names no language: the
 * technician gets the studio's own, as the console and notifications default to it (docs/i18n.md).
 * JSON output never changes with the language.
 */
import type { MessageKey } from '../i18n/define.ts';
import { isLocale, LOCALES, localeOfTag, type Locale } from '../i18n/locales.ts';
import { cli } from '../i18n/messages/cli.ts';
import { translator, type MessageValues } from '../i18n/translator.ts';
import { UserError } from '../client/request-client.ts';
import { terminalLanguage } from '../client/language.ts';

/** The CLI's language; `asked` is a command's own --locale (it wins), `--lang` arrives as ONAIR_LANG (program.ts). */
export function cliLocale(asked?: string, env: NodeJS.ProcessEnv = process.env): Locale {
  if (asked !== undefined) return checkedLocale(asked);
  const { variable, value, locale } = terminalLanguage(env);
  // ONAIR_LANG is typed for OnAir: one it cannot read is a mistake to say, not a language to guess.
  return variable === 'ONAIR_LANG' ? checkedLocale(value!) : locale;
}

/** A language the user typed: ours, or a clear error. "zh_TW" and "zh-Hant" are read as tags are. */
export function checkedLocale(text: string): Locale {
  if (isLocale(text)) return text;
  const locale = localeOfTag(text);
  if (locale) return locale;
  // Said in English: whoever typed a language we do not know may not read the studio's.
  throw new UserError(translator(cli, 'en')('badLang', { lang: text, choices: LOCALES.join(', ') }));
}

/** A CLI message in the CLI's language; a value left undefined prints as "—". */
export function say(id: MessageKey<typeof cli>, values: Record<string, MessageValues[string]> = {}, locale = cliLocale()): string {
  const t = translator(cli, locale);
  const filled = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? t('nobody')]));
  return t(id, filled);
}
