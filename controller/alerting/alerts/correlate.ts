/**
 * Correlation (pure): one controller event (the eventStored stream) → what it does to alerts. One
 * alert per cause, named by its key:
 * - agent-lost:<agent> — the agent stopped answering. Its devices going offline, the failovers away
 *   from them and the slots that go down for it are the same cause: inhibited into it (its summary
 *   counts them), never alerts of their own. agent.online resolves it.
 * - device:<agent>/<device> — a device failed on its own; the failovers from it update it; back to
 *   ok (or degraded: working) resolves it. Failing again within settings.flapWindowMs of that is
 *   the same alert re-fired, its count raised (a flapping device is one alert).
 * - slot-down:<slot> — only when no open alert of a member (or of a member's agent) covers it; if
 *   one does, that alert becomes critical instead.
 * - content:<agent>/<device> (program/playback faults and content alarms), endurance:<agent>/<device>,
 *   preshow:<show> (NO-GO), program:<slot> (the program path's own alarms), controller:broker and
 *   controller:storage.
 * Nothing about the gear is decided while the fleet is not in view (blind or settling): the
 * controller losing its broker is one controller alert, and agents still re-announcing are not lost.
 */
import type { AlertingSettings, AlertKind, AlertLabels, AlertSeverity } from '../../../protocols/alerting.ts';
import { deviceKey } from '../../../protocols/device-ref.ts';
import type { ControllerEvent, EventOf } from '../../../protocols/events.ts';
import type { DeviceRef } from '../../../protocols/schemas.ts';
import type { AlertContext } from './alert-context.ts';
import { agentSummary, contentSummary, deviceSummary, summaryOf, type DeviceOutcome, type Summary } from './summaries.ts';
import { alarmCause } from './alarm-cause.ts';
import { impactOfDevices, impactOfSlots, moreSevere, severityOf } from './severity.ts';

/** What the engine keeps of an open alert that correlation reads. */
export interface OpenAlertView {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  labels: AlertLabels;
  summary: string;
  inhibits: readonly string[];
  /** Memory about the cause's parts: `slot:<id>` → pending|over|down (an agent lost); `fault:<name>` (content). */
  marks: ReadonlyMap<string, string>;
}

export interface CorrelationState {
  open(key: string): OpenAlertView | undefined;
  /** Every open alert's view (judged again when the on-air state changes). */
  openViews(): Iterable<OpenAlertView>;
  /** Resolved no longer than settings.flapWindowMs before `at`: the cause coming back is the same alert. */
  recentlyResolved(key: string, at: number): boolean;
}

export interface CorrelationInput {
  ctx: AlertContext;
  settings: Pick<AlertingSettings, 'preShowWindowMs'>;
  state: CorrelationState;
}

type Marks = Record<string, string | null>;
interface Spec {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  labels: AlertLabels;
  summary: Summary;
  detail?: string;
  noBackupLeft?: boolean;
  marks?: Marks;
}
export type AlertAction =
  | ({ do: 'raise'; seq: number } & Spec)
  | { do: 'refire'; key: string; seq: number; severity: AlertSeverity; summary: Summary; marks?: Marks }
  | {
      do: 'change';
      key: string;
      seq: number;
      severity?: AlertSeverity;
      summary?: Summary;
      detail?: string;
      noBackupLeft?: boolean;
      /** The key of an alert of the same cause, shown inside this one and never sent on its own. */
      inhibit?: string;
      marks?: Marks;
    }
  | { do: 'resolve'; key: string; seq: number };

const GEAR_EVENTS = new Set(['agent.offline', 'device.state', 'failover.started', 'failover.succeeded', 'failover.failed', 'slot.down']);
const isDown = (status: string) => status === 'failed' || status === 'offline';

export const parseMember = (member: string): DeviceRef | undefined => {
  const at = member.indexOf('/');
  return at > 0 ? { agent: member.slice(0, at), device: member.slice(at + 1) } : undefined;
};

