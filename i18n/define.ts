/**
 * A domain's messages: one table, keyed by message id, each message in every language side by side
 * (a translator sees the three at once, and the type check refuses a key missing a language).
 *
 * Messages are ICU MessageFormat (https://unicode-org.github.io/icu/userguide/format_parse/messages/),
 * formatted by FormatJS's intl-messageformat: `{name}` arguments, `{n, plural, one {# slot} other {# slots}}`,
 * `{kind, select, camera {…} other {…}}`, `{n, number}`. Dates and durations are formatted by the
 * translator's helpers (24-hour clock everywhere), not inside messages, so every page shows time the same way.
 */
import type { Locale } from './locales.ts';

export type MessageTable = Readonly<Record<string, Readonly<Record<Locale, string>>>>;

export interface Messages<T extends MessageTable = MessageTable> {
  /** Names the table in errors and in the catalogue's test, e.g. "wall". */
  readonly domain: string;
  readonly table: T;
}

export function defineMessages<const T extends MessageTable>(domain: string, table: T): Messages<T> {
  return { domain, table };
}

/** A table's message ids. */
export type MessageKey<M extends Messages> = keyof M['table'] & string;
