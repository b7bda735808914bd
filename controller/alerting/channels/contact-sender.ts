/**
 * ContactSender: one sender per contact kind, chosen from a table, each in its kind's documented
 * format (docs/alerting/channels.md). Never throws: whatever goes wrong is a receipt that says
 * whether trying again can help. Logs name the contact point and its kind, never its URL (a chat
 * webhook's URL is its password) nor its secret.
 */
import type { Logger } from '../../../lib/logger.ts';
import { errorMessage } from '../../../lib/timeout.ts';
import type { ContactKind, ContactPoint } from '../../../protocols/alerting.ts';
import type { AlertingCore, AlertMessage, ContactSender, DeliveryReceipt } from '../types.ts';
import {
  DingtalkRequest,
  FeishuRequest,
  HttpChannel,
  SlackRequest,
  SmsRequest,
  TeamsRequest,
  WebhookRequest,
  WecomRequest,
  type ChannelContext,
  type ChannelSender,
} from './channel.ts';
import { EmailSender } from './email.ts';

/** A receiver that has not answered in this long is given up on for this attempt (the queue retries). */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

const CHANNELS: { readonly [K in ContactKind]: (context: ChannelContext) => ChannelSender } = {
  email: (context) => new EmailSender(context),
  webhook: (context) => new HttpChannel(context, new WebhookRequest()),
  slack: (context) => new HttpChannel(context, new SlackRequest()),
  teams: (context) => new HttpChannel(context, new TeamsRequest()),
  wecom: (context) => new HttpChannel(context, new WecomRequest()),
  dingtalk: (context) => new HttpChannel(context, new DingtalkRequest()),
  feishu: (context) => new HttpChannel(context, new FeishuRequest()),
  sms: (context) => new HttpChannel(context, new SmsRequest()),
};

export interface ContactSenderDeps extends Pick<AlertingCore, 'settings' | 'clock' | 'log'> {
  timeoutMs?: number;
}

export interface StoppableContactSender extends ContactSender {
  /** Closes the pooled SMTP connections. */
  stop(): Promise<void>;
}

export function createContactSender(deps: ContactSenderDeps): StoppableContactSender {
  const context: ChannelContext = { settings: deps.settings, clock: deps.clock, timeoutMs: deps.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS };
  const senders = new Map<ContactKind, ChannelSender>();
  const senderFor = (kind: ContactKind): ChannelSender => {
    let sender = senders.get(kind);
    if (!sender) senders.set(kind, (sender = CHANNELS[kind](context)));
    return sender;
  };
  return {
    async send(contact: ContactPoint, message: AlertMessage, signal?: AbortSignal): Promise<DeliveryReceipt> {
      let receipt: DeliveryReceipt;
      try {
        receipt = await senderFor(contact.kind).send(contact, message, signal);
      } catch (err) {
        // A contact point the schema let through but a format cannot use (an sms one without a phone).
        receipt = { ok: false, ms: 0, retryable: false, error: errorMessage(err) };
      }
      logReceipt(deps.log, contact, message, receipt);
      return receipt;
    },
    async stop() {
      await Promise.all([...senders.values()].map((s) => s.stop?.() ?? Promise.resolve()));
      senders.clear();
    },
  };
}

function logReceipt(log: Logger, contact: ContactPoint, message: AlertMessage, receipt: DeliveryReceipt): void {
  const labels = message.alert?.labels;
  const fields = {
    contact: contact.id,
    channel: contact.kind,
    reason: message.reason,
    alert: message.alert?.id,
    agent: labels?.agent,
    device: labels?.device,
    ms: receipt.ms,
  };
  if (receipt.ok) log.debug(fields, 'notification delivered');
  else
    log.warn(
      { ...fields, error: receipt.error, retryable: receipt.retryable, retryAfterMs: receipt.retryAfterMs },
      'notification not delivered',
    );
}
