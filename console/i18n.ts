/**
 * The page's language: chosen from the browser's languages, switched by the engineer (kept in this
 * browser's storage, so a wall screen keeps its language), given to every component by context.
 * `useT(table)` is the one way a component gets its words; `useFormats()` its times and numbers.
 */
import { createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { Messages } from '../i18n/define.ts';
import { isLocale, pickLocale, type Locale } from '../i18n/locales.ts';
import { formatsFor, translator, type Formats, type Translate } from '../i18n/translator.ts';

const STORED = 'onair.locale';

/** The language this browser was switched to, else the first of its languages we speak. */
export function initialLocale(): Locale {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORED);
  } catch {
    // storage refused (a locked-down kiosk browser): the browser's languages decide
  }
  const asked = new URLSearchParams(location.search).get('lang');
  if (isLocale(asked)) return asked;
  if (isLocale(stored)) return stored;
  return pickLocale(navigator.languages ?? [navigator.language]);
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORED, locale);
  } catch {
    // not kept: the switch still holds for this page
  }
}

export const LocaleContext = createContext<Locale>('zh-CN');

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT<M extends Messages>(messages: M): Translate<M> {
  const locale = useLocale();
  return useMemo(() => translator(messages, locale), [messages, locale]);
}

export function useFormats(): Formats {
  const locale = useLocale();
  return useMemo(() => formatsFor(locale), [locale]);
}
