/**
 * What an incident's page and report read besides its row: its alerts and notifications (the tables
 * the alert engine and the delivery queue keep), the on-air impact over its window, and its timeline.
 * Every read is bounded: the impact and the gear's events through the report machinery (the period,
 * paged, plus a bounded context: controller/store/history.ts), alerting events by type from the
 * incident's opening with a limit — never the whole log.
 */
import type Database from 'better-sqlite3';
import { Alert, Notification, type Incident } from '../../../protocols/alerting.ts';
import type { CorruptRowHandler } from '../../store/stored-rows.ts';
import { storedBodies } from './stored-bodies.ts';
import type { ControllerEvent, EventTypeName } from '../../../protocols/events.ts';
import type { History } from '../../store/history.ts';

/** At most this many events of each alerting type are read for one incident's timeline. */
export const TIMELINE_READ = 2_000;
/** The timeline an answer carries: its first events and its newest. */
export const TIMELINE_MAX = 1_000;

export type IncidentHistory = Pick<History, 'events' | 'reportEvents' | 'report'>;

export interface IncidentRecord {
  incident: Incident;
  alerts: Alert[];
  notifications: Notification[];
  timeline: ControllerEvent[];
}

const ALERTING_TYPES = [
  'alert.raised',
  'alert.changed',
  'alert.acked',
  'alert.taken',
  'alert.released',
  'alert.escalated',
  'alert.resolved',
  'notification.sent',
  'notification.failed',
  'incident.opened',
  'incident.noted',
  'incident.resolved',
] as const satisfies readonly EventTypeName[];

/** Gear and action events the report reader does not carry: agents lost and back, slots down, commands (swaps, presets) to its gear. */
const ACTION_TYPES = [
  'agent.offline',
  'agent.online',
  'slot.down',
  'command.sent',
  'command.result',
] as const satisfies readonly EventTypeName[];

/** Where an incident's window ends: its resolution, else now. */
export const windowEnd = (i: Incident, now: number): number => i.resolvedAt ?? Math.max(now, i.openedAt);

type Rows = Array<{ key: number; body: string }>;

export function incidentAlerts(db: Database.Database, incident: number, onCorrupt: CorruptRowHandler): Alert[] {
  const rows = db.prepare('SELECT id AS key, body FROM alerts WHERE incident = ? ORDER BY id LIMIT 1000').all(incident) as Rows;
  return storedBodies(Alert, 'alerts', rows, onCorrupt);
}

export function incidentNotifications(
  db: Database.Database,
  incident: number,
  alerts: readonly number[],
  onCorrupt: CorruptRowHandler,
): Notification[] {
  const ids = alerts.length ? alerts : [-1];
  const rows = db
    .prepare(
      `SELECT id AS key, body FROM notifications WHERE json_extract(body, '$.incident') = ? OR alert IN (${ids.map(() => '?').join(',')}) ORDER BY id LIMIT 2000`,
    )
    .all(incident, ...ids) as Rows;
  return storedBodies(Notification, 'notifications', rows, onCorrupt);
}

/** Seconds viewers lost in its window, by the same rule as the 1% rate (controller/plan/report.ts). */
export async function measureImpact(history: IncidentHistory, i: Incident, until: number): Promise<number> {
  if (until <= i.openedAt) return 0;
  const report = await history.report({ since: i.openedAt, until, ...(i.studio ? { studio: i.studio } : {}) });
  return report.downOnAirMs;
}

/** Gear events concern the incident when they are about its alerts' devices or slots, or its studio's shows, their slots and members. */
function concerns(
  i: Incident,
  alerts: readonly Alert[],
  studio: { slots: ReadonlySet<string>; members: ReadonlySet<string> },
): (e: ControllerEvent) => boolean {
  const devices = new Set([
    ...studio.members,
    ...alerts.flatMap((a) => (a.labels.agent && a.labels.device ? [`${a.labels.agent}/${a.labels.device}`] : [])),
  ]);
  const agents = new Set(alerts.flatMap((a) => (a.labels.agent && !a.labels.device ? [a.labels.agent] : [])));
  const slots = new Set([...studio.slots, ...alerts.flatMap((a) => (a.labels.slot ? [a.labels.slot] : []))]);
  const gearAgents = new Set([...agents, ...[...devices].map((d) => d.split('/')[0]!)]);
  return (e) => {
    if (e.slot !== undefined && slots.has(e.slot)) return true;
    if ((e.type === 'agent.offline' || e.type === 'agent.online') && e.agent !== undefined) return gearAgents.has(e.agent);
    if (e.agent !== undefined && (agents.has(e.agent) || devices.has(`${e.agent}/${e.device ?? ''}`))) return true;
    if (e.type === 'show.started' || e.type === 'show.ended') return i.studio !== undefined && e.data.studio === i.studio;
    if (e.type === 'content.fault') return i.studio !== undefined && e.data.studio === i.studio;
    return false;
  };
}

function aboutIncident(i: Incident, alertIds: ReadonlySet<number>): (e: ControllerEvent) => boolean {
  return (e) => {
    const d = e.data as { alert?: number; incident?: number };
    return d.incident === i.id || (d.alert !== undefined && alertIds.has(d.alert));
  };
}

/** The incident's events between its opening and its end (or now), oldest first. */
export async function incidentTimeline(
  history: IncidentHistory,
  i: Incident,
  alerts: readonly Alert[],
  until: number,
): Promise<ControllerEvent[]> {
  const within = (e: ControllerEvent) => e.ts >= i.openedAt && e.ts <= until;
  const gear = await history.reportEvents(i.openedAt, until);
  const studio = { slots: new Set<string>(), members: new Set<string>() };
  for (const e of gear.events)
    if (e.type === 'show.started' && e.data.studio === i.studio)
      for (const s of e.data.slots) (studio.slots.add(s.slot), s.members.forEach((m) => studio.members.add(m)));
  const alertIds = new Set([...i.alerts, ...alerts.map((a) => a.id)]);
  const ours = aboutIncident(i, alertIds);
  const read = (types: readonly EventTypeName[]) =>
    Promise.all(types.map((type) => history.events({ type, since: i.openedAt, limit: TIMELINE_READ }))).then((r) => r.flat());
  const [alerting, actions] = await Promise.all([read(ALERTING_TYPES), read(ACTION_TYPES)]);
  const ofGear = concerns(i, alerts, studio);
  const bySeq = new Map<number, ControllerEvent>();
  for (const e of [...gear.events, ...actions].filter(within).filter(ofGear)) bySeq.set(e.seq, e);
  for (const e of alerting.filter(within).filter(ours)) bySeq.set(e.seq, e);
  const all = [...bySeq.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  return all.length <= TIMELINE_MAX ? all : [...all.slice(0, TIMELINE_MAX / 2), ...all.slice(-TIMELINE_MAX / 2)];
}
