/**
 * The driver fault matrix: every driver against its simulator on its real transport, one real agent
 * process driving them all, default probe settings. For each driver and fault: detected within the
 * bound, back to ok by itself within recoverAfterMs plus a margin once the fault ends, outputs as they
 * were. Then 100 short faults each while the agent's memory and file descriptors are watched.
 * Writes .faults/matrix.json, from which docs/faults.md is generated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryProfile, registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { Controller } from '../../controller/controller.ts';
import { DRIVER_SPECS } from '../../protocols/drivers/index.ts';
import { declaresMetric } from '../../protocols/drivers/spec.ts';
import { topic } from '../../protocols/contract.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';
import { closeClient, rawClient, removeDir, startController, tempDir, waitUntil } from '../integration/helpers.ts';
import { agentProcess, type ManagedProcess } from '../support/processes.ts';
import { recordResults } from './results.ts';
import {
  FAULTS,
  dmxRig,
  firmataRig,
  onvifRig,
  shureSerialRig,
  shureTcpRig,
  viscaRig,
  type Fault,
  type FaultKind,
  type Rig,
} from './rigs.ts';
import { eventsOf } from '../../protocols/events.ts';

const AGENT = 'faults-agent';
/** Stated in docs/testing.md and docs/faults.md. */
export const RECOVER_AFTER_MS = 2_000;
export const DETECT_BOUND_MS = 1_500;
export const RECOVER_MARGIN_MS = 8_000;
const REPETITIONS = Number(process.env.FAULT_REPETITIONS ?? 100);

interface Row {
  driver: string;
  fault: FaultKind;
  expect: Fault['expect'] | 'n/a';
  /** Fault injected → the controller declared the device failed or offline. */
  detectedMs: number | null;
  /** Fault ended → no longer failed (ok, or degraded by a profile rule on a recent count). */
  recoveredMs: number | null;
  /** Fault ended → ok. */
  okMs: number | null;
  outputs: 'unchanged' | string;
}
/** A rule on a count over the last minute (cameraErrorsPerMin) keeps a device degraded until the burst is a minute old. */
const RULE_WINDOW_MS = 60_000;

let dir: string;
let controller: Controller;
let agent: ManagedProcess;
let rigs: Rig[];
let health: MqttClient;
const metricsSeen = new Map<string, Set<string>>();
const rows: Row[] = [];
const baseline = new Map<string, string>();
let footprint: Record<string, unknown> = {};

recordResults('matrix', () => ({
  settings: {
    recoverAfterMs: RECOVER_AFTER_MS,
    detectBoundMs: DETECT_BOUND_MS,
    recoverMarginMs: RECOVER_MARGIN_MS,
    probe: "250 ms interval; deadline the driver's own request deadline + 250 ms, at least 1 s",
    repetitions: REPETITIONS,
  },
  rows: [...rows].sort((a, b) => a.driver.localeCompare(b.driver) || FAULTS.indexOf(a.fault) - FAULTS.indexOf(b.fault)),
  footprint,
}));

const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function command(client: MqttClient, device: string, action: string, params: Record<string, unknown>): Promise<void> {
  await client.publishAsync(
    topic.command(AGENT),
    JSON.stringify({ id: `${device}-${action}-${Date.now()}`, device, action, params, ttlMs: 5_000, issuedBy: 'fault-matrix' }),
    { qos: 1 },
  );
}

