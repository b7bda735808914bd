/**
 * Hands OnAir's alerts to Prometheus Alertmanager (settings.notifier `alertmanager` or `both`), so a
 * site's routes, grouping, silences and receivers take over from there.
 *
 * It listens to `alertChanged` on the alerting bus and posts each alert's new state to
 * `/api/v2/alerts`, and every open alert again each `resendMs` (Alertmanager ends an alert it has not
 * heard of within its resolve_timeout). An acknowledgement becomes a silence on the alert's
 * `onair_alert` label (Alertmanager has no acknowledgement of its own), renewed while the alert is open
 * and expired when it resolves. Only the leader of a pair posts. Alertmanager being down never holds
 * the controller up: posts run in the background, a bounded batch at a time, and failed ones are
 * tried again with backoff (the newest body of each alert, not every change).
 */
import { Backoff } from '../../../lib/backoff.ts';
import { errorMessage } from '../../../lib/timeout.ts';
import type { Alert, Locale } from '../../../protocols/alerting.ts';
import type { AckLinks, AlertingCore, RunbookLibrary } from '../types.ts';
import { AlertmanagerClient } from './client.ts';
import { AlertmanagerOutbox } from './outbox.ts';
import {
  ONAIR_ALERT_LABEL,
  ackLinkUrl,
  acknowledgementSilence,
  consoleAlertUrl,
  toPostableAlert,
  type AlertLinks,
} from './to-alertmanager.ts';
import type { GettableSilence } from './wire.ts';

/** Read by /metrics (onair_alertmanager_alerts_sent_total, …_send_failures_total, …_silence_failures_total). */
export interface AlertmanagerCounters {
  /** Alerts in posts Alertmanager took (a batch of 3 counts 3). */
  alertmanagerAlertsSent: number;
  /** Posts of alerts Alertmanager refused or did not answer. */
  alertmanagerSendFailures: number;
  /** Silence calls (create, renew, expire) that failed. */
  alertmanagerSilenceFailures: number;
}

export const noAlertmanagerCounts = (): AlertmanagerCounters => ({
  alertmanagerAlertsSent: 0,
  alertmanagerSendFailures: 0,
  alertmanagerSilenceFailures: 0,
});

export interface AlertmanagerSinkDependencies {
  counters: AlertmanagerCounters;
  /** The runbook's title goes into the alert's annotations. */
  runbooks?: RunbookLibrary;
  /** With it, a firing alert carries a signed acknowledgement link (annotation `ack_url`). */
  ackLinks?: AckLinks;
  /** The alerts open now (firing or acknowledged), posted on start: after a restart or a takeover. */
  openAlerts?: () => Alert[];
  /** The language of the words the sink adds (the schema's default: zh-CN). */
  locale?: Locale;
}

/** Alerts per POST: a long outage's backlog goes in several posts, none of them huge. */
export const ALERTS_PER_POST = 100;
/** More than this many bodies waiting while Alertmanager is down: the oldest go (open alerts come back on the next re-send). */
const MAX_WAITING = 5_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** An acknowledgement's silence lasts this long and is renewed when half of it is left, until the alert resolves. */
export const SILENCE_SPAN_MS = 24 * 3_600_000;

type SilenceWork = { alert: Alert; want: 'held' | 'expired' };

export class AlertmanagerSink {
  private readonly client: AlertmanagerClient;
  private readonly outbox = new AlertmanagerOutbox(MAX_WAITING);
  /** Open alerts as last heard, re-mapped and posted on each re-send. */
  private readonly open = new Map<number, Alert>();
  /**
   * The silence standing for each acknowledged alert: its id in Alertmanager, and `released` once a
   * person expired it there by hand (not made again: they want to hear of the alert).
   */
  private readonly silences = new Map<number, { id: string; released?: true }>();
  private readonly silenceWork = new Map<number, SilenceWork>();
  private readonly ackUrls = new Map<number, { url: string; issuedAt: number }>();
  private readonly backoff: Backoff;
  private readonly locale: Locale;
  private readonly unsubscribe: () => void;
  private started = false;
  private resendTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopping = new AbortController();

  constructor(
    private readonly core: AlertingCore,
    private readonly deps: AlertmanagerSinkDependencies,
    private readonly settings: { url: string; resendMs: number },
  ) {
    this.client = new AlertmanagerClient(settings.url, REQUEST_TIMEOUT_MS);
    this.backoff = new Backoff({ initialMs: 500, maxMs: Math.min(settings.resendMs, 30_000) });
    this.locale = deps.locale ?? 'zh-CN';
    // Heard while standing by too (cheap, in memory): a standby that takes over posts what it knows at once.
    this.unsubscribe = core.bus.on('alertChanged', (alert) => this.changed(alert));
  }

