/**
 * Each chat webhook's own documented body for one AlertMessage (pure). Sources per vendor are in
 * docs/alerting/channels.md and ../shared/reference/media-and-alerting.md §5; the limits below are
 * the vendors' and are applied here, so a long runbook never makes a vendor refuse the alert.
 */
import type { ContactPoint } from '../../../protocols/alerting.ts';
import type { AlertMessage } from '../types.ts';
import { alertingChannels } from '../../../i18n/messages/alerting-channels.ts';
import { translator } from '../../../i18n/translator.ts';

/** Slack Block Kit: a header's text ≤ 150 characters, a section's ≤ 3000 (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_HEADER_CHARS = 150;
export const SLACK_SECTION_CHARS = 3000;
/** WeCom group robot: markdown.content ≤ 4096 bytes, text.content ≤ 2048 bytes, UTF-8 (https://developer.work.weixin.qq.com/document/path/91770). */
export const WECOM_MARKDOWN_BYTES = 4096;
export const WECOM_TEXT_BYTES = 2048;
/** Feishu: a request body ≤ 20 KB; the text is kept well under it. */
export const FEISHU_TEXT_BYTES = 16_000;
/** The generic SMS gateway shape: one 140-character message. */
export const SMS_CHARS = 140;

/** At most `max` UTF-8 bytes of `text`, cut on a character boundary (never half a 3-byte Chinese character), "…" marking a cut. */
export function truncateUtf8(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const ellipsis = '…';
  let budget = max - Buffer.byteLength(ellipsis, 'utf8');
  let out = '';
  for (const char of text) {
    budget -= Buffer.byteLength(char, 'utf8');
    if (budget < 0) break;
    out += char;
  }
  return out + ellipsis;
}

/** At most `max` characters (code points, so a surrogate pair is never split), "…" marking a cut. */
export function truncateChars(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack mrkdwn: only &, < and > are escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack incoming webhook: `text` is the notification's fallback when `blocks` are given. */
export function slackBody(message: AlertMessage): object {
  const buttons = linkButtons(message).map((l) => ({
    type: 'button',
    text: { type: 'plain_text', text: l.label },
    url: l.url,
    ...(l.primary && { style: 'danger' }),
  }));
  return {
    text: truncateChars(`${message.title}\n${message.text}`, SLACK_SECTION_CHARS),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncateChars(message.title, SLACK_HEADER_CHARS) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncateChars(slackEscape(message.text), SLACK_SECTION_CHARS) } },
      ...(buttons.length ? [{ type: 'actions', elements: buttons }] : []),
    ],
  };
}

/**
 * Teams Workflows ("When a Teams webhook request is received" / "Send webhook alerts to a channel"):
 * a message whose attachment is an Adaptive Card (the retired Office 365 connectors took MessageCards).
 */
export function teamsBody(message: AlertMessage): object {
  const actions = linkButtons(message).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: message.title,
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
              ...(message.severity === 'critical' && { color: 'Attention' }),
            },
            { type: 'TextBlock', text: message.text, wrap: true },
          ],
          ...(actions.length && { actions }),
        },
      },
    ],
  };
}

/**
 * WeCom group robot: markdown (≤ 4096 bytes). Markdown cannot @-mention by mobile, so a contact
 * point with a phone gets a text message (≤ 2048 bytes) with `mentioned_mobile_list` instead: the
 * person's phone rings, which is the point of naming it.
 */
export function wecomBody(message: AlertMessage, contact: ContactPoint): object {
  if (contact.phone) {
    return {
      msgtype: 'text',
      text: {
        content: truncateUtf8(`${message.title}\n${message.text}`, WECOM_TEXT_BYTES),
        mentioned_mobile_list: [contact.phone],
      },
    };
  }
  const colour = message.severity === 'critical' || message.severity === undefined ? 'warning' : 'comment';
  const markdown = `**<font color="${colour}">${message.title}</font>**\n${markdownLines(message, '\n')}`;
  return { msgtype: 'markdown', markdown: { content: truncateUtf8(markdown, WECOM_MARKDOWN_BYTES) } };
}

/** DingTalk custom robot: markdown with `at.atMobiles`; DingTalk pings a mobile only if the text also names "@<mobile>". */
export function dingtalkBody(message: AlertMessage, contact: ContactPoint): object {
  const mention = contact.phone ? `\n\n@${contact.phone}` : '';
  return {
    msgtype: 'markdown',
    markdown: { title: message.title, text: `### ${message.title}\n\n${markdownLines(message, '\n\n')}${mention}` },
    at: { atMobiles: contact.phone ? [contact.phone] : [], isAtAll: false },
  };
}

/** Feishu custom bot: a rich-text `post` in the message's language, links as `a` elements; signed bodies add `timestamp`/`sign`. */
export function feishuBody(message: AlertMessage, signature?: { timestamp: number; sign: string }): object {
  // Feishu's post keys languages zh_cn and en_us: Traditional Chinese text goes under zh_cn (its words are zh-TW all the same).
  const language = message.locale === 'en' ? 'en_us' : 'zh_cn';
  const paragraphs = truncateUtf8(message.text, FEISHU_TEXT_BYTES)
    .split('\n')
    .map((line) => [{ tag: 'text', text: line }]);
  const links = linkButtons(message).map((l) => [{ tag: 'a', text: l.label, href: l.url }]);
  return {
    ...(signature && { timestamp: String(signature.timestamp), sign: signature.sign }),
    msg_type: 'post',
    content: { post: { [language]: { title: message.title, content: [...paragraphs, ...links] } } },
  };
}

/**
 * OnAir's generic SMS gateway webhook: `{"to": "<E.164 phone>", "text": "<≤ 140 characters>"}` —
 * the title and, if it fits, the acknowledgement link (most gateways' HTTP APIs take a number and a
 * text; an adapter maps this to one that wants other names).
 */
export function smsBody(message: AlertMessage, contact: ContactPoint): { to: string; text: string } {
  if (!contact.phone) throw new Error(`sms contact point ${contact.id} has no phone number`);
  const withLink = message.ackUrl ? `${message.title} ${message.ackUrl}` : message.title;
  const text = [...withLink].length <= SMS_CHARS ? withLink : truncateChars(message.title, SMS_CHARS);
  return { to: contact.phone, text };
}

interface LinkButton {
  label: string;
  url: string;
  primary: boolean;
}

function linkButtons(message: AlertMessage): LinkButton[] {
  const buttons: LinkButton[] = [];
  if (message.ackUrl && message.reason !== 'resolved')
    buttons.push({ label: translator(alertingChannels, message.locale)('link.ack'), url: message.ackUrl, primary: true });
  if (message.consoleUrl)
    buttons.push({ label: translator(alertingChannels, message.locale)('link.console'), url: message.consoleUrl, primary: false });
  return buttons;
}

/**
 * The plain text as markdown: `breakBetween` keeps its lines apart (WeCom breaks on one newline,
 * DingTalk's markdown needs a blank line), and bare links become markdown links so they can be tapped.
 */
function markdownLines(message: AlertMessage, breakBetween: string): string {
  return message.text
    .split('\n')
    .map((line) => line.replace(/https?:\/\/\S+/g, (url) => `[${url}](${url})`))
    .join(breakBetween);
}