function usage(pid: number): { rssMb: number; fds: number } {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { rssMb: Math.round(rssKb / 102.4) / 10, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** One fault on one device: inject, hold, end; measure detection and recovery on the controller's event log. */
async function run(rig: Rig, kind: FaultKind): Promise<Row> {
  const fault = rig.faults[kind];
  const device = rig.device.device;
  if (!fault) return { driver: rig.name, fault: kind, expect: 'n/a', detectedMs: null, recoveredMs: null, okMs: null, outputs: 'n/a' };
  await waitUntil(() => status(device) === 'ok', 30_000, `${device} ok before "${kind}"`);
  const startedAt = Date.now();
  await fault.begin();
  await sleep(fault.ms);
  const endedAt = Date.now();
  await fault.end();
  const failure = () =>
    eventsOf(controller.events({ device, since: startedAt, limit: 10_000 }), 'device.state').find(
      (e) => e.data.to === 'failed' || e.data.to === 'offline',
    );
  if (fault.expect === 'failure') await waitUntil(() => failure(), 5_000, `${device}: "${kind}" detected`).catch(() => undefined);
  await waitUntil(
    () => status(device) === 'ok',
    RECOVER_AFTER_MS + RECOVER_MARGIN_MS + RULE_WINDOW_MS,
    `${device} ok after "${kind}"`,
  ).catch(() => undefined);
  const failed = failure();
  const after = failed
    ? eventsOf(controller.events({ device, since: failed.ts, limit: 10_000 }), 'device.state').filter((e) => e.ts >= endedAt)
    : [];
  const back = after.find((e) => e.data.to === 'ok' || e.data.to === 'degraded');
  const ok = after.find((e) => e.data.to === 'ok');
  await sleep(300); // outputs settle (a restored frame, a re-set pin)
  const now = rig.snapshot();
  return {
    driver: rig.name,
    fault: kind,
    expect: fault.expect,
    detectedMs: failed ? failed.ts - startedAt : null,
    recoveredMs: back ? Math.max(0, back.ts - endedAt) : failed ? null : 0,
    okMs: ok ? Math.max(0, ok.ts - endedAt) : failed ? null : 0,
    outputs: now === baseline.get(rig.name) ? 'unchanged' : `CHANGED: ${baseline.get(rig.name)} → ${now}`,
  };
}

beforeAll(async () => {
  dir = tempDir();
  const only = process.env.FAULT_RIGS?.split(','); // e.g. FAULT_RIGS=firmata,onvif while working on those drivers
  const all = [viscaRig, shureTcpRig, shureSerialRig, dmxRig, firmataRig, onvifRig].filter(
    (make) => !only || only.some((o) => make.name.toLowerCase().includes(o)),
  );
  rigs = await Promise.all(all.map((make) => make(AGENT)));
  controller = await startController({ dataDir: path.join(dir, 'data'), config: { detection: { recoverAfterMs: RECOVER_AFTER_MS } } });
  agent = await agentProcess(dir, AGENT, controller.brokerUrl, { heartbeatIntervalMs: 500 }, { FAULTS_CAMERA_PASSWORD: 'secret' });
  agent.start();
  await registerStudio(controller.brokerUrl, { by: 'fault-matrix', devices: rigs.map((r) => r.device), slots: [] });
  health = await rawClient(controller.brokerUrl);
  health.on('message', (t, p) => {
    if (p.length === 0) return;
    const device = t.split('/').at(-2)!;
    const seen = metricsSeen.get(device) ?? new Set<string>();
    for (const key of Object.keys((JSON.parse(p.toString()) as DeviceHealth).metrics)) seen.add(key);
    metricsSeen.set(device, seen);
  });
  await health.subscribeAsync(topic.deviceHealth(AGENT, '+'), { qos: 0 });
  for (const r of rigs) await waitUntil(() => status(r.device.device) === 'ok', 30_000, `${r.device.device} ok`);
  for (const r of rigs) for (const o of r.outputs) await command(health, r.device.device, o.action, o.params);
  await sleep(1_500);
  for (const r of rigs) baseline.set(r.name, r.snapshot());
}, 90_000);

afterAll(async () => {
  await closeClient(health);
  await agent?.stop();
  await controller?.stop();
  for (const r of rigs ?? []) await r.stop();
  removeDir(dir);
});

describe('driver fault matrix', () => {
  it('every driver × fault: detected within the bound, recovered by itself, outputs unchanged', async () => {
    await Promise.all(
      rigs.map(async (rig) => {
        for (const kind of FAULTS) rows.push(await run(rig, kind));
        await waitUntil(() => status(rig.device.device) === 'ok', RULE_WINDOW_MS + 10_000, `${rig.device.device} ok after the matrix`);
      }),
    );
    for (const row of rows.filter((r) => r.expect !== 'n/a')) {
      const label = `${row.driver}: ${row.fault}`;
      if (row.expect === 'failure') expect(row.detectedMs, `${label}: detected`).not.toBeNull();
      if (row.expect === 'failure')
        expect(row.detectedMs!, `${label}: detected within ${DETECT_BOUND_MS} ms`).toBeLessThanOrEqual(DETECT_BOUND_MS);
      if (row.expect === 'none') expect(row.detectedMs, `${label}: no false failure`).toBeNull();
      if (row.detectedMs !== null) expect(row.recoveredMs, `${label}: recovered by itself`).not.toBeNull();
      if (row.recoveredMs !== null)
        expect(row.recoveredMs, `${label}: recovered within recoverAfterMs + ${RECOVER_MARGIN_MS} ms`).toBeLessThanOrEqual(
          RECOVER_AFTER_MS + RECOVER_MARGIN_MS,
        );
      if (row.detectedMs !== null) expect(row.okMs, `${label}: ok again within the rule window`).not.toBeNull();
      expect(row.outputs, `${label}: outputs`).toBe('unchanged');
    }
  }, 600_000);

  it('reports only metrics its driver declares (a rule can only judge a declared metric)', () => {
    for (const rig of rigs) {
      const spec = DRIVER_SPECS.get(libraryProfile(rig.device.profile).driver)!;
      const undeclared = [...(metricsSeen.get(rig.device.device) ?? [])].filter((m) => !declaresMetric(spec, m));
      expect(undeclared, rig.name).toEqual([]);
    }
  });

  it(`keeps the agent's memory and file descriptors flat over ${REPETITIONS} short faults per driver`, async () => {
    const pid = agent.pid!;
    const measure = async (): Promise<{ rssMb: number; fds: number }> => {
      for (const r of rigs) await waitUntil(() => status(r.device.device) === 'ok', 30_000, `${r.device.device} ok`);
      await sleep(1_000);
      return usage(pid);
    };
    const cycles = async (from: number, to: number) =>
      Promise.all(
        rigs.map(async (rig) => {
          for (let rep = from; rep < to; rep += 1) {
            const blip = rig.blip(rep);
            await blip.begin();
            await sleep(blip.ms);
            await blip.end();
            await sleep(600);
          }
        }),
      );
    const warm = Math.min(10, REPETITIONS);
    await cycles(0, warm);
    const after10 = await measure();
    await cycles(warm, REPETITIONS);
    const afterAll = await measure();
    footprint = {
      repetitions: REPETITIONS,
      after10,
      afterAll,
      rssGrowthMb: Math.round((afterAll.rssMb - after10.rssMb) * 10) / 10,
      fdGrowth: afterAll.fds - after10.fds,
    };
    expect(afterAll.fds - after10.fds, 'file descriptors').toBeLessThanOrEqual(2);
    expect(afterAll.rssMb - after10.rssMb, 'resident memory (MB)').toBeLessThan(15);
    for (const rig of rigs) expect(rig.snapshot(), `${rig.name}: outputs after ${REPETITIONS} faults`).toBe(baseline.get(rig.name));
  }, 900_000);
});