export function correlate(e: ControllerEvent, input: CorrelationInput): AlertAction[] {
  // A new fault of the gear is only judged while the whole fleet is in view; an end (resolve) always is.
  if (GEAR_EVENTS.has(e.type) && input.ctx.fleetView() !== 'settled' && !isRecovery(e)) return [];
  const c = new Correlator(input, e.seq, e.ts);
  switch (e.type) {
    case 'agent.offline':
      return e.agent ? c.agentLost(e.agent) : [];
    case 'agent.online':
      return c.resolve(`agent-lost:${e.agent}`);
    case 'device.state':
      return e.agent && e.device ? c.deviceState({ agent: e.agent, device: e.device }, e) : [];
    case 'failover.started':
    case 'failover.succeeded':
    case 'failover.failed':
      return e.slot ? c.failover(e.slot, e) : [];
    case 'slot.down':
      return e.slot ? c.slotDown(e.slot) : [];
    case 'slot.state':
      return e.slot && (e.data.to === 'ok' || e.data.to === 'degraded') ? c.slotBack(e.slot) : [];
    case 'onair.changed':
      return c.rejudgeAll();
    case 'content.fault':
      return e.agent && e.device && e.data.role !== 'source' ? c.contentFault({ agent: e.agent, device: e.device }, e) : [];
    case 'alarm':
      return c.alarm(e);
    case 'preshow.checklist':
      return e.data.go ? c.resolve(`preshow:${e.data.show}`) : c.preshow(e.data.show, e.data.notReady);
    case 'show.ended':
    case 'show.cancelled':
      return c.resolve(`preshow:${e.data.show}`);
    case 'program.cut':
      return e.data.cut ? c.resolve(`program:${e.slot}`) : [];
    case 'stream.changed':
      return e.data.ok ? c.resolve(`program:${e.slot}`) : [];
    case 'broker.lost':
      return [
        c.raiseOrMerge({
          key: 'controller:broker',
          kind: 'controller',
          severity: 'critical',
          labels: {},
          summary: summaryOf('summary.broker-lost'),
        }),
      ];
    case 'broker.restored':
      return c.resolve('controller:broker');
    default:
      return [];
  }
}

const isRecovery = (e: ControllerEvent): boolean => e.type === 'device.state' && !isDown(e.data.to);

class Correlator {
  constructor(
    private readonly input: CorrelationInput,
    private readonly seq: number,
    private readonly at: number,
  ) {}

  private get ctx() {
    return this.input.ctx;
  }
  private get state() {
    return this.input.state;
  }

  resolve(key: string): AlertAction[] {
    return this.state.open(key) ? [{ do: 'resolve', key, seq: this.seq }] : [];
  }

  raiseOrMerge(spec: Spec): AlertAction {
    const open = this.state.open(spec.key);
    const { key, seq } = { key: spec.key, seq: this.seq };
    if (open)
      return { do: 'change', key, seq, severity: moreSevere(open.severity, spec.severity), ...(spec.marks ? { marks: spec.marks } : {}) };
    if (this.state.recentlyResolved(key, this.at))
      return { do: 'refire', key, seq, severity: spec.severity, summary: spec.summary, ...(spec.marks ? { marks: spec.marks } : {}) };
    return { do: 'raise', seq, ...spec };
  }

  agentLost(agent: string): AlertAction[] {
    const devices = this.ctx.devicesOf(agent);
    const studio = devices.map((d) => this.ctx.deviceInfo(d).studio).find((s) => s !== undefined);
    // The on-air slots whose live member is on this agent: what the failovers that follow will decide.
    const marks: Marks = {};
    for (const slot of new Set(devices.flatMap((d) => this.ctx.slotsOf(d))))
      if (this.ctx.isSlotOnAir(slot) && this.ctx.members(slot).some((m) => m.live && m.ref.agent === agent))
        marks[`slot:${slot}`] = 'pending';
    const summary = agentSummary(agent, devices.length, new Map(Object.entries(marks) as Array<[string, string]>));
    const severity = severityOf(impactOfDevices(devices, studio, this.ctx, this.at), this.input.settings);
    // Its first affected slot names the studio too (studio-a/cam-1) when the devices' registrations do not.
    const slot = Object.keys(marks)[0]?.slice('slot:'.length);
    const labels: AlertLabels = { agent, ...(studio ? { studio } : {}), ...(slot ? { slot } : {}) };
    return [this.raiseOrMerge({ key: `agent-lost:${agent}`, kind: 'agent-lost', severity, labels, summary, marks })];
  }

  deviceState(ref: DeviceRef, e: EventOf<'device.state'>): AlertAction[] {
    const key = `device:${deviceKey(ref.agent, ref.device)}`;
    if (!isDown(e.data.to)) return isDown(e.data.from) ? this.resolve(key) : [];
    const lost = this.state.open(`agent-lost:${ref.agent}`);
    if (lost) return lost.inhibits.includes(key) ? [] : [{ do: 'change', key: lost.key, seq: this.seq, inhibit: key }];
    const info = this.ctx.deviceInfo(ref);
    const impact = impactOfDevices([ref], info.studio, this.ctx, this.at);
    const labels: AlertLabels = { agent: ref.agent, device: ref.device, ...labelsOf(info), ...firstSlot(this.ctx.slotsOf(ref)) };
    const summary = deviceSummary(ref, e.data.to, 'none');
    return [
      this.raiseOrMerge({
        key,
        kind: 'device',
        severity: severityOf(impact, this.input.settings),
        labels,
        summary,
        ...(e.reason ? { detail: e.reason } : {}),
      }),
    ];
  }

