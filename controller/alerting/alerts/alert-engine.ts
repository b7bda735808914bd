/**
 * The one place that decides who is told and when (controller/alerting/types.ts: AlertBook). Each
 * stored controller event goes through correlation (correlate.ts: one alert per cause), and what it
 * says is applied here: stored (alert-store.ts), recorded as an audited event, told to the people
 * the Directory names (the NotificationQueue sends), and announced on the alerting bus
 * (`alertChanged`: the Alertmanager sink listens). Escalation runs on `tick` (escalation.ts).
 *
 * Open alerts are indexed by key in memory (O(1) per event); history stays in the table. A restart
 * or a takeover reads the open ones back and continues them at their stored escalation times.
 *
 * Who is told at once: the first level that names someone, for every severity. A minor alert (off
 * air, no show soon) is told at level 0 like the others and escalates on settings.escalateAfterMs.minor
 * (an hour by default): one rule for all severities, the settings decide how patient each one is.
 * An alert that becomes critical while unacknowledged is told again at its current level (it went
 * on air) and escalates on the critical clock from then.
 */
import type Database from 'better-sqlite3';
import { ESCALATION_LEVELS, type Alert, type AlertOwner } from '../../../protocols/alerting.ts';
import { isFlappingCount } from '../../../protocols/flapping.ts';
import type { ControllerEvent } from '../../../protocols/events.ts';
import type { AlertBook, AlertingCore, Directory, IncidentBook, NotificationQueue, OpHandler, RunbookLibrary } from '../types.ts';
import type { AlertContext } from './alert-context.ts';
import { AlertStore, type AlertQuery } from './alert-store.ts';
import { correlate, type AlertAction, type CorrelationState, type OpenAlertView } from './correlate.ts';
import { escalationPeriod, escalationStep, firstLevel, rescheduled } from './escalation.ts';
import { isMoreSevere } from './severity.ts';
import { AlertNotices } from './alert-notices.ts';
import { applyMarks, eventLabels, marksFrom, view, withEvent, type OpenAlert } from './open-alerts.ts';
import { summaryFields } from './summaries.ts';

export interface AlertEngineDependencies {
  core: AlertingCore;
  directory: Directory;
  incidents: IncidentBook;
  runbooks: RunbookLibrary;
  queue: NotificationQueue;
  context: AlertContext;
  /** store.alertingDatabase(). */
  db: Database.Database;
}

type Via = 'console' | 'cli' | 'link' | 'api';
interface Ended {
  alert: Alert;
  /** A flapping alert's `resolved` notice waits until it has stayed away for the flap window. */
  noticePending: boolean;
}

const MAX_INHIBITS = 1_000;
/**
 * The controller records what happens as it happens: an event dated more than this before the
 * engine hears it is history written after the fact, not a fault anyone should be told about now.
 */
const HISTORY_MS = 60_000;
const LEVEL_NAMES = ESCALATION_LEVELS;

export class AlertEngine implements AlertBook, CorrelationState {
  private readonly store: AlertStore;
  private readonly byKey = new Map<string, OpenAlert>();
  private readonly byId = new Map<number, OpenAlert>();
  /** Event seq → the open alert it belongs to (the console acknowledges alarms by event seq). */
  private readonly bySeq = new Map<number, string>();
  private readonly ended = new Map<string, Ended>();
  private readonly notices: AlertNotices;

  constructor(private readonly d: AlertEngineDependencies) {
    this.store = new AlertStore(d.db);
    this.notices = new AlertNotices(d);
    this.resume();
  }

  /** Reads the open alerts (and those a flap may bring back) from the store: at start and after a takeover. */
  resume(): void {
    const now = this.d.core.clock.now();
    this.byKey.clear();
    this.byId.clear();
    this.bySeq.clear();
    this.ended.clear();
    for (const alert of this.store.open()) this.index({ alert, marks: marksFrom(alert) });
    for (const alert of this.store.resolvedSince(now - this.d.core.settings.flapWindowMs))
      if (!this.byKey.has(alert.key) && !this.ended.has(alert.key))
        this.ended.set(alert.key, { alert, noticePending: isFlappingCount(alert.count) });
  }

  // --- CorrelationState: what correlation reads -----------------------------------------------------

