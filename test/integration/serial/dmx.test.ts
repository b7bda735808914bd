/** The dmx driver against the Enttec widget simulator with RDM fixtures, over a real pty pair. */
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/logger.ts';
import { withTimeout } from '../../../lib/timeout.ts';
import { createPtyPair, type PtyPair } from '../../../lib/serial/pty-pair.ts';
import { createDmxDriver, type DmxOptions } from '../../../agent/drivers/dmx/driver.ts';
import type { Driver } from '../../../agent/driver.ts';
import { EnttecWidgetSimulator } from '../../../simulators/dmx-widget.ts';
import { cleanupAfterEach, eventually } from '../helpers.ts';
import { memoryKeptState, type KeptState } from '../../../agent/kept-state.ts';

const cleanup = cleanupAfterEach();
let pair: PtyPair;
let widget: EnttecWidgetSimulator;
let key: Driver;
let fill: Driver;
/** One agent's driver state: its fixtures share the widget through it. */
let state: KeptState;

const options = (over: Partial<DmxOptions>): DmxOptions => ({
  path: pair.a,
  address: 1,
  footprint: 4,
  scenes: { key: [255, 200, 100, 0], half: [128, 128, 128, 128] },
  temperatureSensor: 0,
  maxTemperatureC: 85,
  answerTimeoutMs: 200,
  ...over,
});
const probe = (d: Driver) => withTimeout('probe', 1_000, (signal) => d.probe(signal));
const act = (d: Driver, action: string, params: Record<string, unknown> = {}) =>
  withTimeout(action, 1_000, (signal) => d.execute(action, params, signal));

beforeEach(async () => {
  pair = await createPtyPair();
  cleanup.defer(() => pair.close());
  widget = new EnttecWidgetSimulator(pair.b, [
    { uid: '7ff0:00000101', startAddress: 1, footprint: 4, lampHours: 2_100 },
    { uid: '7ff0:00000102', startAddress: 9, footprint: 4 },
  ]);
  cleanup.defer(() => widget.stop());
  await widget.start();
  state = memoryKeptState();
  key = createDmxDriver().create({
    state,
    deviceId: 'key-1',
    log: silentLogger(),
    options: options({ uid: '7ff0:00000101', lampRatedHours: 2_000 }),
  });
  fill = createDmxDriver().create({
    state,
    deviceId: 'fill-1',
    log: silentLogger(),
    options: options({ uid: '7ff0:00000102', address: 9 }),
  });
  cleanup.defer(() => fill.close());
  cleanup.defer(() => key.close());
  await key.connect(AbortSignal.timeout(2_000));
  await fill.connect(AbortSignal.timeout(2_000));
});

