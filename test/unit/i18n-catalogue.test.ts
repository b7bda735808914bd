/**
 * The message catalogue (i18n/messages/*.ts): every message in every language, each one valid ICU
 * MessageFormat, with the same arguments in each language (a translation that drops `{device}` would
 * tell an engineer less), and no English left in a Chinese text beyond the names of things.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import type { Messages } from '../../i18n/define.ts';
import { LOCALES } from '../../i18n/locales.ts';

const dir = path.resolve(import.meta.dirname, '../../i18n/messages');

async function catalogue(): Promise<Messages[]> {
  const tables: Messages[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const module = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(module))
      if (value && typeof value === 'object' && 'domain' in value && 'table' in value) tables.push(value as Messages);
  }
  return tables;
}

/** Argument names of a message, plural/select included ("#" is the plural's own number). */
function argumentsOf(message: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown[]): void => {
    for (const node of nodes as Array<{
      value?: unknown;
      options?: Record<string, { value: unknown[] }>;
      children?: unknown[];
      type: number;
    }>) {
      if (typeof node.value === 'string' && node.type !== 0 && node.type !== 7) names.add(node.value);
      if (node.options) for (const option of Object.values(node.options)) walk(option.value);
      if (node.children) walk(node.children);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst());
  return [...names].sort();
}

/** A message's own words: its literal text, in plural and select branches too, without the arguments' names. */
function literalText(message: string, locale: string): string {
  const parts: string[] = [];
  const walk = (nodes: unknown[]): void => {
    for (const node of nodes as Array<{
      type: number;
      value?: unknown;
      options?: Record<string, { value: unknown[] }>;
      children?: unknown[];
    }>) {
      if (node.type === 0 && typeof node.value === 'string') parts.push(node.value);
      if (node.options) for (const option of Object.values(node.options)) walk(option.value);
      if (node.children) walk(node.children);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst());
  return parts.join(' ');
}

/**
 * Latin words a Chinese text may keep: product, protocol and unit names, and what is typed as it is
 * (commands, ids). Anything else Latin in zh-CN or zh-TW is English left untranslated.
 */
const KEPT_IN_CHINESE = new Set(
  `OnAir onair ID IDs API HTTP HTTPS URL JSON CSV HTML PDF CLI MQTT ONVIF VISCA PTZ PTZOptics DMX RDM Enttec Shure Firmata OBS ATEM NO-GO
   RTMP SRT HLS RTSP NDI SDI HDMI CPU GPU SMTP SMS TLS STARTTLS HMAC Slack Teams WeCom DingTalk Feishu Alertmanager Prometheus
   PostgreSQL SQLite Mosquitto ffmpeg ISO LUFS LKFS dB dBFS dBm ms fps kbps Mbps GB MB KB SHA-256 GO PGM PVW UTC runbook`.split(/\s+/),
);

describe('the message catalogue', async () => {
  const tables = await catalogue();

  it('has tables, each domain once', () => {
    expect(tables.length).toBeGreaterThan(0);
    const domains = tables.map((t) => t.domain);
    expect(new Set(domains).size).toBe(domains.length);
  });

  for (const table of tables)
    describe(table.domain, () => {
      it.each(Object.keys(table.table))('%s: every language, valid ICU, the same arguments', (key) => {
        const entry = table.table[key]!;
        expect(Object.keys(entry).sort()).toEqual([...LOCALES].sort());
        const args = argumentsOf(entry.en, 'en');
        for (const locale of LOCALES) {
          expect(entry[locale].trim(), `${table.domain}.${key} in ${locale} is empty`).not.toBe('');
          expect(argumentsOf(entry[locale], locale), `${table.domain}.${key} in ${locale}`).toEqual(args);
        }
        for (const locale of ['zh-CN', 'zh-TW'] as const) {
          // Outside {arguments} and '…' quotes (ICU's literal text), every Latin word must be a kept name.
          const prose = literalText(entry[locale].replace(/'[^']*'/g, ' '), locale);
          const english = (prose.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).filter(
            (w) => !KEPT_IN_CHINESE.has(w) && !/^[a-z]+[-.][a-z]/.test(w),
          );
          expect(english, `${table.domain}.${key} in ${locale}: English left in "${entry[locale]}"`).toEqual([]);
        }
      });
    });
});
