/**
 * Prometheus metrics of the controller (prom-client, its own registry: no process-wide singleton).
 * The fleet picture is read at scrape time from the controller's status (nothing is done per health
 * message for it); what happens — failovers, detections, requests — is counted as it happens, from
 * the events the controller records and the requests its router answers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DeviceStatus, SlotCondition, type StatusData } from '../../protocols/schemas.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import type { ControllerCounters } from '../controller-face.ts';

export interface MetricsSources {
  status(): StatusData;
  /** The controller's own counters (health messages, invalid payloads, …), read at scrape time. */
  counters: Readonly<ControllerCounters>;
  eventLogSize(): number;
}

/** Every value of a schema's union of literals: each gets a sample (0 when nothing is in it), so a panel shows 0, not "No data". */
const literals = (union: { anyOf: Array<{ const: string }> }): string[] => union.anyOf.map((l) => l.const);
const SLOT_CONDITIONS = literals(SlotCondition);
const DEVICE_STATUSES = literals(DeviceStatus);
/**
 * prom-client's default totals of handles, requests and resources are gauges named `_total`, which
 * `promtool check metrics` flags (the suffix means a counter); the same gauges by `type` stay.
 */
const FLAGGED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Buckets for detection and failover, in seconds: the targets are 1 s (hung device) and 150 ms (agent crash). */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly failovers: Counter<'trigger' | 'outcome'>;
  private readonly failoverSeconds: Histogram<'trigger'>;
  private readonly detectionSeconds: Histogram;
  private readonly requests: Counter<'op' | 'status'>;
  private readonly requestSeconds: Histogram<'op'>;
  private readonly preshowGo: Gauge<'show'>;

  /** One status per scrape, shared by the gauges that read it (building it walks the whole fleet). */
  private scrape: StatusData | undefined;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const snapshot = (): StatusData => (this.scrape ??= sources.status());
    collectDefaultMetrics({ register: this.registry, prefix: 'onair_controller_' });
    for (const name of FLAGGED_DEFAULTS) this.registry.removeSingleMetric(`onair_controller_${name}`);
    const fromStatus = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (g: Gauge<L>, s: StatusData) => void,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill(this, snapshot());
        },
      });
    fromStatus('onair_agents_online', 'Agents whose birth the controller holds and that are online.', [], (g, s) =>
      g.set(s.agents.filter((a) => a.online).length),
    );
    fromStatus('onair_devices', 'Registered and heard devices by status.', ['status'], (g, s) => {
      for (const status of DEVICE_STATUSES) g.set({ status }, s.devices.filter((d) => d.status === status).length);
    });
    fromStatus('onair_slots', 'Slots by condition (every condition, 0 when no slot is in it).', ['condition'], (g, s) => {
      for (const condition of SLOT_CONDITIONS) g.set({ condition }, s.slots.filter((slot) => slot.state === condition).length);
    });
    // One series per slot and per device in the picture (reset at each scrape: gone with the slot or
    // device), its state a label: an alert names the slot or device. Bounded by the fleet, not by time.
    fromStatus(
      'onair_slot_condition',
      `1 for each slot, labelled with its condition (${SLOT_CONDITIONS.join(', ')}).`,
      ['slot', 'condition'],
      (g, s) => {
        for (const slot of s.slots) g.set({ slot: slot.slot, condition: slot.state }, 1);
      },
    );
    fromStatus(
      'onair_device_status',
      `1 for each device in the fleet picture, labelled with its status (${DEVICE_STATUSES.join(', ')}).`,
      ['agent', 'device', 'status'],
      (g, s) => {
        for (const d of s.devices) g.set({ agent: d.agent, device: d.device, status: d.status }, 1);
      },
    );
    fromStatus('onair_on_air', '1 while on air (automatic failover armed).', [], (g, s) => g.set(s.onAir ? 1 : 0));
    fromStatus('onair_slot_on_air', '1 for each slot on air, with whether its primary is live.', ['slot', 'primary_live'], (g, s) => {
      for (const slot of s.slots) {
        if (!slot.onAir) continue;
        const primaryLive = !!slot.active && slot.active.agent === slot.primary.agent && slot.active.device === slot.primary.device;
        g.set({ slot: slot.slot, primary_live: String(primaryLive) }, 1);
      }
    });
    const fromCounter = (name: string, help: string, counter: keyof ControllerCounters) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(sources.counters[counter]);
        },
      });
    fromCounter('onair_health_messages_total', 'Device health messages handled.', 'healthMessages');
    fromCounter('onair_invalid_payloads_total', 'MQTT payloads refused as malformed or out of contract.', 'invalidPayloads');
    fromCounter('onair_stale_messages_total', 'Messages from an older session, or about retired devices, ignored.', 'staleMessages');
    fromCounter('onair_handler_errors_total', 'Errors caught in the controller’s message handlers.', 'handlerErrors');
    fromCounter('onair_alertmanager_alerts_sent_total', 'Alerts in posts Alertmanager took.', 'alertmanagerAlertsSent');
    fromCounter(
      'onair_alertmanager_send_failures_total',
      'Posts of alerts Alertmanager refused or did not answer.',
      'alertmanagerSendFailures',
    );
    fromCounter(
      'onair_alertmanager_silence_failures_total',
      'Alertmanager silence calls (acknowledgements) that failed.',
      'alertmanagerSilenceFailures',
    );
    new Gauge({
      name: 'onair_event_log_rows',
      help: 'Events recorded in the append-only event log.',
      registers,
      collect() {
        this.set(sources.eventLogSize());
      },
    });
    this.failovers = new Counter({
      name: 'onair_failovers_total',
      help: 'Failovers by trigger (automatic, manual) and outcome.',
      labelNames: ['trigger', 'outcome'],
      registers,
    });
    this.failoverSeconds = new Histogram({
      name: 'onair_failover_seconds',
      help: 'From the failover decision to the backup confirmed active.',
      labelNames: ['trigger'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.detectionSeconds = new Histogram({
      name: 'onair_detection_seconds',
      help: 'From a device’s first failed probe to it being declared failed.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.preshowGo = new Gauge({
      name: 'onair_preshow_go',
      help: 'The last pre-show check of each coming show: 1 GO, 0 NO-GO (gone once the show ends).',
      labelNames: ['show'],
      registers,
    });
    this.requests = new Counter({
      name: 'onair_requests_total',
      help: 'Requests answered, by operation and status.',
      labelNames: ['op', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'onair_request_seconds',
      help: 'Time to answer a request, by operation.',
      labelNames: ['op'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
  }

  /** Called for every event the controller records: O(1). */
  onEvent(e: ControllerEvent): void {
    const trigger = e.by === 'controller' ? 'automatic' : 'manual';
    if (e.type === 'failover.succeeded') {
      this.failovers.inc({ trigger, outcome: 'succeeded' });
      if (typeof e.data.durationMs === 'number') this.failoverSeconds.observe({ trigger }, e.data.durationMs / 1_000);
    } else if (e.type === 'failover.failed') {
      this.failovers.inc({ trigger, outcome: 'failed' });
    } else if (e.type === 'device.state' && e.data.to === 'failed' && typeof e.data.failingSince === 'number') {
      this.detectionSeconds.observe(Math.max(0, e.ts - e.data.failingSince) / 1_000);
    } else if (e.type === 'preshow.checklist' && typeof e.data.show === 'string') {
      this.preshowGo.set({ show: e.data.show }, e.data.go === true ? 1 : 0);
    } else if ((e.type === 'show.ended' || e.type === 'show.cancelled') && typeof e.data.show === 'string') {
      this.preshowGo.remove({ show: e.data.show });
    }
  }

  /** Called by the request router for every answer. */
  onRequest(op: string, status: 'ok' | 'error', ms: number): void {
    this.requests.inc({ op, status });
    this.requestSeconds.observe({ op }, ms / 1_000);
  }

  async text(): Promise<string> {
    try {
      return await this.registry.metrics();
    } finally {
      this.scrape = undefined;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