  /** The alert whose cause a device's failure is: its agent's loss, else its own. */
  private coverOf(ref: DeviceRef): OpenAlertView | undefined {
    return this.state.open(`agent-lost:${ref.agent}`) ?? this.state.open(`device:${deviceKey(ref.agent, ref.device)}`);
  }

  failover(slot: string, e: EventOf<'failover.started' | 'failover.succeeded' | 'failover.failed'>): AlertAction[] {
    const from = parseMember(e.data.from);
    const cover = from && this.coverOf(from);
    if (!from || !cover) return []; // a failover by hand, or from a member that is not failing: no alert of its own
    const outcome: DeviceOutcome =
      e.type === 'failover.started' ? 'failing-over' : e.type === 'failover.failed' ? 'failed' : { to: e.data.to };
    const onAir = this.ctx.isSlotOnAir(slot);
    if (cover.kind === 'agent-lost') {
      const mark = e.type === 'failover.started' ? 'pending' : e.type === 'failover.succeeded' ? 'over' : 'down';
      const marks = new Map(cover.marks).set(`slot:${slot}`, mark);
      const judged = this.judge(cover);
      return [
        {
          do: 'change',
          key: cover.key,
          seq: this.seq,
          summary: agentSummary(from.agent, this.ctx.devicesOf(from.agent).length, marks),
          severity: e.type === 'failover.failed' && onAir ? 'critical' : judged.severity,
          noBackupLeft: judged.noBackupLeft,
          marks: { [`slot:${slot}`]: mark },
          ...(e.type === 'failover.succeeded' ? { inhibit: `failover:${slot}` } : {}),
        },
      ];
    }
    const judged = this.judge(cover);
    const status = this.ctx.members(slot).find((m) => m.ref.agent === from.agent && m.ref.device === from.device)?.status ?? 'failed';
    return [
      {
        do: 'change',
        key: cover.key,
        seq: this.seq,
        summary: deviceSummary(from, status, outcome, judged.noBackupLeft),
        severity: e.type === 'failover.failed' && onAir ? 'critical' : judged.severity,
        noBackupLeft: judged.noBackupLeft,
        ...(e.type === 'failover.succeeded' ? { inhibit: `failover:${slot}` } : {}),
      },
    ];
  }

  slotDown(slot: string): AlertAction[] {
    const cover = this.slotCover(slot);
    const onAir = this.ctx.isSlotOnAir(slot);
    if (cover) {
      const severity = onAir ? 'critical' : this.judge(cover).severity;
      const marks: Marks | undefined = cover.kind === 'agent-lost' ? { [`slot:${slot}`]: 'down' } : undefined;
      const summary =
        cover.kind === 'agent-lost' && cover.labels.agent
          ? agentSummary(
              cover.labels.agent,
              this.ctx.devicesOf(cover.labels.agent).length,
              new Map(cover.marks).set(`slot:${slot}`, 'down'),
            )
          : undefined;
      return [
        {
          do: 'change',
          key: cover.key,
          seq: this.seq,
          severity,
          inhibit: `slot-down:${slot}`,
          ...(marks ? { marks } : {}),
          ...(summary ? { summary } : {}),
        },
      ];
    }
    const studio = this.studioOfSlot(slot);
    const severity = onAir ? 'critical' : severityOf(impactOfSlots([slot], studio, this.ctx, this.at), this.input.settings);
    return [
      this.raiseOrMerge({
        key: `slot-down:${slot}`,
        kind: 'slot-down',
        severity,
        labels: { slot, ...(studio ? { studio } : {}) },
        summary: summaryOf('summary.slot-down', { slot }),
      }),
    ];
  }

  /** Live again: its own slot-down alert ends, and the alert that covered it is judged again (no longer critical for it). */
  slotBack(slot: string): AlertAction[] {
    const cover = this.slotCover(slot);
    const judged = cover && this.judge(cover);
    const rejudged: AlertAction[] =
      cover && judged && judged.severity !== cover.severity ? [{ do: 'change', key: cover.key, seq: this.seq, ...judged }] : [];
    return [...this.resolve(`slot-down:${slot}`), ...rejudged];
  }

  /** An open alert of a member of the slot, or of its agent: the slot is down for that cause. */
  private slotCover(slot: string): OpenAlertView | undefined {
    for (const m of this.ctx.members(slot)) {
      const cover = this.coverOf(m.ref);
      if (cover) return cover;
    }
    return undefined;
  }

  private studioOfSlot(slot: string): string | undefined {
    return this.ctx
      .members(slot)
      .map((m) => this.ctx.deviceInfo(m.ref).studio)
      .find((s) => s !== undefined);
  }

