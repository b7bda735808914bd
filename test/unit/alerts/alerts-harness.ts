/**
 * A small studio for the alert engine's unit tests: a literal fleet picture (AlertContext), events
 * numbered as the log would, and in-test Directory, IncidentBook, RunbookLibrary and queue that
 * remember what they were asked. The engine itself runs over a real SQLite store.
 */
import Database from 'better-sqlite3';
import { expect, onTestFinished } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { TypedEmitter } from '../../../lib/typed-emitter.ts';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import {
  AlertingSettings,
  ESCALATION_LEVELS,
  type Alert,
  type EscalationLevel,
  type Incident,
  type Person,
} from '../../../protocols/alerting.ts';
import { EVENT_SCHEMAS, type ControllerEvent, type EventTypeName, type NewEvent } from '../../../protocols/events.ts';
import type { DeviceRef, DeviceStatus } from '../../../protocols/schemas.ts';
import { migrate } from '../../../controller/store/migrations.ts';
import type { AlertContext } from '../../../controller/alerting/alerts/alert-context.ts';
import { AlertEngine } from '../../../controller/alerting/alerts/alert-engine.ts';
import type { AlertingEvents, NotificationRequest } from '../../../controller/alerting/types.ts';
import type { FleetView } from '../../../controller/fleet/fleet.ts';

export interface SlotPicture {
  members: DeviceRef[];
  live: DeviceRef | null;
  onAir: boolean;
  down?: boolean;
}

/** The fleet as the controller would see it: edit the maps, the context reads them when asked. */
export class StudioPicture implements AlertContext {
  view: FleetView = 'settled';
  readonly status = new Map<string, DeviceStatus>();
  readonly slots = new Map<string, SlotPicture>();
  readonly studio = new Map<string, string>();
  shows: Array<{ show: string; studio: string; startsAt: number }> = [];

  addAgent(agent: string, devices: number, studio = 'studio-a'): DeviceRef[] {
    const refs = Array.from({ length: devices }, (_, i) => ({ agent, device: `dev-${i + 1}` }));
    for (const r of refs) {
      this.status.set(`${r.agent}/${r.device}`, 'ok');
      this.studio.set(`${r.agent}/${r.device}`, studio);
    }
    return refs;
  }
  addSlot(slot: string, members: DeviceRef[], onAir = true): void {
    this.slots.set(slot, { members, live: members[0] ?? null, onAir });
  }
  fleetView(): FleetView {
    return this.view;
  }
  slotsOf(ref: DeviceRef): string[] {
    return [...this.slots].filter(([, s]) => s.members.some((m) => same(m, ref))).map(([id]) => id);
  }
  isSlotOnAir(slot: string): boolean {
    return this.slots.get(slot)?.onAir ?? false;
  }
  isOnAir(): boolean {
    return [...this.slots.values()].some((s) => s.onAir);
  }
  isSlotDown(slot: string): boolean {
    return this.slots.get(slot)?.down ?? false;
  }
  members(slot: string) {
    const s = this.slots.get(slot);
    return (s?.members ?? []).map((ref) => ({
      ref,
      status: this.status.get(`${ref.agent}/${ref.device}`) ?? 'unknown',
      live: same(ref, s?.live),
    }));
  }
  devicesOf(agent: string): DeviceRef[] {
    return [...this.status.keys()].filter((k) => k.startsWith(`${agent}/`)).map((k) => ({ agent, device: k.slice(agent.length + 1) }));
  }
  deviceInfo(ref: DeviceRef) {
    const studio = this.studio.get(`${ref.agent}/${ref.device}`);
    return { ...(studio ? { studio } : {}), role: 'camera' };
  }
  nextShow(studio: string | undefined, at: number) {
    const next = this.shows.filter((s) => (!studio || s.studio === studio) && s.startsAt >= at).sort((a, b) => a.startsAt - b.startsAt)[0];
    return next && { show: next.show, startsAt: next.startsAt };
  }
}
const same = (a: DeviceRef, b: DeviceRef | null | undefined) => !!b && a.agent === b.agent && a.device === b.device;

/** People named at each level (all studios alike), each with two contact points. */
export const PEOPLE: Record<EscalationLevel, Person> = {
  responsible: { id: 'wang', name: '王工', login: 'wang', contacts: ['wang-mail', 'wang-wecom'] },
  'emergency-lead': { id: 'li', name: '李组长', login: 'li', contacts: ['li-mail', 'li-sms'] },
  'studio-manager': { id: 'zhao', name: '赵经理', contacts: ['zhao-mail', 'zhao-sms'] },
};

