/**
 * The words of one notification (MessageComposer): what happened, where, what OnAir did, whether a
 * backup is left, who is told, the prepared plan's first lines, and the links to acknowledge and to
 * open the console. Pure: the same input gives the same message; times are written in the studio's
 * time zone, given once.
 */
import type { Alert, AlertLabels, Locale, Runbook } from '../../../protocols/alerting.ts';
import type { AlertMessage, MessageComposer, MessageInput } from '../types.ts';
import { durationWords, kindWord, say, severityWord, type MessageId } from './messages.ts';

/** How many lines of a runbook a notification quotes (the rest is one tap away in the console). */
export const RUNBOOK_LINES = 4;

export interface ComposerOptions {
  /** IANA zone the studio reads times in; default the controller's own. */
  timeZone?: string;
}

export function createMessageComposer(options: ComposerOptions = {}): MessageComposer {
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const formats: Record<Locale, Intl.DateTimeFormat> = {
    'zh-CN': timeFormat('zh-CN', timeZone),
    en: timeFormat('en-GB', timeZone),
  };
  return {
    compose(input: MessageInput): AlertMessage {
      const time = (ms: number): string => `${formats[input.locale].format(ms)} (${timeZone})`;
      return { ...baseOf(input), ...wordsOf(input, time) };
    },
  };
}

function timeFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** What the message carries besides its words: channels put these in their own fields (buttons, JSON). */
function baseOf(input: MessageInput): Omit<AlertMessage, 'title' | 'text'> {
  const runbook = input.runbook && { id: input.runbook.id, title: input.runbook.title, markdown: input.runbook.markdown };
  return {
    reason: input.reason,
    locale: input.locale,
    ...(input.alert && { severity: input.alert.severity, alert: input.alert }),
    ...(input.incident && { incident: { id: input.incident.id, title: input.incident.title } }),
    ...(runbook && { runbook }),
    ...(input.consoleUrl && { consoleUrl: input.consoleUrl }),
    ...(input.ackUrl && { ackUrl: input.ackUrl }),
    ...(input.reason === 'digest' && { digest: (input.heldBack ?? []).map((a) => digestLine(input.locale, a)) }),
  };
}

function wordsOf(input: MessageInput, time: (ms: number) => string): { title: string; text: string } {
  const { locale, alert } = input;
  if (input.reason === 'test') return { title: say(locale, 'title.test'), text: lines(say(locale, 'line.test'), links(input)) };
  if (input.reason === 'digest') {
    const held = (input.heldBack ?? []).map((a) => `- ${digestLine(locale, a)}`);
    return {
      title: say(locale, 'title.digest', { count: held.length }),
      text: lines(say(locale, 'line.digestIntro'), ...held, links(input)),
    };
  }
  if (!alert) throw new Error(`a "${input.reason}" notification needs its alert`);
  const duration = durationWords(locale, (alert.endsAt ?? alert.updatedAt) - alert.startsAt);
  const titleId: MessageId = `title.${input.reason}`;
  const title = say(locale, titleId, { severity: severityWord(locale, alert.severity), summary: alert.summary, duration });
  const text = lines(
    say(locale, 'line.what', { kind: kindWord(locale, alert.kind), summary: alert.summary }),
    whereLine(locale, alert.labels),
    input.reason === 'resolved'
      ? say(locale, 'line.resolvedAfter', { duration })
      : say(locale, 'line.since', { time: time(alert.startsAt) }),
    alert.count > 1 && say(locale, 'line.count', { count: alert.count }),
    alert.detail && say(locale, 'line.did', { detail: alert.detail }),
    alert.noBackupLeft && input.reason !== 'resolved' && say(locale, 'line.noBackup'),
    input.incident && say(locale, 'line.incident', { id: input.incident.id, title: input.incident.title }),
    alert.ackedBy && say(locale, 'line.ackedBy', { person: alert.ackedBy }),
    input.people?.length && say(locale, 'line.told', { people: input.people.join(say(locale, 'list.separator')) }),
    input.runbook && input.reason !== 'resolved' && runbookLines(locale, input.runbook),
    links(input),
  );
  return { title, text };
}

function whereLine(locale: Locale, labels: AlertLabels): string | undefined {
  const parts = (['studio', 'show', 'slot', 'device', 'agent'] as const)
    .filter((key) => labels[key] !== undefined)
    .map((key) => say(locale, `where.${key}`, { value: labels[key] as string }));
  return parts.length ? say(locale, 'line.where', { where: parts.join(' · ') }) : undefined;
}

/** The runbook's title and its first lines (its own heading repeating the title is skipped). */
function runbookLines(locale: Locale, runbook: Runbook): string {
  const body = runbook.markdown
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && l.replace(/^#+\s*/, '') !== runbook.title)
    .slice(0, RUNBOOK_LINES);
  return lines(say(locale, 'line.runbook', { title: runbook.title }), ...body.map((l) => `  ${l}`));
}

function links(input: MessageInput): string | undefined {
  return lines(
    input.ackUrl && input.reason !== 'resolved' && say(input.locale, 'line.ack', { url: input.ackUrl }),
    input.consoleUrl && say(input.locale, 'line.console', { url: input.consoleUrl }),
  );
}

function digestLine(locale: Locale, alert: Alert): string {
  return `[${severityWord(locale, alert.severity)}] ${alert.summary}`;
}

/** The given lines that are there, one per line (empty when none is). */
function lines(...parts: Array<string | false | 0 | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');
}