describe('dmx driver over a pty', () => {
  it('reports widget and fixture health over RDM: temperature, lamp hours, patch', async () => {
    const health = await probe(key);
    expect(health.metrics).toMatchObject({
      firmware: '1.44',
      widgetSerial: '12345678',
      temperatureC: 45,
      lampHours: 2_100,
      deviceHours: 900,
      rdmStartAddress: 1,
      modelId: 0x0101,
    });
    expect(health.status).toBe('degraded'); // lamp past its rated hours: maintenance due
    expect(health.checks.find((c) => c.name === 'lamp')?.detail).toBe('lamp at 2100 h is past its rated 2000 h: maintenance due');
    const led = await probe(fill); // an LED fixture: LAMP_HOURS is an unknown PID, which is not a fault
    expect(led.status).toBe('ok');
    expect(led.metrics.lampHours).toBeUndefined();
  });

  it("fixtures sharing a widget can probe at the same moment: they share the widget's answer", async () => {
    // Their probe timers are independent and do line up; neither may fail because the other asked first.
    for (let i = 0; i < 5; i += 1) {
      const [a, b] = await Promise.all([probe(key), probe(fill)]);
      expect(a.checks.find((c) => c.name === 'widget')?.status).toBe('ok');
      expect(b.checks.find((c) => c.name === 'widget')?.status).toBe('ok');
    }
  });

  it('a warming fixture’s temperature climbs in real time (what the controller’s trend forecast reads)', async () => {
    widget.warm('7ff0:00000102', 600); // 10 °C a second
    await eventually(async () => Number((await probe(fill)).metrics.temperatureC) >= 50, 3_000, 'the temperature climbing');
    const first = Number((await probe(fill)).metrics.temperatureC);
    await eventually(async () => Number((await probe(fill)).metrics.temperatureC) > first, 3_000, 'still climbing');
  });

  it('a fixture that overheats or reports an error status is failed', async () => {
    widget.fixture('7ff0:00000102').fault = 'overheat';
    expect((await probe(fill)).checks.find((c) => c.name === 'temperature')).toMatchObject({
      status: 'failed',
      detail: '97 °C is over the 85 °C limit',
    });
    widget.fixture('7ff0:00000102').fault = 'error-status';
    expect((await probe(fill)).checks.find((c) => c.name === 'status')).toMatchObject({
      status: 'failed',
      detail: 'status message 0x0003 (0, 0)',
    });
  });

  it('a fixture that does not answer (label 12) is failed; the widget and the other fixture stay healthy', async () => {
    widget.fixture('7ff0:00000102').fault = 'dead';
    const dead = await probe(fill);
    expect(dead.status).toBe('failed');
    expect(dead.checks).toEqual([
      expect.objectContaining({ name: 'widget', status: 'ok' }),
      expect.objectContaining({ name: 'rdm', status: 'failed', detail: 'no RDM reply from fixture 7ff0:00000102 (widget label 12)' }),
    ]);
    expect((await probe(key)).checks.find((c) => c.name === 'rdm')?.status).toBe('ok');
  });

  it('sets scenes on the fixture’s channels and blacks out, sharing one universe', async () => {
    await act(key, 'set-scene', { scene: 'key' });
    await act(fill, 'activate', { scene: 'half', level: 50 });
    await eventually(async () => widget.universe[0] === 255 && widget.universe[8] === 64, 1_000, 'DMX out');
    expect([...widget.universe.subarray(0, 4)]).toEqual([255, 200, 100, 0]);
    expect([...widget.universe.subarray(8, 12)]).toEqual([64, 64, 64, 64]);
    await act(key, 'blackout');
    await eventually(async () => widget.universe[0] === 0, 1_000, 'blackout');
    expect([...widget.universe.subarray(8, 12)]).toEqual([64, 64, 64, 64]); // the other fixture is untouched
    await expect(act(key, 'set-scene', { scene: 'disco' })).rejects.toThrow('no scene "disco"; scenes: key, half');
    await act(key, 'set-levels', { levels: [1, 2, 3, 4] });
    await eventually(async () => widget.universe[3] === 4, 1_000, 'raw levels');
    await act(key, 'standby');
    await eventually(async () => widget.universe[0] === 0, 1_000, 'standby is dark');
    await expect(act(key, 'set-levels', { levels: [1, 2, 3, 4, 5] })).rejects.toThrow('levels must be up to 4 integers from 0 to 255');
  });

  it('an action is not held up behind RDM polling', async () => {
    widget.fixture('7ff0:00000101').fault = 'slow'; // every RDM answer takes 250 ms
    let pollingDone = false;
    const polling = Promise.allSettled([probe(key), probe(fill), probe(key)]).then(() => (pollingDone = true)); // RDM queued for ~1 s
    await act(key, 'set-scene', { scene: 'key' });
    await eventually(async () => widget.universe[0] === 255, 1_000, 'DMX out');
    expect(pollingDone).toBe(false); // the scene went out while the RDM polls were still queued
    await polling;
  });

  it('resynchronises on garbage and wrong end bytes, and recovers after an unplug', async () => {
    widget.setFault('garbage');
    expect((await probe(fill)).status).toBe('ok');
    widget.setFault('bad-end-byte');
    await expect(probe(fill)).rejects.toThrow(/did not answer|timed out/);
    widget.setFault('none');
    expect((await probe(fill)).status).toBe('ok');
    await widget.stop();
    await pair.unplug();
    await eventually(async () => (await probe(fill)).status === 'offline', 2_000, 'offline');
    await pair.plugIn();
    await widget.start();
    await eventually(async () => (await probe(fill)).status === 'ok', 5_000, 'back by itself');
  });
});
