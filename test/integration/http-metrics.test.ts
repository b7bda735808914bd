/**
 * The controller's HTTP side (issue 12, first part): /healthz, /readyz and Prometheus /metrics over
 * real HTTP on loopback, with a real failover behind the numbers.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startControllerWithHttp, type ControllerWithHttp as Controller } from '../../controller/http/attach.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { startEmbeddedBroker } from '../../controller/broker/broker.ts';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { removeDir, simulate, tempDir, waitUntil } from './helpers.ts';
import { request, withController } from '../../client/request-client.ts';
import { PAIR_SLOT, startCameraPair, type CameraPair } from '../support/camera-pair.ts';

const SLOT = PAIR_SLOT;
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;
let pair: CameraPair;
let controller: Controller;

const get = async (url: string) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
};
/** The value of one sample line of the exposition format, or undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

beforeAll(async () => {
  pair = await startCameraPair();
  controller = pair.controller;
  controller.setOnAir(true, 'test', 'metrics');
}, 30_000);

afterAll(async () => pair?.stop());

describe('the controller over HTTP', () => {
  it('is alive and ready', async () => {
    expect(controller.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${controller.httpUrl}/healthz`)).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(await get(`${controller.httpUrl}/readyz`)).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  });

  it('exposes the fleet, failovers with their latency, detection and requests to Prometheus', async () => {
    const before = await get(`${controller.httpUrl}/metrics`);
    expect(before.status).toBe(200);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(before.body, 'onair_agents_online')).toBe(2);
    expect(sample(before.body, 'onair_devices{status="ok"}')).toBe(2);
    expect(sample(before.body, 'onair_on_air')).toBe(1);
    expect(sample(before.body, `onair_slot_on_air{slot="${SLOT}",primary_live="true"}`)).toBe(1);
    expect(sample(before.body, 'onair_controller_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(before.body, 'onair_health_messages_total')).toBeGreaterThan(0);
    // Every condition has a sample, 0 when no slot is in it ("Slots down" shows 0, not "No data").
    for (const condition of ['ok', 'degraded', 'failing_over', 'down', 'unknown'])
      expect(sample(before.body, `onair_slots{condition="${condition}"}`), condition).toBe(condition === 'ok' ? 1 : 0);
    expect(sample(before.body, `onair_slot_condition{slot="${SLOT}",condition="ok"}`)).toBe(1);
    expect(sample(before.body, 'onair_device_status{agent="agent-a",device="cam-1",status="ok"}')).toBe(1);

    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => controller.status().slots[0]?.active?.device === 'cam-2', 5_000, 'the automatic failover');
    const options = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'test' };
    await withController(options, (c) => request(c, 'status', {}, options));
    const after = (await get(`${controller.httpUrl}/metrics`)).body;
    expect(sample(after, 'onair_failovers_total{trigger="automatic",outcome="succeeded"}')).toBe(1);
    expect(sample(after, 'onair_failover_seconds_count{trigger="automatic"}')).toBe(1);
    expect(sample(after, 'onair_failover_seconds_bucket{le="1",trigger="automatic"}'), 'confirmed within a second').toBe(1);
    expect(sample(after, 'onair_detection_seconds_count')).toBe(1);
    expect(sample(after, 'onair_devices{status="failed"}')).toBe(1);
    expect(sample(after, `onair_slot_on_air{slot="${SLOT}",primary_live="false"}`)).toBe(1);
    expect(sample(after, 'onair_requests_total{op="status",status="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'onair_event_log_rows')).toBe(controller.events({ limit: 10_000 }).at(-1)!.seq);
    // One series per device: the failed camera's moved to its new status, none left behind.
    expect(sample(after, 'onair_device_status{agent="agent-a",device="cam-1",status="failed"}')).toBe(1);
    expect(after.split('\n').filter((l) => l.startsWith('onair_device_status{'))).toHaveLength(2);
    expect(after.split('\n').filter((l) => l.startsWith('onair_slot_condition{'))).toHaveLength(1);
  });

  it.skipIf(!hasPromtool)('passes promtool check metrics on a real scrape, with no warning', async () => {
    const { body } = await get(`${controller.httpUrl}/metrics`);
    expect(body).toMatch(/^onair_failover_seconds_bucket/m); // a scrape with a failover behind it
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 30_000 });
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });

  it('drops a slot’s and a device’s series when they are unregistered', async () => {
    controller.setOnAir(false, 'test', 'unregistering');
    const options = { broker: controller.brokerUrl, timeoutMs: 5_000, issuedBy: 'test' };
    await withController(options, async (c) => {
      await request(c, 'slot.remove', { slot: SLOT }, options);
      await request(c, 'device.remove', { agent: 'agent-a', device: 'cam-1' }, options);
    });
    const text = (await get(`${controller.httpUrl}/metrics`)).body;
    expect(text).not.toMatch(/^onair_slot_condition\{/m);
    expect(text).not.toMatch(/^onair_device_status\{agent="agent-a"/m);
    expect(sample(text, 'onair_device_status{agent="agent-b",device="cam-2",status="ok"}')).toBe(1);
    for (const condition of ['ok', 'degraded', 'failing_over', 'down', 'unknown'])
      expect(sample(text, `onair_slots{condition="${condition}"}`), condition).toBe(0);
  });

  it('is not ready while its external broker is away, and says why', async () => {
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    const dir = tempDir();
    const config = parseControllerConfig(
      stringify({
        broker: { embedded: false, url: broker.url },
        dataDir: path.join(dir, 'external'),
        http: { port: 0, host: '127.0.0.1' },
      }),
      '(test)',
    );
    const external = await startControllerWithHttp({ config, clock: systemClock, log: silentLogger() });
    try {
      expect((await get(`${external.httpUrl}/readyz`)).status).toBe(200);
      await broker.close();
      await waitUntil(() => !external.readiness().ready, 5_000, 'the link seen down');
      const notReady = await get(`${external.httpUrl}/readyz`);
      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.body)).toMatchObject({
        status: 'error',
        error: expect.stringMatching(/^the broker is not connected( \(.+\))?$/),
      });
      expect((await get(`${external.httpUrl}/healthz`)).status, 'alive all the same').toBe(200);
    } finally {
      await external.stop();
      removeDir(dir);
    }
  });
});
