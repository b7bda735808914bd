/**
 * The words of one notification (MessageComposer): what happened, where, what OnAir did, whether a
 * backup is left, who is told, the prepared plan's first lines, and the links to acknowledge and to
 * open the console. Pure: the same input gives the same message; times are written in the studio's
 * time zone, given once.
 */
import type { Alert, AlertLabels, Locale, Runbook } from '../../../protocols/alerting.ts';
import { alertingChannels } from '../../../i18n/messages/alerting-channels.ts';
import { formatsFor, translator, type Translate } from '../../../i18n/translator.ts';
import type { AlertMessage, MessageComposer, MessageInput } from '../types.ts';
import { summaryIn, textIn } from '../alerts/summaries.ts';

type Say = Translate<typeof alertingChannels>;
const say = (locale: Locale): Say => translator(alertingChannels, locale);

/** "3 min 12 s" / "3分12秒": how long something lasted, to the second. */
export function durationWords(locale: Locale, ms: number): string {
  const t = say(locale);
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('duration.hours', { h, m });
  if (m > 0) return t('duration.minutes', { m, s });
  return t('duration.seconds', { s });
}

/** How many lines of a runbook a notification quotes (the rest is one tap away in the console). */
export const RUNBOOK_LINES = 4;

export interface ComposerOptions {
  /** IANA zone the studio reads times in; default the controller's own. */
  timeZone?: string;
}

export function createMessageComposer(options: ComposerOptions = {}): MessageComposer {
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    compose(input: MessageInput): AlertMessage {
      // 2023-11-15 06:13:20 (Asia/Shanghai) in every language: the catalogue's 24-hour clock and ISO date order.
      const f = formatsFor(input.locale, timeZone);
      const time = (ms: number): string => `${f.date(ms)} ${f.time(ms)} (${timeZone})`;
      return { ...baseOf(input), ...wordsOf(input, time) };
    },
  };
}

/** What the message carries besides its words: channels put these in their own fields (buttons, JSON). */
function baseOf(input: MessageInput): Omit<AlertMessage, 'title' | 'text'> {
  const runbook = input.runbook && { id: input.runbook.id, title: input.runbook.title, markdown: input.runbook.markdown };
  return {
    reason: input.reason,
    locale: input.locale,
    ...(input.alert && { severity: input.alert.severity, alert: input.alert }),
    ...(input.incident && {
      incident: { id: input.incident.id, title: textIn(input.locale, input.incident.title, input.incident.titleMessage) },
    }),
    ...(runbook && { runbook }),
    ...(input.consoleUrl && { consoleUrl: input.consoleUrl }),
    ...(input.ackUrl && { ackUrl: input.ackUrl }),
    ...(input.reason === 'digest' && { digest: (input.heldBack ?? []).map((a) => digestLine(input.locale, a)) }),
  };
}

function wordsOf(input: MessageInput, time: (ms: number) => string): { title: string; text: string } {
  const { locale, alert } = input;
  const t = say(locale);
  if (input.reason === 'test') return { title: t('title.test'), text: lines(t('line.test'), links(input)) };
  if (input.reason === 'digest') {
    const held = (input.heldBack ?? []).map((a) => `- ${digestLine(locale, a)}`);
    return {
      title: t('title.digest', { count: held.length }),
      text: lines(t('line.digestIntro'), ...held, links(input)),
    };
  }
  if (!alert) throw new Error(`a "${input.reason}" notification needs its alert`);
  const duration = durationWords(locale, (alert.endsAt ?? alert.updatedAt) - alert.startsAt);
  const summary = summaryIn(locale, alert);
  const title = t(`title.${input.reason}`, { severity: t(`severity.${alert.severity}`), summary, duration });
  const text = lines(
    t('line.what', { kind: t(`kind.${alert.kind}`), summary }),
    whereLine(locale, alert.labels),
    input.reason === 'resolved' ? t('line.resolvedAfter', { duration }) : t('line.since', { time: time(alert.startsAt) }),
    alert.count > 1 && t('line.count', { count: alert.count }),
    alert.detail && t('line.did', { detail: alert.detail }),
    alert.noBackupLeft && input.reason !== 'resolved' && t('line.noBackup'),
    input.incident &&
      t('line.incident', { id: input.incident.id, title: textIn(locale, input.incident.title, input.incident.titleMessage) }),
    alert.ackedBy && t('line.ackedBy', { person: alert.ackedBy }),
    input.people?.length && t('line.told', { people: input.people.join(t('list.separator')) }),
    input.runbook && input.reason !== 'resolved' && runbookLines(locale, input.runbook),
    links(input),
  );
  return { title, text };
}

function whereLine(locale: Locale, labels: AlertLabels): string | undefined {
  const parts = (['studio', 'show', 'slot', 'device', 'agent'] as const)
    .filter((key) => labels[key] !== undefined)
    .map((key) => say(locale)(`where.${key}`, { value: labels[key] as string }));
  return parts.length ? say(locale)('line.where', { where: parts.join(' · ') }) : undefined;
}

/** The runbook's title and its first lines (its own heading repeating the title is skipped). */
function runbookLines(locale: Locale, runbook: Runbook): string {
  const body = runbook.markdown
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && l.replace(/^#+\s*/, '') !== runbook.title)
    .slice(0, RUNBOOK_LINES);
  return lines(say(locale)('line.runbook', { title: runbook.title }), ...body.map((l) => `  ${l}`));
}

function links(input: MessageInput): string | undefined {
  return lines(
    input.ackUrl && input.reason !== 'resolved' && say(input.locale)('line.ack', { url: input.ackUrl }),
    input.consoleUrl && say(input.locale)('line.console', { url: input.consoleUrl }),
  );
}

function digestLine(locale: Locale, alert: Alert): string {
  return `[${say(locale)(`severity.${alert.severity}`)}] ${summaryIn(locale, alert)}`;
}

/** The given lines that are there, one per line (empty when none is). */
function lines(...parts: Array<string | false | 0 | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');
}
