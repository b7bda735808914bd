/**
 * The incident operations (incident.list|show|note|resolve|review|report) and the monthly review
 * (report.month), over the IncidentLedger, the alert and notification tables and the bounded history.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../../lib/clock.ts';
import type { Locale } from '../../../protocols/alerting.ts';
import type { PlanStore } from '../../store/plan-store.ts';
import type { CorruptRowHandler } from '../../store/stored-rows.ts';
import type { Handlers } from '../../requests.ts';
import type { IncidentOps } from '../types.ts';
import { toHtml, toMarkdown } from './document.ts';
import type { IncidentLedger } from './incident-ledger.ts';
import {
  incidentAlerts,
  incidentNotifications,
  incidentTimeline,
  measureImpact,
  windowEnd,
  type IncidentHistory,
  type IncidentRecord,
} from './incident-record.ts';
import { incidentDocument } from './incident-report.ts';
import { gatherMonth } from './month-review.ts';
import { monthCsv, monthDocument } from './month-render.ts';

export interface IncidentHandlerDeps {
  ledger: IncidentLedger;
  db: Database.Database;
  history: IncidentHistory;
  plan: Pick<PlanStore, 'history' | 'schedules'>;
  clock: Clock;
  onCorrupt: CorruptRowHandler;
}

/** Reports speak the studio plan's language unless asked otherwise. */
const DEFAULT_LOCALE: Locale = 'zh-CN';
/** Maintenance jobs one month's review reads at most. */
const MONTH_JOBS = 10_000;

export function incidentHandlers(d: IncidentHandlerDeps): Pick<Handlers, IncidentOps> {
  const record = async (id: number): Promise<IncidentRecord> => {
    const incident = d.ledger.must(id);
    const until = windowEnd(incident, d.clock.now());
    const alerts = incidentAlerts(d.db, id, d.onCorrupt);
    // An open incident's impact so far; a resolved one keeps the figure it was closed with.
    if (incident.state === 'open') incident.impactMs = await measureImpact(d.history, incident, until);
    return {
      incident,
      alerts,
      notifications: incidentNotifications(d.db, id, incident.alerts, d.onCorrupt),
      timeline: await incidentTimeline(d.history, incident, alerts, until),
    };
  };
  return {
    'incident.list': (p) => ({
      incidents: d.ledger.list({
        ...(p.state ? { state: p.state } : {}),
        ...(p.since !== undefined ? { since: p.since } : {}),
        ...(p.limit ? { limit: p.limit } : {}),
      }),
    }),
    'incident.show': (p) => record(p.id),
    'incident.note': (p, by) => d.ledger.note(p.id, p.text, by),
    'incident.resolve': async (p, by) => {
      const incident = d.ledger.must(p.id);
      if (incident.state === 'resolved') throw new Error(`incident ${p.id} is resolved already`);
      // Closing it while an alert still waits for someone would stop nobody's escalation and hide it from the review.
      const firing = incidentAlerts(d.db, p.id, d.onCorrupt).filter((a) => a.state === 'firing');
      if (firing.length)
        throw new Error(
          `incident ${p.id} has alerts nobody acknowledged: ${firing.map((a) => `#${a.id}`).join(', ')} (acknowledge them first: onair alarm ack <id>)`,
        );
      if (p.note) d.ledger.note(p.id, p.note, by);
      const at = Math.max(d.clock.now(), incident.openedAt);
      return d.ledger.resolve(p.id, by, await measureImpact(d.history, incident, at), at);
    },
    'incident.review': (p) => {
      // A follow-up names someone who answers for it: a person the directory knows (onair person add).
      const unknown = (p.followUps ?? [])
        .map((f) => f.owner)
        .filter((owner) => !d.db.prepare('SELECT 1 FROM people WHERE id = ?').get(owner));
      if (unknown.length) throw new Error(`no person ${[...new Set(unknown)].join(', ')}: add them first (onair person add)`);
      return d.ledger.review(p.id, {
        ...(p.cause !== undefined ? { cause: p.cause } : {}),
        ...(p.fix !== undefined ? { fix: p.fix } : {}),
        ...(p.followUps !== undefined ? { followUps: p.followUps } : {}),
      });
    },
    'incident.report': async (p) => {
      const doc = incidentDocument(await record(p.id), p.locale ?? DEFAULT_LOCALE, d.clock.now());
      return { format: p.format, content: p.format === 'html' ? toHtml(doc) : toMarkdown(doc) };
    },
    'report.month': async (p) => {
      const now = d.clock.now();
      const review = await gatherMonth(
        {
          report: (q) => d.history.report(q),
          incidents: (since, until) => d.ledger.openedIn(since, until),
          maintenanceJobs: (since) => d.plan.history({ kind: 'maintenance', since, limit: MONTH_JOBS }),
          schedules: () => d.plan.schedules(),
        },
        { month: p.month, now, ...(p.studio ? { studio: p.studio } : {}) },
      );
      if (p.format === 'json') return { format: 'json', content: `${JSON.stringify(review, null, 2)}\n` };
      if (p.format === 'csv') return { format: 'csv', content: monthCsv(review) };
      const doc = monthDocument(review, p.locale ?? DEFAULT_LOCALE, now);
      return { format: p.format, content: p.format === 'html' ? toHtml(doc) : toMarkdown(doc) };
    },
  };
}