  /** Starts posting (the leader; after a takeover too): the open alerts first, then every `resendMs`. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = new AbortController();
    for (const alert of this.deps.openAlerts?.() ?? []) this.changed(alert);
    this.resendTimer = setInterval(() => this.resend(), this.settings.resendMs);
    this.kick();
  }

  /** Stops posting and waits for a post in flight (it is abandoned at once). */
  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.resendTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopping.abort(new Error('the Alertmanager sink stopped'));
    await this.flushing;
  }

  /** Stops listening too (the controller shuts down). */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.stop();
  }

  /** What waits to be posted (for logs and tests). */
  get waiting(): { alerts: number; silences: number; dropped: number } {
    return { alerts: this.outbox.dueCount, silences: this.silenceWork.size, dropped: this.outbox.dropped };
  }

  private changed(alert: Alert): void {
    const now = this.core.clock.now();
    const resolved = alert.state === 'resolved';
    if (resolved) this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
    this.outbox.changed(alert.id, toPostableAlert(alert, this.links(alert, now), this.locale), resolved, now);
    if (alert.state === 'acknowledged') {
      if (!this.silences.get(alert.id)?.released) this.silenceWork.set(alert.id, { alert, want: 'held' });
    }
    // Expired also for an alert acknowledged before a restart: its silence is found by its label.
    else if (this.silences.has(alert.id) || alert.ackedAt !== undefined) this.silenceWork.set(alert.id, { alert, want: 'expired' });
    if (resolved) this.ackUrls.delete(alert.id);
    this.kick();
  }

  private resend(): void {
    // A standby posts nothing; what changed meanwhile waits in the outbox, and the first tick as leader sends all.
    if (!this.canSend) return;
    const now = this.core.clock.now();
    for (const alert of this.open.values()) {
      this.outbox.changed(alert.id, toPostableAlert(alert, this.links(alert, now), this.locale), false, now);
      // Checked each time: a silence lost with Alertmanager's storage comes back, one near its end is renewed.
      const held = alert.state === 'acknowledged' && !this.silences.get(alert.id)?.released;
      if (held && !this.silenceWork.has(alert.id)) this.silenceWork.set(alert.id, { alert, want: 'held' });
    }
    this.kick();
  }

  private links(alert: Alert, now: number): AlertLinks {
    const base = this.core.publicUrl();
    const runbook = this.deps.runbooks?.forAlert(alert.kind, alert.labels.role);
    return {
      ...(base ? { consoleUrl: consoleAlertUrl(base, alert.id) } : {}),
      ...(runbook ? { runbookTitle: runbook.title } : {}),
      ...(base && alert.state === 'firing' ? this.ackUrl(alert.id, base, now) : {}),
    };
  }

  /** One link per alert, issued again when half its life is gone (each issue is a new single-use token). */
  private ackUrl(alert: number, base: string, now: number): { ackUrl?: string } {
    if (!this.deps.ackLinks) return {};
    const held = this.ackUrls.get(alert);
    if (held && now - held.issuedAt < this.core.settings.ackLinkTtlMs / 2) return { ackUrl: held.url };
    try {
      const url = ackLinkUrl(base, this.deps.ackLinks.issue(alert, undefined, now));
      this.ackUrls.set(alert, { url, issuedAt: now });
      return { ackUrl: url };
    } catch (err) {
      this.core.log.warn({ alert, err: errorMessage(err) }, 'no acknowledgement link for Alertmanager');
      return {};
    }
  }

  private get canSend(): boolean {
    return this.started && this.core.leading();
  }

  private kick(): void {
    if (!this.canSend || this.flushing || this.retryTimer) return;
    this.flushing = this.flush()
      .catch((err: unknown) => this.core.log.error({ err: errorMessage(err) }, 'Alertmanager sink failed'))
      .finally(() => {
        this.flushing = undefined;
        if (this.outbox.dueCount || this.silenceWork.size) this.kick();
      });
  }

  private retryLater(): void {
    if (!this.started || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.backoff.next());
  }

  private async flush(): Promise<void> {
    const signal = this.stopping.signal;
    for (let batch = this.outbox.take(ALERTS_PER_POST); batch.length; batch = this.outbox.take(ALERTS_PER_POST)) {
      try {
        await this.client.postAlerts(
          batch.map((e) => e.body),
          signal,
        );
        this.deps.counters.alertmanagerAlertsSent += batch.length;
      } catch (err) {
        this.outbox.failed(batch);
        if (signal.aborted) return; // stopped: posted by whoever leads next
        this.deps.counters.alertmanagerSendFailures += 1;
        this.core.log.warn(
          { alertmanager: this.settings.url, alerts: batch.length, err: errorMessage(err) },
          'Alertmanager did not take the alerts; trying again',
        );
        return this.retryLater();
      }
      if (!this.canSend) return;
    }
    for (const [id, work] of this.silenceWork) {
      this.silenceWork.delete(id);
      try {
        await (work.want === 'held' ? this.hold(work.alert, signal) : this.expire(work.alert, signal));
      } catch (err) {
        if (!this.silenceWork.has(id)) this.silenceWork.set(id, work);
        if (signal.aborted) return;
        this.deps.counters.alertmanagerSilenceFailures += 1;
        this.core.log.warn(
          { alertmanager: this.settings.url, alert: id, want: work.want, err: errorMessage(err) },
          'Alertmanager silence not done; trying again',
        );
        return this.retryLater();
      }
      if (!this.canSend) return;
    }
    this.backoff.reset();
  }

  /**
   * The acknowledgement's silence exists, active, with at least half its span left: made when there is
   * none (or Alertmanager lost it with its storage), renewed near its end, left alone once a person
   * expired it in Alertmanager.
   */
  private async hold(alert: Alert, signal: AbortSignal): Promise<void> {
    const now = this.core.clock.now();
    const known = this.silences.get(alert.id);
    const current = known ? await this.client.getSilence(known.id, signal) : (await this.ours(alert.id, signal))[0];
    if (current?.status.state === 'expired') {
      this.silences.set(alert.id, { id: current.id, released: true });
      this.core.log.info({ alert: alert.id, silence: current.id }, 'Alertmanager silence expired by hand: not made again');
      return;
    }
    if (current && Date.parse(current.endsAt) - now > SILENCE_SPAN_MS / 2) {
      this.silences.set(alert.id, { id: current.id });
      return;
    }
    const silence = acknowledgementSilence(alert, now, now + SILENCE_SPAN_MS, this.locale, current?.id);
    const id = await this.client.postSilence(silence, signal);
    this.silences.set(alert.id, { id });
    this.core.log.info(
      { alert: alert.id, silence: id, by: alert.ackedBy },
      current ? 'Alertmanager silence renewed' : 'acknowledged: Alertmanager silence created',
    );
  }

  /**
   * Every live silence of the alert's shape is expired, found by its label (also one made before a
   * restart, or one whose id changed when it was renewed).
   */
  private async expire(alert: Alert, signal: AbortSignal): Promise<void> {
    const ids = (await this.ours(alert.id, signal)).map((s) => s.id);
    for (const id of ids) await this.client.expireSilence(id, signal);
    this.silences.delete(alert.id);
    if (ids.length) this.core.log.info({ alert: alert.id, silences: [...ids] }, 'Alertmanager silence expired');
  }

  /** Live silences of the shape an acknowledgement makes: the one matcher onair_alert="<id>". */
  private async ours(alert: number, signal: AbortSignal): Promise<GettableSilence[]> {
    const found = await this.client.findSilences(ONAIR_ALERT_LABEL, String(alert), signal);
    return found.filter(
      (s) =>
        s.status.state !== 'expired' &&
        s.matchers.length === 1 &&
        s.matchers[0]!.name === ONAIR_ALERT_LABEL &&
        s.matchers[0]!.value === String(alert) &&
        !s.matchers[0]!.isRegex,
    );
  }
}

/** The sink when settings.notifier asks for Alertmanager; undefined for OnAir's own notifier alone. */
export function alertmanagerSink(core: AlertingCore, deps: AlertmanagerSinkDependencies): AlertmanagerSink | undefined {
  const { notifier, alertmanager } = core.settings;
  if (notifier === 'onair') return undefined;
  if (!alertmanager)
    throw new Error(`alerting.notifier is "${notifier}" but alerting.alertmanager.url is not set (where Alertmanager's API is reached)`);
  return new AlertmanagerSink(core, deps, alertmanager);
}