  open(key: string): OpenAlertView | undefined {
    const open = this.byKey.get(key);
    return open && view(open);
  }
  *openViews(): Iterable<OpenAlertView> {
    for (const open of this.byKey.values()) yield view(open);
  }
  recentlyResolved(key: string, at: number): boolean {
    const ended = this.ended.get(key);
    return ended !== undefined && at - (ended.alert.endsAt ?? 0) <= this.d.core.settings.flapWindowMs;
  }

  // --- Events in ---------------------------------------------------------------------------------------

  /**
   * Every stored controller event (the controller's eventStored). The console's `alarm.ack` of an
   * alarm event is heard here as its `alarm.acked` event: the alert the alarm belongs to is
   * acknowledged too, with no change to the console's side.
   */
  onEvent(e: ControllerEvent): void {
    // Called inside the controller's record(): a fault here must never reach the failover that recorded the event.
    try {
      if (e.type === 'alarm.acked') this.acknowledgeEvent(e.data.seq, e.by ?? 'console', e.reason);
      else if (this.d.core.clock.now() - e.ts > HISTORY_MS)
        return; // history being written (a seeded month, an import): nobody to tell now
      else for (const action of correlate(e, { ctx: this.d.context, settings: this.d.core.settings, state: this })) this.apply(action);
    } catch (err) {
      this.d.core.log.error({ err: (err as Error).message, event: e.seq, type: e.type }, 'alerting could not judge an event');
    }
  }

  private apply(a: AlertAction): void {
    if (a.do === 'raise') this.raise(a);
    else if (a.do === 'refire') this.refire(a);
    else if (a.do === 'change') this.change(a);
    else this.resolve(a.key, a.seq);
  }

  private raise(a: Extract<AlertAction, { do: 'raise' }>): void {
    const { core, incidents, runbooks } = this.d;
    const now = core.clock.now();
    // One transaction: a row is never left without its incident (attach refused, nothing is stored).
    const { alert, first, open } = this.d.db.transaction(() => {
      const id = this.store.reserve(a.key, now);
      const runbook = runbooks.forAlert(a.kind, a.labels.role)?.id;
      const draft = { id, key: a.key, kind: a.kind, severity: a.severity, labels: a.labels, ...summaryFields(a.summary), startsAt: now };
      const incident = incidents.attach(draft).id;
      const first = firstLevel(this.notices.recipients(a.labels, now));
      const alert: Alert = {
        ...draft,
        state: 'firing',
        ...(a.detail ? { detail: a.detail.slice(0, 4000) } : {}),
        updatedAt: now,
        count: 1,
        inhibits: [],
        events: [a.seq],
        level: first.level,
        nextEscalationAt: now + escalationPeriod(a.severity, core.settings),
        incident,
        ...(runbook ? { runbook } : {}),
        ...(a.noBackupLeft ? { noBackupLeft: true } : {}),
      };
      const open: OpenAlert = { alert, marks: new Map() };
      applyMarks(open.marks, a.marks);
      this.store.save(alert);
      return { alert, first, open };
    })();
    this.index(open);
    core.record({
      type: 'alert.raised',
      ts: now,
      by: 'controller',
      reason: alert.summary,
      ...eventLabels(alert),
      data: {
        alert: alert.id,
        key: alert.key,
        kind: alert.kind,
        severity: alert.severity,
        incident: alert.incident,
        summary: alert.summary,
      },
    });
    this.notices.tell(alert, first.people, 'firing', first.level);
    core.bus.emit('alertChanged', alert);
  }

  /** The same cause back within the flap window: the same alert again, its count raised, nobody told again. */
  private refire(a: Extract<AlertAction, { do: 'refire' }>): void {
    const ended = this.ended.get(a.key);
    if (!ended) return;
    this.ended.delete(a.key);
    const now = this.d.core.clock.now();
    const { endsAt: _ended, nextEscalationAt: _next, ...rest } = ended.alert;
    const acked = rest.ackedAt !== undefined;
    const alert: Alert = {
      ...rest,
      state: acked ? 'acknowledged' : 'firing',
      severity: a.severity,
      ...summaryFields(a.summary),
      count: rest.count + 1,
      updatedAt: now,
      events: withEvent(rest.events, a.seq),
      ...(acked ? {} : { nextEscalationAt: now + escalationPeriod(a.severity, this.d.core.settings) }),
    };
    const open: OpenAlert = { alert, marks: marksFrom(alert) };
    applyMarks(open.marks, a.marks);
    this.index(open);
    this.changed(alert, a.seq);
  }

