/**
 * E-mail through the site's SMTP relay (nodemailer, https://nodemailer.com/smtp/): one pooled
 * transporter, built on first use and closed at stop. STARTTLS is required unless the settings say
 * `requireTls: false` (nodemailer `requireTLS`: a server that offers no STARTTLS is refused before
 * anything is sent in clear); the password is read from its 0600 file, never from the config.
 */
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { readSecret } from '../../../lib/secret.ts';
import { errorMessage } from '../../../lib/timeout.ts';
import type { AlertingSettings, ContactPoint } from '../../../protocols/alerting.ts';
import type { AlertMessage, DeliveryReceipt } from '../types.ts';
import type { ChannelContext, ChannelSender } from './channel.ts';

type SmtpSettings = NonNullable<AlertingSettings['smtp']>;

/**
 * nodemailer's error codes (lib/errors in nodemailer) and what trying again can do about them.
 * EAUTH (wrong login) and ETLS (no STARTTLS while it is required, or a bad certificate) stay wrong
 * until someone fixes the settings; a refused connection, a timeout or a dropped socket may not.
 */
const RETRYABLE_CODES: Readonly<Record<string, boolean>> = {
  EAUTH: false,
  ETLS: false,
  ENOAUTH: false,
  EENVELOPE: false,
  EMESSAGE: false,
  ECONNECTION: true,
  ETIMEDOUT: true,
  ESOCKET: true,
  EDNS: true,
  EPROTOCOL: true,
};

export class EmailSender implements ChannelSender {
  private transporter: Transporter | undefined;

  constructor(private readonly context: ChannelContext) {}

  async send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt> {
    const started = this.context.clock.now();
    const ms = (): number => Math.max(0, this.context.clock.now() - started);
    const smtp = this.context.settings.smtp;
    if (!smtp) return { ok: false, ms: 0, retryable: false, error: 'no SMTP relay is set (controller config alerting.smtp)' };
    let transporter: Transporter;
    try {
      transporter = this.transporter ??= createTransporter(smtp, this.context.timeoutMs);
    } catch (err) {
      return { ok: false, ms: ms(), retryable: false, error: `SMTP settings: ${errorMessage(err)}` };
    }
    const mail = transporter.sendMail({
      from: smtp.from,
      to: contact.to,
      subject: message.title,
      text: message.text,
      html: emailHtml(message),
      // Delivery is at least once: a second copy of one notification has the same Message-ID, which mail
      // systems take as the same message (RFC 5322 §3.6.4: unique per message, not per send).
      ...(message.notification !== undefined && { messageId: `<onair-notification-${message.notification}@${mailDomain(smtp.from)}>` }),
    });
    try {
      const info = await untilDeadline(mail, this.context.timeoutMs, signal);
      return { ok: true, ms: ms(), detail: String((info as { response?: unknown }).response ?? 'accepted') };
    } catch (err) {
      return { ok: false, ms: ms(), ...judgeSmtpError(err, smtp.host) };
    }
  }

  async stop(): Promise<void> {
    this.transporter?.close();
    this.transporter = undefined;
  }
}

function createTransporter(smtp: SmtpSettings, timeoutMs: number): Transporter {
  const pass = smtp.passwordFile ? readSecret({ file: smtp.passwordFile }, 'alerting.smtp') : undefined;
  return nodemailer.createTransport({
    pool: true,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    ...(smtp.user && { auth: { user: smtp.user, pass: pass ?? '' } }),
    ...(smtp.caFile && { tls: { ca: readFileSync(smtp.caFile) } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** The receipt's reason and whether to try again, from nodemailer's error: its code, else the SMTP reply (4xx transient, 5xx permanent, RFC 5321 §4.2.1). */
export function judgeSmtpError(err: unknown, host: string): { error: string; retryable: boolean } {
  const { code, responseCode } = err as { code?: string; responseCode?: number };
  const error = `SMTP ${host}: ${errorMessage(err)}`;
  if (code && code in RETRYABLE_CODES) return { error, retryable: RETRYABLE_CODES[code] as boolean };
  if (typeof responseCode === 'number') return { error, retryable: responseCode < 500 };
  return { error, retryable: true };
}

/** nodemailer takes no AbortSignal: the send is abandoned (its socket timeouts end it) and the receipt says why. */
function untilDeadline<T>(work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(Object.assign(new Error(deadline.aborted ? `no answer within ${timeoutMs} ms` : 'delivery stopped'), { code: 'ETIMEDOUT' }));
    if (stop.aborted) return onAbort();
    stop.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => stop.removeEventListener('abort', onAbort));
  });
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A simple HTML body: the title, the text line by line, the links as links. Mail clients strip styles sheets; inline only. */
export function emailHtml(message: AlertMessage): string {
  const lines = message.text
    .split('\n')
    .map((line) => escapeHtml(line).replace(/https?:\/\/[^\s<"]+/g, (url) => `<a href="${url}">${url}</a>`));
  const colour = message.severity === 'critical' ? '#b00020' : message.severity === 'warning' ? '#b26a00' : '#333333';
  return [
    '<!doctype html>',
    `<html lang="${message.locale}"><body style="font-family:sans-serif;line-height:1.5">`,
    `<h2 style="color:${colour}">${escapeHtml(message.title)}</h2>`,
    `<p>${lines.join('<br>\n')}</p>`,
    '</body></html>',
  ].join('\n');
}

/** The domain of the From address ("OnAir <onair@studio.example>" → studio.example), for Message-IDs. */
export function mailDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'onair.invalid';
}