  /** Severity (and "no backup left") of a gear alert from the controller's picture now. */
  judge(alert: OpenAlertView): { severity: AlertSeverity; noBackupLeft: boolean } {
    const { agent, device, slot, studio } = alert.labels;
    const impact =
      alert.kind === 'agent-lost' && agent
        ? impactOfDevices(this.ctx.devicesOf(agent), studio, this.ctx, this.at)
        : alert.kind === 'slot-down' && slot
          ? impactOfSlots([slot], studio, this.ctx, this.at)
          : agent && device
            ? impactOfDevices([{ agent, device }], studio, this.ctx, this.at)
            : undefined;
    return impact
      ? { severity: severityOf(impact, this.input.settings), noBackupLeft: impact.noBackupLeft }
      : { severity: alert.severity, noBackupLeft: false };
  }

  /** On air or off: every gear alert judged again. */
  rejudgeAll(): AlertAction[] {
    const actions: AlertAction[] = [];
    for (const alert of this.state.openViews()) {
      if (alert.kind !== 'agent-lost' && alert.kind !== 'device' && alert.kind !== 'slot-down') continue;
      const judged = this.judge(alert);
      if (judged.severity !== alert.severity) actions.push({ do: 'change', key: alert.key, seq: this.seq, ...judged });
    }
    return actions;
  }

  contentFault(ref: DeviceRef, e: EventOf<'content.fault'>): AlertAction[] {
    const key = `content:${deviceKey(ref.agent, ref.device)}`;
    const open = this.state.open(key);
    if (e.data.phase === 'ended') {
      if (!open) return [];
      const left = [...open.marks.keys()].filter((k) => k.startsWith('fault:') && k !== `fault:${e.data.fault}`);
      return left.length ? [{ do: 'change', key, seq: this.seq, marks: { [`fault:${e.data.fault}`]: null } }] : this.resolve(key);
    }
    const info = this.ctx.deviceInfo(ref);
    const studio = e.data.studio ?? info.studio;
    // The program or playback output is what viewers see while anything is on air (content-watch's own rule for its alarm).
    const severity = this.ctx.isOnAir() ? 'critical' : severityOf(impactOfDevices([ref], studio, this.ctx, this.at), this.input.settings);
    const summary = contentSummary(deviceKey(ref.agent, ref.device), e.data.fault);
    const labels: AlertLabels = { agent: ref.agent, device: ref.device, role: e.data.role, ...(studio ? { studio } : {}) };
    return [this.raiseOrMerge({ key, kind: 'content', severity, labels, summary, marks: { [`fault:${e.data.fault}`]: 'on' } })];
  }

  preshow(show: string, notReady: readonly string[]): AlertAction[] {
    // Before the show, off air: a warning by the pre-show rule, whatever the checklist's own alarm says.
    const summary = summaryOf('summary.preshow-no-go', { show, problems: notReady.join('; ') || '—' });
    return [this.raiseOrMerge({ key: `preshow:${show}`, kind: 'preshow', severity: 'warning', labels: { show }, summary })];
  }

  alarm(e: EventOf<'alarm'>): AlertAction[] {
    const { key, kind } = alarmCause(e);
    const { show } = e.data;
    if (e.data.severity === 'cleared') return this.resolve(key);
    if (key.startsWith('program:') && e.slot) {
      // The failover engine's own alarm for a slot it marked down: the same cause as the slot.down before it.
      const cover = this.state.open(`slot-down:${e.slot}`) ?? this.slotCover(e.slot);
      if (cover && !e.agent) return [{ do: 'change', key: cover.key, seq: this.seq }];
    }
    const severity: AlertSeverity = kind === 'preshow' ? 'warning' : e.data.severity;
    const labels: AlertLabels = {
      ...(e.agent ? { agent: e.agent } : {}),
      ...(e.device ? { device: e.device } : {}),
      ...(e.slot ? { slot: e.slot } : {}),
      ...(show ? { show } : {}),
      ...(e.agent && e.device ? labelsOf(this.ctx.deviceInfo({ agent: e.agent, device: e.device })) : {}),
    };
    return [
      this.raiseOrMerge({ key, kind, severity, labels, summary: summaryOf('summary.alarm', { reason: (e.reason ?? key).slice(0, 500) }) }),
    ];
  }
}

const labelsOf = (info: { studio?: string; role?: string }): AlertLabels => ({
  ...(info.studio ? { studio: info.studio } : {}),
  ...(info.role ? { role: info.role } : {}),
});
const firstSlot = (slots: readonly string[]): AlertLabels => (slots.length > 0 ? { slot: slots[0]! } : {});