  private change(a: Extract<AlertAction, { do: 'change' }>): void {
    const open = this.byKey.get(a.key);
    if (!open) return;
    const before = open.alert;
    const now = this.d.core.clock.now();
    const severity = a.severity ?? before.severity;
    const summary = a.summary?.text ?? before.summary;
    const summaryMessage = a.summary ? a.summary.message : before.summaryMessage;
    const inhibits =
      a.inhibit && !before.inhibits.includes(a.inhibit) && before.inhibits.length < MAX_INHIBITS
        ? [...before.inhibits, a.inhibit]
        : before.inhibits;
    const rose = isMoreSevere(severity, before.severity);
    const alert: Alert = {
      ...before,
      severity,
      summary,
      ...(summaryMessage ? { summaryMessage } : {}),
      inhibits,
      updatedAt: now,
      events: withEvent(before.events, a.seq),
      ...(a.detail ? { detail: a.detail.slice(0, 4000) } : {}),
      ...(a.noBackupLeft !== undefined ? { noBackupLeft: a.noBackupLeft } : {}),
      ...(rose && before.state === 'firing'
        ? { nextEscalationAt: rescheduled(before.nextEscalationAt, severity, now, this.d.core.settings) }
        : {}),
    };
    open.alert = alert;
    applyMarks(open.marks, a.marks);
    this.bySeq.set(a.seq, a.key);
    const visible =
      severity !== before.severity ||
      summary !== before.summary ||
      inhibits !== before.inhibits ||
      alert.noBackupLeft !== before.noBackupLeft;
    if (severity !== before.severity || summary !== before.summary) this.changed(alert, a.seq);
    else {
      this.store.save(alert);
      if (visible) this.d.core.bus.emit('alertChanged', alert);
    }
    if (rose && severity === 'critical' && alert.state === 'firing')
      this.notices.tell(alert, this.notices.recipients(alert.labels, now)(alert.level), 'firing', alert.level);
  }

  private changed(alert: Alert, seq: number): void {
    this.store.save(alert);
    this.bySeq.set(seq, alert.key);
    this.d.core.record({
      type: 'alert.changed',
      ts: alert.updatedAt,
      by: 'controller',
      reason: alert.summary,
      ...eventLabels(alert),
      data: { alert: alert.id, severity: alert.severity, count: alert.count, summary: alert.summary },
    });
    this.d.core.bus.emit('alertChanged', alert);
  }

  private resolve(key: string, seq: number): void {
    const open = this.byKey.get(key);
    if (!open) return;
    const { core, queue } = this.d;
    const now = core.clock.now();
    const { nextEscalationAt: _next, ...rest } = open.alert;
    const alert: Alert = { ...rest, state: 'resolved', endsAt: now, updatedAt: now, events: withEvent(rest.events, seq) };
    this.unindex(open);
    this.store.save(alert);
    core.record({
      type: 'alert.resolved',
      ts: now,
      by: 'controller',
      reason: alert.summary,
      ...eventLabels(alert),
      data: { alert: alert.id, durationMs: Math.max(0, now - alert.startsAt) },
    });
    queue.cancelFor(alert.id, ['firing', 'escalated']);
    // A flapping alert says "resolved" once it has stayed away for the flap window (tick), not at each recovery.
    const flapping = isFlappingCount(alert.count);
    if (!flapping) this.notices.tellResolved(alert);
    this.ended.set(key, { alert, noticePending: flapping });
    core.bus.emit('alertChanged', alert);
  }

  // --- Acknowledgement ----------------------------------------------------------------------------------

  readonly ack: OpHandler<'alert.ack'> = (p, by) => this.acknowledge(p.alert, by, 'cli', p.comment);

  readonly list = (p: AlertQuery): { alerts: Alert[] } => ({ alerts: this.store.list(p) });

  acknowledge(id: number, by: string, via: Via, comment?: string): Alert {
    const before = this.openAlert(id);
    if (before.state === 'acknowledged') throw new Error(`alert #${id} was acknowledged by ${before.ackedBy ?? 'someone'} already`);
    const { core, directory, incidents, queue } = this.d;
    const now = core.clock.now();
    const person = directory.personByLogin(by);
    const { nextEscalationAt: _stop, ...rest } = before;
    const alert: Alert = {
      ...rest,
      state: 'acknowledged',
      ackedAt: now,
      ackedBy: person?.id ?? by,
      ...(comment ? { ackComment: comment.slice(0, 500) } : {}),
      updatedAt: now,
    };
    this.byId.get(id)!.alert = alert;
    this.store.save(alert);
    core.record({
      type: 'alert.acked',
      ts: now,
      by,
      ...(comment ? { reason: comment } : {}),
      ...eventLabels(alert),
      data: {
        alert: id,
        via,
        ...(person ? { person: person.id } : {}),
        ...(comment ? { comment } : {}),
        afterMs: Math.max(0, now - alert.startsAt),
      },
    });
    queue.cancelFor(id, ['firing', 'escalated']);
    incidents.acknowledged(alert.incident, now);
    incidents.involve(alert.incident, person?.id ?? by, now);
    core.bus.emit('alertChanged', alert);
    return alert;
  }