/** The engine over an in-memory SQLite store, with a manual clock and every request remembered. */
export function alertRig(start = Date.UTC(2026, 11, 7, 20, 0, 0), settings: Partial<AlertingSettings> = {}) {
  const clock = new ManualClock(start);
  const db = new Database(':memory:');
  migrate(db);
  const picture = new StudioPicture();
  const recorded: ControllerEvent[] = [];
  const queued: Array<NotificationRequest & { at: number }> = [];
  const cancelled: number[] = [];
  const involved: string[] = [];
  const incidents = new Map<number, Incident>();
  const named = new Set<EscalationLevel>(ESCALATION_LEVELS);
  const changes: Alert[] = [];
  let seq = 0;
  // Every event the engine records must be valid as the event log checks it (the engine's own: alert.*).
  const invalid: string[] = [];
  onTestFinished(() => expect(invalid).toEqual([]));
  const bus = new TypedEmitter<AlertingEvents>();
  bus.on('alertChanged', (a) => changes.push(a));
  const core = {
    settings: { ...(Value.Default(AlertingSettings, {}) as AlertingSettings), ...settings },
    clock,
    log: silentLogger(),
    bus,
    publicUrl: () => undefined,
    leading: () => true,
    record: (e: NewEvent): ControllerEvent => {
      const stored = { ...e, seq: ++seq } as ControllerEvent;
      const type: string = stored.type;
      const schema = EVENT_SCHEMAS[stored.type] as TSchema;
      if (type.startsWith('alert.') && !Value.Check(schema, stored))
        invalid.push(`${type}: ${[...Value.Errors(schema, stored)].map((x) => `${x.path} ${x.message}`).join('; ')}`);
      recorded.push(stored);
      engine?.onEvent(stored);
      return stored;
    },
  };
  let engine: AlertEngine | undefined;
  const deps = {
    core,
    db,
    context: picture,
    runbooks: { forAlert: (kind: string) => (kind === 'agent-lost' ? ({ id: 'agent-lost' } as never) : undefined) },
    queue: {
      enqueue: (r: NotificationRequest) => queued.push({ ...r, at: clock.now() }),
      cancelFor: (alert: number) => cancelled.push(alert),
      start: () => undefined,
      stop: async () => undefined,
    },
    directory: {
      person: (id: string) => Object.values(PEOPLE).find((p) => p.id === id),
      personByLogin: (login: string) => Object.values(PEOPLE).find((p) => p.login === login),
      contact: () => undefined,
      recipients: (level: EscalationLevel) => (named.has(level) ? [PEOPLE[level]] : []),
    },
    incidents: {
      attach: (a: Pick<Alert, 'id' | 'summary' | 'startsAt'>) => {
        const incident: Incident = {
          id: incidents.size + 1,
          title: a.summary,
          state: 'open',
          openedAt: a.startsAt,
          alerts: [a.id],
          people: [],
          notes: [],
          impactMs: 0,
        };
        incidents.set(incident.id, incident);
        return incident;
      },
      involve: (_incident: number, person: string) => involved.push(person),
      acknowledged: () => undefined,
      get: (id: number) => incidents.get(id),
    },
  };
  engine = new AlertEngine(deps);
  /** An event the controller stores (numbered, then to the engine), at the clock's time. */
  const emit = <T extends EventTypeName>(type: T, fields: Partial<Omit<Extract<ControllerEvent, { type: T }>, 'type' | 'seq'>>) =>
    core.record({ type, ts: clock.now(), data: {}, ...fields } as unknown as NewEvent);
  return {
    clock,
    db,
    picture,
    recorded,
    queued,
    cancelled,
    involved,
    named,
    changes,
    emit,
    deps,
    get engine() {
      return engine!;
    },
    /** A second engine over the same store: a restart. */
    restart() {
      engine = new AlertEngine(deps);
      return engine;
    },
    raised: () => recorded.filter((e) => e.type === 'alert.raised'),
    /** Ticks once a second from now until `until` (inclusive), as the plan tick would. */
    tickUntil(until: number) {
      while (clock.now() < until) {
        clock.advance(1_000);
        engine!.tick();
      }
    },
  };
}