  /** The console's `alarm.ack` of an event: the open, unacknowledged alert that event belongs to is acknowledged too. */
  acknowledgeEvent(seq: number, by: string, comment?: string): Alert | undefined {
    const open = this.byKey.get(this.bySeq.get(seq) ?? '');
    return open && open.alert.state === 'firing' ? this.acknowledge(open.alert.id, by, 'console', comment) : undefined;
  }

  /** The alerts open now (firing or acknowledged): what the Alertmanager sink posts after a restart or a takeover. */
  openAlerts(): Alert[] {
    return [...this.byKey.values()].map((open) => open.alert);
  }

  get(id: number): Alert | undefined {
    return this.byId.get(id)?.alert ?? this.store.get(id);
  }

  /** An open alert, for what changes one besides the engine (its owner: ownership.ts); refused when it ended or never was. */
  openAlert(id: number): Alert {
    const open = this.byId.get(id);
    if (!open) throw new Error(this.store.get(id) ? `alert #${id} has ended already` : `no alert #${id}`);
    return open.alert;
  }

  /**
   * Keeps an open alert whose owner changed, in the index (the next event's change starts from it)
   * and the store. Not on the alerting bus: Alertmanager has no owners, so it has nothing to post.
   */
  keepOwner(id: number, owner: AlertOwner | undefined, at: number): Alert {
    const open = this.byId.get(id);
    if (!open) throw new Error(`alert #${id} has ended already`);
    const { owner: _before, ...rest } = open.alert;
    open.alert = { ...rest, ...(owner ? { owner } : {}), updatedAt: at };
    this.store.save(open.alert);
    return open.alert;
  }

  // --- Time ---------------------------------------------------------------------------------------------

  /** Escalation, and the `resolved` notice of a flap that has settled. Only the leader decides. */
  tick(): void {
    const { core } = this.d;
    if (!core.leading()) return;
    const now = core.clock.now();
    for (const open of [...this.byKey.values()]) this.escalate(open, now);
    for (const [key, ended] of this.ended) {
      if (now - (ended.alert.endsAt ?? 0) < core.settings.flapWindowMs) continue;
      this.ended.delete(key);
      if (ended.noticePending) this.notices.tellResolved(ended.alert);
    }
  }

  private escalate(open: OpenAlert, now: number): void {
    const { core } = this.d;
    const step = escalationStep(open.alert, now, core.settings, this.notices.recipients(open.alert.labels, now));
    if (!step) return;
    const alert: Alert = { ...open.alert, level: step.level, nextEscalationAt: step.nextEscalationAt, updatedAt: now };
    open.alert = alert;
    this.store.save(alert);
    if (step.people.length === 0) {
      core.log.warn(
        { alert: alert.id, key: alert.key, studio: alert.labels.studio },
        'alert not acknowledged, and its studio names nobody to escalate to',
      );
      return;
    }
    const level = LEVEL_NAMES[step.level]!;
    core.record({
      type: 'alert.escalated',
      ts: now,
      by: 'controller',
      reason: `not acknowledged: ${level}`,
      ...eventLabels(alert),
      data: { alert: alert.id, level, people: step.people.map((p) => p.id) },
    });
    this.notices.tell(alert, step.people, 'escalated', step.level);
    core.bus.emit('alertChanged', alert);
  }

  // --- The index of open alerts --------------------------------------------------------------------------

  private index(open: OpenAlert): void {
    this.byKey.set(open.alert.key, open);
    this.byId.set(open.alert.id, open);
    for (const seq of open.alert.events) this.bySeq.set(seq, open.alert.key);
  }

  private unindex(open: OpenAlert): void {
    this.byKey.delete(open.alert.key);
    this.byId.delete(open.alert.id);
    for (const seq of open.alert.events) this.bySeq.delete(seq);
  }
}
